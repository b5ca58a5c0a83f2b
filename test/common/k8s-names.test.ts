import t from 'tap';
import fc from 'fast-check';
import { dns1123LabelProblem, dns1123SubdomainProblem, k8sNameProblem, isHostName } from '../../common/k8s-names.ts';

t.test('accepts the names Kubernetes produces', async (t) => {
  for (const name of ['zk', 'zoo-0', 'kafka-controller-12', 'a', '0', 'x'.repeat(63)]) t.equal(dns1123LabelProblem(name), undefined, name);
  for (const name of [
    'cluster.local',
    'k8s-prod',
    'zoo-2.zk.default.svc.cluster.local',
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`,
  ]) {
    t.equal(dns1123SubdomainProblem(name), undefined, name);
  }
});

t.test('refuses what Kubernetes would never produce', async (t) => {
  const labels = [
    { name: 'empty', value: '', want: /empty/ },
    { name: '64 characters', value: 'x'.repeat(64), want: /at most 63 characters \(got 64\)/ },
    { name: '131 KB', value: 'x'.repeat(131_072), want: /at most 63/ },
    { name: 'underscore', value: 'Kaf_ka', want: /DNS-1123 label/ },
    { name: 'upper case', value: 'Kafka', want: /DNS-1123 label/ },
    { name: 'newline', value: 'default\n', want: /DNS-1123 label/ },
    { name: 'leading dash', value: '-zk', want: /DNS-1123 label/ },
    { name: 'trailing dash', value: 'zk-', want: /DNS-1123 label/ },
    { name: 'dot', value: 'zk.default', want: /DNS-1123 label/ },
  ];
  for (const row of labels) t.match(dns1123LabelProblem(row.value), row.want, row.name);
  const subdomains = [
    { name: 'empty', value: '', want: /empty/ },
    { name: 'empty label', value: 'a..b', want: /DNS-1123 subdomain/ },
    { name: 'leading dot', value: '.local', want: /DNS-1123 subdomain/ },
    { name: '254 characters', value: `${'a.'.repeat(126)}ab`, want: /at most 253 characters \(got 254\)/ },
    { name: '64-character label', value: `${'a'.repeat(64)}.local`, want: /DNS-1123 subdomain/ },
    { name: 'NUL', value: 'cluster\u0000.local', want: /DNS-1123 subdomain/ },
  ];
  for (const row of subdomains) t.match(dns1123SubdomainProblem(row.value), row.want, row.name);
});

t.test('a usage line names the input and quotes a short escaped excerpt', async (t) => {
  t.equal(k8sNameProblem('-service', 'label', 'zk'), undefined);
  const line = k8sNameProblem('-ns (env POD_NAMESPACE)', 'label', `a\n${'b'.repeat(131_072)}`) as string;
  t.match(line, /^-ns \(env POD_NAMESPACE\) must be at most 63 characters \(got 131074\), got "a\\nb+…\(\+130994 chars\)"$/);
});

t.test('property: a valid label is 1..63 of [a-z0-9-] not starting or ending with -, and any string is judged fast', async (t) => {
  const alphabet = fc.constantFrom(...'abz09-_.A\n '.split(''));
  fc.assert(
    fc.property(fc.string({ unit: alphabet, maxLength: 70 }), (s) => {
      const ok = dns1123LabelProblem(s) === undefined;
      const expected = s.length >= 1 && s.length <= 63 && /^[a-z0-9-]+$/.test(s) && !s.startsWith('-') && !s.endsWith('-');
      return ok === expected;
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.string({ unit: alphabet, maxLength: 300 }), (s) => {
      const ok = dns1123SubdomainProblem(s) === undefined;
      return ok === (s.length <= 253 && s !== '' && s.split('.').every((l) => dns1123LabelProblem(l) === undefined));
    }),
    { numRuns: 500 },
  );
  t.pass('bounded');
});

t.test('isHostName is the DNS-1123 subdomain rule in any case, so dotted IPv4 passes and `_`, `:` or `,` do not', async (t) => {
  const rows = [
    { name: 'FQDN', s: 'zoo-0.zk.default.svc.cluster.local', want: true },
    { name: 'upper case', s: 'ZOO-0.ZK', want: true },
    { name: 'dotted IPv4', s: '10.0.0.1', want: true },
    { name: '63-character label', s: `${'a'.repeat(63)}.zk`, want: true },
    { name: '64-character label', s: `${'a'.repeat(64)}.zk`, want: false },
    { name: '254 characters', s: `${'a.'.repeat(126)}ab`, want: false },
    { name: 'underscore (an SRV label, not a host)', s: '_zk._tcp', want: false },
    { name: 'port', s: 'zoo-0:2181', want: false },
    { name: 'comma', s: 'zoo-0,zoo-1', want: false },
    { name: 'newline', s: 'zoo-0\nserver.9=x', want: false },
    { name: 'empty label', s: 'zoo..zk', want: false },
    { name: 'empty', s: '', want: false },
    { name: 'leading hyphen', s: '-zoo', want: false },
  ];
  for (const row of rows) t.equal(isHostName(row.s), row.want, row.name);
});
