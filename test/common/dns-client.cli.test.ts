import t from 'tap';
import { createDnsClient } from '../../common/dns-client.ts';
import { parseResolvConf } from '../../common/resolv-conf.ts';
import { startDnsmasq, srvRecords, kubeletResolvConf } from '../fixtures/loopback-dnsmasq.ts';
import { hostileDnsServer, response, srvRecord, pointerLoopRecord, type SeenQuery } from '../fixtures/hostile-dns.ts';

// The tests are independent (each its own servers on random ports) and mostly wait out DNS timeouts: side by side.
t.jobs = 4;

const ZK = srvRecords('zk', 'zoo', [0, 1, 2]);
const clientFor = (port: number, text = kubeletResolvConf()) => createDnsClient({ resolv: parseResolvConf(text), port });

t.test('resolves the bare service name through the search list over UDP, like Go', async (t) => {
  const dns = await startDnsmasq(t, ZK);
  const result = await clientFor(dns.port).lookupSrv('zk');
  t.match(result, { kind: 'ok', name: 'zk.default.svc.cluster.local.', server: '127.0.0.1', transport: 'udp' });
  t.same(result.kind === 'ok' && result.records.map((r) => r.target).sort(), [
    'zoo-0.zk.default.svc.cluster.local',
    'zoo-1.zk.default.svc.cluster.local',
    'zoo-2.zk.default.svc.cluster.local',
  ]);
  t.match(result.kind === 'ok' && result.records[0], { port: 2181, priority: 0 });
});

t.test('tries the other search names in order and reports the first name when none exists', async (t) => {
  const dns = await startDnsmasq(t, ['srv-host=zk.svc.cluster.local,zoo-0.example,2181,0,1']);
  t.match(await clientFor(dns.port).lookupSrv('zk'), { kind: 'ok', name: 'zk.svc.cluster.local.' }, 'second suffix answers');
  const missing = await clientFor(dns.port).lookupSrv('nope');
  t.match(missing, { kind: 'not-found', rcode: 'NXDOMAIN' });
  t.same(missing.kind === 'not-found' && missing.names, ['nope.default.svc.cluster.local.', 'nope.svc.cluster.local.', 'nope.cluster.local.', 'nope.']);
});

t.test('asks a name with enough dots as is, and a rooted name only as is', async (t) => {
  const dns = await startDnsmasq(t, ZK);
  t.match(await clientFor(dns.port, kubeletResolvConf('default', ['127.0.0.1'], 'ndots:1')).lookupSrv('zk.default.svc.cluster.local'), {
    kind: 'ok',
    name: 'zk.default.svc.cluster.local.',
  });
  const rooted = await clientFor(dns.port).lookupSrv('zk.svc.cluster.local.');
  t.match(rooted, { kind: 'not-found', names: ['zk.svc.cluster.local.'] });
});

t.test('tells NODATA (the name exists, no SRV) from NXDOMAIN', async (t) => {
  const dns = await startDnsmasq(t, ['host-record=web.default.svc.cluster.local,10.0.0.5']);
  t.match(await clientFor(dns.port).lookupSrv('web.default.svc.cluster.local.'), { kind: 'not-found', rcode: 'NODATA' });
  t.match(await clientFor(dns.port).lookupAddresses('web'), { kind: 'ok', records: ['10.0.0.5'] });
});

t.test('resolves 1,000 SRV records by retrying over TCP after a truncated UDP answer', async (t) => {
  const dns = await startDnsmasq(
    t,
    srvRecords(
      'big',
      'big',
      Array.from({ length: 1000 }, (_, i) => i),
    ),
  );
  const result = await clientFor(dns.port).lookupSrv('big');
  t.match(result, { kind: 'ok', transport: 'tcp' });
  t.equal(result.kind === 'ok' && new Set(result.records.map((r) => r.target)).size, 1000);
});

t.test('asks over TCP only with options use-vc', async (t) => {
  const dns = await startDnsmasq(t, ZK);
  t.match(await clientFor(dns.port, kubeletResolvConf('default', ['127.0.0.1'], 'ndots:5 use-vc')).lookupSrv('zk'), { kind: 'ok', transport: 'tcp' });
});

t.test('moves on to the next nameserver when the first is down', async (t) => {
  const dns = await startDnsmasq(t, ZK);
  // Nothing listens on 127.0.0.2 at this port: the connected UDP socket gets ECONNREFUSED at once.
  const result = await clientFor(dns.port, kubeletResolvConf('default', ['127.0.0.2', '127.0.0.1'])).lookupSrv('zk');
  t.match(result, { kind: 'ok', server: '127.0.0.1' });
});

t.test('spreads lookups over the nameservers with options rotate', async (t) => {
  const first = await startDnsmasq(t, ZK);
  await startDnsmasq(t, ZK, { address: '127.0.0.3', port: first.port });
  const client = clientFor(first.port, kubeletResolvConf('default', ['127.0.0.1', '127.0.0.3'], 'ndots:5 rotate'));
  const servers: string[] = [];
  for (let i = 0; i < 3; i++) {
    const result = await client.lookupSrv('zk');
    servers.push(result.kind === 'ok' ? result.server : result.kind);
  }
  t.same(servers, ['127.0.0.1', '127.0.0.3', '127.0.0.1']);
});

t.test('reports a server that is down as a network error, and answers again once it is back', async (t) => {
  const dns = await startDnsmasq(t, ZK);
  const client = clientFor(dns.port, kubeletResolvConf('default', ['127.0.0.1'], 'ndots:5 attempts:1 timeout:1'));
  await dns.stop();
  t.match(await client.lookupSrv('zk'), { kind: 'error', reason: 'network', detail: /ECONNREFUSED/ });
  await dns.start();
  t.match(await client.lookupSrv('zk'), { kind: 'ok' });
});

t.test('reports a server that does not answer as a timeout after timeout x attempts', async (t) => {
  const dns = await startDnsmasq(t, ZK);
  const client = clientFor(dns.port, kubeletResolvConf('default', ['127.0.0.1'], 'ndots:1 attempts:2 timeout:1'));
  dns.pause();
  const started = Date.now();
  const result = await client.lookupSrv('zk.default.svc.cluster.local.');
  dns.resume();
  t.match(result, { kind: 'error', reason: 'timeout' });
  t.ok(Date.now() - started >= 1900 && Date.now() - started < 4000, `took ${Date.now() - started} ms`);
});

t.test('reports SERVFAIL and REFUSED as server errors', async (t) => {
  // A validating dnsmasq in front of an unsigned zone answers SERVFAIL (bogus); a dnsmasq with no zone, REFUSED.
  const upstream = await startDnsmasq(t, ['local=/fail.test/', 'srv-host=x.fail.test,a.fail.test,1,0,1']);
  const validating = await startDnsmasq(t, [
    'dnssec',
    'trust-anchor=.,20326,8,2,E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D',
    'dnssec-check-unsigned',
    `server=127.0.0.1#${upstream.port}`,
  ]);
  const text = 'nameserver 127.0.0.1\noptions attempts:1 timeout:2\n';
  t.match(await clientFor(validating.port, text).lookupSrv('x.fail.test.'), { kind: 'error', reason: 'servfail', detail: /SERVFAIL/ });
  t.match(await clientFor(upstream.port, text).lookupSrv('elsewhere.example.'), { kind: 'error', reason: 'refused' });
});

t.test("stops a lookup early when the caller's signal fires", async (t) => {
  const dns = await startDnsmasq(t, ZK);
  const client = clientFor(dns.port, kubeletResolvConf('default', ['127.0.0.1'], 'ndots:5 attempts:2 timeout:5'));
  dns.pause();
  const started = Date.now();
  const result = await client.lookupSrv('zk', { signal: AbortSignal.timeout(300) });
  dns.resume();
  t.match(result, { kind: 'error', reason: 'timeout', detail: /cut short by the deadline/ });
  t.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms, not 4 names x 2 attempts x 5 s`);
});

// Against a hostile server: answers no well-behaved server sends.
const ZK_NAME = 'zk.default.svc.cluster.local.';
const FQDN = (i: number): string => `zoo-${i}.zk.default.svc.cluster.local`;
const hostileClient = (port: number, options = 'ndots:5 attempts:1 timeout:1') => clientFor(port, kubeletResolvConf('default', ['127.0.0.1'], options));

t.test('leaves out SRV records whose target or owner is not a valid host name, as Go since CVE-2021-33195', async (t) => {
  const dns = await hostileDnsServer(t, (q) => [
    response(q, {
      answers: [
        srvRecord(q.name, FQDN(0)),
        srvRecord(q.name, `${FQDN(2)}\n${FQDN(9)}`),
        srvRecord(q.name, 'zoo\u0000.zk'),
        srvRecord(q.name, 'zoo 3.zk'),
        srvRecord(q.name, [Buffer.from('zoo-'), Buffer.from([0xff, 0xfe]), Buffer.from('zk')]),
        srvRecord(q.name, '.'),
        srvRecord('evil\nowner.zk', FQDN(4)),
        srvRecord(q.name, FQDN(1)),
      ],
    }),
  ]);
  const result = await hostileClient(dns.port).lookupSrv(ZK_NAME);
  t.match(result, { kind: 'ok' });
  t.same(result.kind === 'ok' && result.records.map((r) => r.target), [FQDN(0), FQDN(1)]);
  t.equal(result.kind === 'ok' && result.rejected.length, 6);
});

t.test('names what was wrong with the answers it dropped instead of "no UDP answer"', async (t) => {
  const rows = [
    {
      name: 'a compression pointer loop',
      reply: (q: SeenQuery) => [response(q, { answers: [pointerLoopRecord] })],
      detail: /malformed answer from 127\.0\.0\.1:\d+: compression pointer loop.*\(1 dropped, none usable; no UDP answer in 1000ms\)/,
    },
    { name: 'counts promising more than present', reply: (q: SeenQuery) => [response(q, { counts: [1, 3, 0, 0] })], detail: /malformed answer .*: truncated/ },
    {
      name: 'a name over 255 bytes',
      reply: (q: SeenQuery) => [
        response(q, {
          answers: [
            srvRecord(
              q.name,
              Array.from({ length: 5 }, () => Buffer.alloc(63, 0x61)),
            ),
          ],
        }),
      ],
      detail: /longer than 255 bytes/,
    },
    {
      name: 'a flood of NXDOMAIN with wrong ids',
      reply: (q: SeenQuery) => Array.from({ length: 50 }, (_, i) => response(q, { id: (q.id + 1 + i) & 0xffff, rcode: 3 })),
      detail: /answer from 127\.0\.0\.1:\d+ is not for our query: wrong id .*\(50 dropped/,
    },
  ];
  // Each row waits out its 1 s timeout; side by side, each against its own server.
  const results = await Promise.all(
    rows.map(async (row) => {
      const dns = await hostileDnsServer(t, row.reply);
      const started = Date.now();
      const result = await hostileClient(dns.port).lookupSrv(ZK_NAME);
      return { row, result, ms: Date.now() - started };
    }),
  );
  for (const { row, result, ms } of results) {
    t.match(result, { kind: 'error', reason: 'malformed', detail: row.detail }, row.name);
    t.ok(ms < 2500, `${row.name}: ${ms} ms`);
  }
});

t.test('takes the real answer that follows a flood of spoofed ones', async (t) => {
  const dns = await hostileDnsServer(t, (q) => [
    ...Array.from({ length: 200 }, (_, i) => response(q, { id: (q.id + 1 + i) & 0xffff, rcode: 3 })),
    response(q, { answers: [srvRecord(q.name, FQDN(0))] }),
  ]);
  t.match(await hostileClient(dns.port).lookupSrv(ZK_NAME), { kind: 'ok', records: [{ target: FQDN(0) }] });
});

t.test('a truncated UDP answer followed by a TCP stream that stalls ends at the timeout, naming TCP', async (t) => {
  const results = await Promise.all(
    [{ kind: 'stall' as const }, { kind: 'partial' as const, length: 4000 }].map(async (stall) => {
      const dns = await hostileDnsServer(t, (q) => (q.transport === 'udp' ? [response(q, { tc: true })] : [stall]));
      const started = Date.now();
      const result = await hostileClient(dns.port).lookupSrv(ZK_NAME);
      return { stall, dns, result, ms: Date.now() - started };
    }),
  );
  for (const { stall, dns, result, ms } of results) {
    t.match(result, { kind: 'error', reason: 'timeout', detail: /no TCP answer in 1000ms/ }, stall.kind);
    t.ok(ms < 2500, `${stall.kind}: ${ms} ms`);
    t.same(
      dns.queries().map((q) => q.transport),
      ['udp', 'tcp'],
      stall.kind,
    );
  }
});

t.test('a malformed TCP answer is reported as such', async (t) => {
  const dns = await hostileDnsServer(t, (q) => (q.transport === 'udp' ? [response(q, { tc: true })] : [response(q, { answers: [pointerLoopRecord] })]));
  t.match(await hostileClient(dns.port).lookupSrv(ZK_NAME), {
    kind: 'error',
    reason: 'malformed',
    detail: /malformed TCP answer from 127\.0\.0\.1:\d+: compression pointer loop/,
  });
});
