import t from 'tap';
import fc from 'fast-check';
import { detectClusterDomain } from '../../common/cluster-domain.ts';
import { parseResolvConf, nameList, RESOLV_DEFAULTS } from '../../common/resolv-conf.ts';

const KUBELET = 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n';

t.test('reads a kubelet-written file like Go: servers, rooted search list, ndots', async (t) => {
  const conf = parseResolvConf(KUBELET);
  t.same(conf.nameservers, ['10.96.0.10']);
  t.same(conf.search, ['default.svc.cluster.local.', 'svc.cluster.local.', 'cluster.local.']);
  t.equal(conf.ndots, 5);
  t.equal(conf.timeoutMs, 5000);
  t.equal(conf.attempts, 2);
});

t.test('applies Go rules to every directive', async (t) => {
  const rows = [
    {
      name: 'at most three nameservers, in order',
      text: 'nameserver 1.1.1.1\nnameserver 2.2.2.2\nnameserver ::1\nnameserver 4.4.4.4\n',
      key: 'nameservers',
      want: ['1.1.1.1', '2.2.2.2', '::1'],
    },
    { name: 'a nameserver that is not an IP is skipped', text: 'nameserver dns.example\nnameserver 10.0.0.1\n', key: 'nameservers', want: ['10.0.0.1'] },
    { name: 'no nameserver means the local resolver', text: 'search a\n', key: 'nameservers', want: ['127.0.0.1', '::1'] },
    { name: 'the last search line wins', text: 'search a b\nsearch c\n', key: 'search', want: ['c.'] },
    { name: 'domain replaces the search list', text: 'search a b\ndomain d.example\n', key: 'search', want: ['d.example.'] },
    { name: 'a lone dot in search is dropped', text: 'search . a.\n', key: 'search', want: ['a.'] },
    { name: 'comments start with # or ;', text: '# search x\n; search y\nsearch z\n', key: 'search', want: ['z.'] },
    { name: 'tabs and CRs separate fields', text: 'search\ta\r\noptions\tndots:3\r\n', key: 'search', want: ['a.'] },
    { name: 'ndots is capped at 15', text: 'options ndots:99\n', key: 'ndots', want: 15 },
    { name: 'ndots without digits is 0', text: 'options ndots:x\n', key: 'ndots', want: 0 },
    { name: 'timeout below 1 becomes 1 s', text: 'options timeout:0\n', key: 'timeoutMs', want: 1000 },
    { name: 'timeout in seconds', text: 'options timeout:2 attempts:3\n', key: 'timeoutMs', want: 2000 },
    { name: 'attempts below 1 becomes 1', text: 'options attempts:0\n', key: 'attempts', want: 1 },
    { name: 'rotate', text: 'options rotate\n', key: 'rotate', want: true },
    { name: 'use-vc means TCP only', text: 'options use-vc\n', key: 'useTcp', want: true },
  ] as const;
  for (const row of rows) t.same(parseResolvConf(row.text)[row.key], row.want, row.name);
});

t.test('without a search line, searches the domain part of the hostname as Go does', async (t) => {
  t.same(parseResolvConf('nameserver 10.0.0.1\n', 'zoo-0.zk.example').search, ['zk.example.']);
  t.same(parseResolvConf('nameserver 10.0.0.1\n', 'zoo-0').search, []);
  t.same(parseResolvConf(undefined, 'zoo-0.zk.example').search, ['zk.example.'], 'missing file');
  t.same(parseResolvConf(undefined).nameservers, RESOLV_DEFAULTS.nameservers, 'missing file uses the local resolver');
  t.same(parseResolvConf('', '..').search, ['.'], 'a lone dot after the first dot is kept, as Go keeps it');
});

t.test('orders candidate names like Go dnsConfig.nameList', async (t) => {
  const conf = { ndots: 5, search: ['default.svc.cluster.local.', 'svc.cluster.local.', 'cluster.local.'] };
  const rows = [
    {
      name: 'short name with ndots 5: suffixes first, bare name last',
      conf,
      query: 'zk',
      want: ['zk.default.svc.cluster.local.', 'zk.svc.cluster.local.', 'zk.cluster.local.', 'zk.'],
    },
    { name: 'rooted name: only itself', conf, query: 'zk.default.svc.cluster.local.', want: ['zk.default.svc.cluster.local.'] },
    { name: 'enough dots: as is first', conf: { ndots: 1, search: ['a.'] }, query: 'zk.default', want: ['zk.default.', 'zk.default.a.'] },
    { name: 'ndots 0: as is first even without dots', conf: { ndots: 0, search: [] }, query: 'zk', want: ['zk.'] },
    { name: '.onion is never asked', conf: { ndots: 1, search: [] }, query: 'x.onion', want: [] },
    { name: 'too long', conf, query: 'a'.repeat(255), want: [] },
  ];
  for (const row of rows) t.same(nameList(row.conf, row.query), row.want, row.name);
});

t.test("property: any text parses to a config within Go's bounds, and detection never throws", async (t) => {
  const word = fc.oneof(
    fc.constantFrom(
      'nameserver',
      'search',
      'domain',
      'options',
      'ndots:',
      'timeout:',
      'attempts:',
      'rotate',
      'use-vc',
      '#',
      ';',
      'svc',
      'default.svc.cluster.local',
      '10.0.0.1',
      '::1',
      '.',
    ),
    fc.string({ maxLength: 12 }),
    fc.stringMatching(/^(ndots|timeout|attempts):\d{0,30}$/),
  );
  const line = fc.array(word, { maxLength: 6 }).chain((words) => fc.constantFrom(' ', '\t', '  ', '\r').map((gap) => words.join(gap)));
  const text = fc.array(line, { maxLength: 8 }).map((lines) => lines.join('\n'));
  fc.assert(
    fc.property(text, fc.string({ maxLength: 20 }), (s, hostname) => {
      const conf = parseResolvConf(s, hostname);
      const detected = detectClusterDomain(s);
      return (
        conf.nameservers.length >= 1 &&
        conf.nameservers.length <= 3 &&
        conf.ndots >= 0 &&
        conf.ndots <= 15 &&
        conf.timeoutMs >= 1000 &&
        Number.isFinite(conf.timeoutMs) &&
        conf.attempts >= 1 &&
        Number.isFinite(conf.attempts) &&
        // A lone "." only from the hostname: Go's dnsDefaultSearch keeps hostname ".." as ["."] (found by this property).
        conf.search.every((d) => d.endsWith('.') && (d !== '.' || hostname.endsWith('..'))) &&
        (detected.kind === 'none' || /^[a-zA-Z0-9.-]+$/.test(detected.clusterDomain))
      );
    }),
    { numRuns: 500 },
  );
  t.pass('bounded');
});
