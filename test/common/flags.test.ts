import t from 'tap';
import fc from 'fast-check';
import { readInputs, inputs } from '../../common/inputs.ts';
import { parseFlags, durationMs, helpText, formatDuration, MAX_DURATION_MS, type FlagSpec } from '../../common/flags.ts';

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

t.test('an unknown flag is echoed as one short escaped excerpt: a newline cannot split the error line', async (t) => {
  const rows = [
    { name: 'newline', arg: '-evil\nFAKE line', shown: '"-evil\\nFAKE line"' },
    { name: 'NUL and escape', arg: '--a\u0000\u001b[31m', shown: '"-a\\u0000\\u001b[31m"' },
    { name: 'line separator', arg: '-a\u2028b', shown: '"-a\\u2028b"' },
    { name: 'plain name stays bare', arg: '-bogus', shown: '-bogus' },
  ];
  for (const row of rows) {
    const [problem] = parseFlags(SPECS, [row.arg]).problems;
    t.equal(problem, `unknown flag ${row.shown} (see --help)`, row.name);
    t.notMatch(problem ?? '', /[\u0000-\u001f\u2028]/, `${row.name}: one line, no control bytes`);
  }
  const huge = parseFlags(SPECS, [`-${'x'.repeat(131_072)}`]).problems[0] ?? '';
  t.ok(huge.length < 200, `a 128 KB flag name is cut (${huge.length} characters)`);
  t.match(huge, /…\(\+\d+ chars\)/);
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

t.test('refuses durations longer than a Node timer holds, so none becomes a 1 ms deadline or a RangeError', async (t) => {
  const rows = [
    { name: "the issue's -timeout", text: '999999999h', ms: undefined },
    { name: 'just past the limit', text: '596h31m23.648s', ms: undefined },
    { name: 'exactly the limit', text: '596h31m23.647s', ms: MAX_DURATION_MS },
    { name: 'bare seconds past the limit', text: '2147484', ms: undefined },
    { name: 'digits that overflow to Infinity', text: `${'9'.repeat(400)}s`, ms: undefined },
    { name: 'a sum past the limit', text: '500h500h', ms: undefined },
    { name: "zero is the caller's business", text: '0s', ms: 0 },
  ];
  for (const row of rows) t.equal(durationMs(row.text), row.ms, row.name);
  t.equal(MAX_DURATION_MS, 2 ** 31 - 1);
  t.match(durationIn('999999999h', { min: 1 }, 'timeout').problems, [/^-timeout takes a Go duration from 1ms to 596h31m23.647s, .*got "999999999h"$/]);
});

// One duration input read by the common builder, as every agent reads its duration flags.
const durationIn = (text: string, range: { min: number; max?: number; example?: string; note?: string }, name = 'x') => {
  const read = readInputs({ d: inputs.duration(name, { ...range, help: 'a duration' }) }, [`-${name}=${text}`], {});
  return { ms: read.problems.length === 0 ? read.values.d : undefined, problems: read.problems };
};

t.test('range-checks a duration flag, naming the input, the range and an excerpt of the value', async (t) => {
  const hour = { min: 1, max: 3_600_000, example: '2s', note: 'keep it short' };
  const rows = [
    { name: 'inside the range', text: '90s', range: hour, ms: 90_000, problem: undefined },
    { name: 'the upper bound', text: '1h', range: hour, ms: 3_600_000, problem: undefined },
    {
      name: 'past the upper bound',
      text: '61m',
      range: hour,
      ms: undefined,
      problem: /^-x takes a Go duration from 1ms to 1h0m0s, such as 2s \(keep it short\), got "61m"$/,
    },
    { name: 'below the lower bound', text: '0s', range: hour, ms: undefined, problem: /from 1ms to 1h0m0s.*got "0s"$/ },
    { name: 'zero allowed', text: '0', range: { min: 0 }, ms: 0, problem: undefined },
    {
      name: 'malformed, with a newline',
      text: '5\nm',
      range: { min: 0 },
      ms: undefined,
      problem: /^-x takes a Go duration from 0s to 596h31m23.647s, such as 500ms, 90s or 5m, got "5\\nm"$/,
    },
  ];
  for (const row of rows) {
    const { ms, problems } = durationIn(row.text, row.range);
    t.equal(ms, row.problem === undefined ? row.ms : undefined, row.name);
    if (row.problem === undefined) t.same(problems, [], row.name);
    else t.match(problems, [row.problem], row.name);
  }
});

t.test('spells durations as Go does for messages', async (t) => {
  const rows = [
    { name: 'zero', ms: 0, text: '0s' },
    { name: 'millis', ms: 500, text: '500ms' },
    { name: 'minute', ms: 60_000, text: '1m0s' },
    { name: 'fraction', ms: 90_500, text: '1m30.5s' },
    { name: 'limit', ms: MAX_DURATION_MS, text: '596h31m23.647s' },
  ];
  for (const row of rows) t.equal(formatDuration(row.ms), row.text, row.name);
});

t.test('property: a duration is a finite number within the timer range, or undefined, for any text', async (t) => {
  const unit = fc.constantFrom('ms', 's', 'm', 'h', '', 'x', 'us');
  const number = fc.oneof(fc.nat().map(String), fc.stringMatching(/^\d{1,40}(\.\d{1,20})?$/));
  const text = fc.oneof(
    fc.string(),
    fc
      .array(
        fc.tuple(number, unit).map(([n, u]) => n + u),
        { maxLength: 4 },
      )
      .map((p) => p.join('')),
  );
  fc.assert(
    fc.property(text, (s) => {
      const ms = durationMs(s);
      return ms === undefined || (Number.isFinite(ms) && ms >= 0 && ms <= MAX_DURATION_MS);
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: MAX_DURATION_MS }), (ms) => durationMs(formatDuration(ms)) === ms),
    { numRuns: 300 },
  );
  t.pass('bounded');
});

t.test('help lists every flag with its default and env fallback', async (t) => {
  const text = helpText({ usage: 'x', summary: 's', flags: SPECS, exitCodes: [[0, 'ok']] });
  t.match(text, /-ns <string>\n\s+namespace \(default \$POD_NAMESPACE, env POD_NAMESPACE\)/);
  t.match(text, /Exit codes:\n\s+0\s+ok/);
});
