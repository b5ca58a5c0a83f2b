import t from 'tap';
import { parseFlags, durationMs, flagOrEnv, helpText, type FlagSpec } from '../../common/flags.ts';

const SPECS: FlagSpec[] = [
  { name: 'service', kind: 'string', help: 'svc' },
  { name: 'ns', kind: 'string', help: 'namespace', env: 'POD_NAMESPACE', default: '$POD_NAMESPACE' },
  { name: 'json', kind: 'bool', help: 'json logs' },
  { name: 'override', kind: 'list', help: 'key=value' },
];

t.test('accepts every Go flag spelling', async (t) => {
  const rows = [
    { name: '-x=v', argv: ['-service=zk'] },
    { name: '--x=v', argv: ['--service=zk'] },
    { name: '-x v', argv: ['-service', 'zk'] },
    { name: '--x v', argv: ['--service', 'zk'] },
  ];
  for (const row of rows) t.equal(parseFlags(SPECS, row.argv).values.get('service'), 'zk', row.name);
});

t.test('keeps literal quotes inside a value, as Go does', async (t) => {
  t.equal(parseFlags(SPECS, ['-service="/work-dir/on-start.sh"']).values.get('service'), '"/work-dir/on-start.sh"');
});

t.test('bool flags take no separate value; list flags keep every value in order', async (t) => {
  const parsed = parseFlags(SPECS, ['-json', 'pos', '--override', 'a=1', '--override=b=2']);
  t.equal(parsed.values.get('json'), 'true');
  t.same(parsed.values.get('override'), ['a=1', 'b=2']);
  t.same(parsed.positionals, ['pos']);
});

t.test('reports unknown flags, missing values and bad bools as problems', async (t) => {
  const parsed = parseFlags(SPECS, ['-nope', '-json=maybe', '-service']);
  t.equal(parsed.problems.length, 3);
  t.match(parsed.problems[0], /-nope/);
});

t.test('falls back to the env var named in the spec', async (t) => {
  const ns = SPECS[1] as FlagSpec;
  t.equal(flagOrEnv(parseFlags(SPECS, []), ns, { POD_NAMESPACE: 'prod' }), 'prod');
  t.equal(flagOrEnv(parseFlags(SPECS, ['-ns=dev']), ns, { POD_NAMESPACE: 'prod' }), 'dev');
  t.equal(flagOrEnv(parseFlags(SPECS, []), ns, {}), undefined);
});

t.test('parses Go durations and bare seconds', async (t) => {
  const rows = [
    { name: 'seconds', text: '1s', ms: 1000 },
    { name: 'millis', text: '250ms', ms: 250 },
    { name: 'compound', text: '1m30s', ms: 90_000 },
    { name: 'bare number', text: '2', ms: 2000 },
    { name: 'garbage', text: '1x', ms: undefined },
    { name: 'trailing junk', text: '1sx', ms: undefined },
  ];
  for (const row of rows) t.equal(durationMs(row.text), row.ms, row.name);
});

t.test('help lists every flag with its default and env fallback', async (t) => {
  const text = helpText({ usage: 'x', summary: 's', flags: SPECS, exitCodes: [[0, 'ok']] });
  t.match(text, /-ns <string>\n\s+namespace \(default \$POD_NAMESPACE, env POD_NAMESPACE\)/);
  t.match(text, /Exit codes:\n\s+0\s+ok/);
});
