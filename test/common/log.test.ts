import t from 'tap';
import fc from 'fast-check';
import { formatLogLine, excerpt, truncated, MAX_EVENT_CHARS, MAX_VALUE_CHARS } from '../../common/log.ts';

const NOW = new Date(0);
const text = (event: string, fields: Record<string, unknown> = {}) => formatLogLine('text', 'error', event, fields, NOW);

t.test('writes event and key=value pairs, quoting only what needs it', async (t) => {
  t.equal(
    formatLogLine('text', 'info', 'peer list updated', { hook: 'on-start', count: 3, from: 'SRV zk via udp' }, NOW),
    'peer list updated hook=on-start count=3 from="SRV zk via udp"',
  );
  t.equal(text('x', { empty: '', eq: 'a=b', quote: 'a"b' }), 'ERROR x empty="" eq="a=b" quote="a\\"b"');
});

t.test('escapes control characters and line separators in the event and every value: one line, always', async (t) => {
  const rows = [
    { name: 'newline in the event', line: text('bad\nserver.9=x'), want: 'ERROR bad\\nserver.9=x' },
    { name: 'newline in a value', line: text('e', { v: 'a\nb' }), want: 'ERROR e v="a\\nb"' },
    { name: 'ESC without whitespace (terminal escape)', line: text('e', { v: 'a\u001b[31mb' }), want: 'ERROR e v="a\\u001b[31mb"' },
    { name: 'NUL and DEL', line: text('e', { v: 'a\u0000b\u007f' }), want: 'ERROR e v="a\\u0000b\\u007f"' },
    { name: 'C1 NEL and U+2028', line: text('e\u0085', { v: 'a\u2028b' }), want: 'ERROR e\\u0085 v="a\\u2028b"' },
    { name: 'carriage return in a key', line: text('e', { 'k\r': 'v' }), want: 'ERROR e k\\r=v' },
  ];
  for (const row of rows) t.equal(row.line, row.want, row.name);
});

t.test('cuts long events and values with a marker saying how much was left out', async (t) => {
  const line = text('x'.repeat(5_000_000), { stdin: 'y'.repeat(50_000_000) });
  t.ok(line.length < MAX_EVENT_CHARS + MAX_VALUE_CHARS + 100, `line is ${line.length} chars`);
  t.match(line, /x…\(\+4999000 chars\) stdin="y+…\(\+49999500 chars\)"$/);
  t.equal(truncated('ab\u{1F600}cd', 3), 'ab…(+4 chars)', 'a surrogate pair is not split');
});

t.test('quotes a user value for a message as a short escaped excerpt', async (t) => {
  t.equal(excerpt('zk'), '"zk"');
  t.equal(excerpt('a\nb'), '"a\\nb"');
  t.equal(excerpt('x'.repeat(131_072)), `"${'x'.repeat(80)}…(+130992 chars)"`);
});

t.test('JSON lines stay valid JSON, one line, with the same limits', async (t) => {
  const line = formatLogLine('json', 'warn', 'e\u2028', { v: 'a\u0085\nb', n: 3, long: 'z'.repeat(10_000), obj: { a: 1 } }, NOW);
  t.notMatch(line, /[\n\r\u0085\u2028]/);
  t.same(JSON.parse(line), {
    time: NOW.toISOString(),
    level: 'warn',
    event: 'e\u2028',
    v: 'a\u0085\nb',
    n: 3,
    long: `${'z'.repeat(MAX_VALUE_CHARS)}…(+${10_000 - MAX_VALUE_CHARS} chars)`,
    obj: { a: 1 },
  });
});

t.test('property: any event and fields give one line of bounded length, in both formats', async (t) => {
  const anyText = fc.string({ unit: 'binary', maxLength: 3000 });
  const fields = fc.dictionary(
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.oneof(anyText, fc.integer(), fc.boolean(), fc.constant(undefined), fc.array(anyText, { maxLength: 3 })),
    { maxKeys: 5 },
  );
  fc.assert(
    fc.property(fc.constantFrom('text', 'json') as fc.Arbitrary<'text' | 'json'>, anyText, fields, (fmt, event, f) => {
      const line = formatLogLine(fmt, 'error', event, f, NOW);
      const bound = 6 * (MAX_EVENT_CHARS + 5 * (MAX_VALUE_CHARS + 100)) + 200;
      if (/[\n\r\u0085\u2028\u2029\u0000-\u001f]/.test(line) || line.length > bound) return false;
      if (fmt === 'json') JSON.parse(line);
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass('bounded');
});
