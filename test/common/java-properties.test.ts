import t from 'tap';
import { parseProperties, renderProperties } from '../../common/java-properties.ts';

const parsed = (text: string): Record<string, string> => {
  const result = parseProperties(text);
  if (!result.ok) throw new Error(result.reason);
  return Object.fromEntries(result.props);
};

t.test('reads keys and values the way java.util.Properties does', async (t) => {
  const rows = [
    { name: 'equals', text: 'a=b', want: { a: 'b' } },
    { name: 'colon and spaces', text: 'a : b c', want: { a: 'b c' } },
    { name: 'whitespace separator', text: 'a b', want: { a: 'b' } },
    { name: 'comments and blank lines', text: '# c\n! c\n\n  a=1', want: { a: '1' } },
    { name: 'continuation line', text: 'a=one,\\\n    two', want: { a: 'one,two' } },
    { name: 'escaped backslash is no continuation', text: 'a=x\\\\\nb=y', want: { a: 'x\\', b: 'y' } },
    { name: 'escaped separator in key', text: 'a\\=b=c', want: { 'a=b': 'c' } },
    { name: 'unicode escape', text: 'a=caf\\u00e9', want: { a: 'café' } },
    { name: 'later duplicate wins', text: 'a=1\na=2', want: { a: '2' } },
    { name: 'second separator is part of the value', text: 'a==b', want: { a: '=b' } },
    { name: 'crlf line ends', text: 'a=1\r\nb=2\r\n', want: { a: '1', b: '2' } },
  ];
  for (const row of rows) t.same(parsed(row.text), row.want, row.name);
});

t.test('reports a malformed unicode escape with its line', async (t) => {
  t.match(parseProperties('a=1\nb=\\u12'), { ok: false, line: 2 });
});

t.test('renders in sorted key order with a trailing newline', async (t) => {
  const text = renderProperties(
    new Map([
      ['z', '1'],
      ['a', '2'],
    ]),
    ['header'],
  );
  t.equal(text, '# header\na=2\nz=1\n');
});

t.test('round-trips awkward keys and values through the renderer', async (t) => {
  const props = new Map([
    ['key with space', ' leading space'],
    ['k=:#!', 'v=:#!'],
    ['multi', 'line1\nline2\ttab\\back'],
    ['unicode', 'café ☕ 𝄞'],
    ['empty', ''],
  ]);
  const text = renderProperties(props);
  t.ok(/^[\x20-\x7e\n]*$/.test(text), 'only printable ASCII, as Kafka reads ISO-8859-1');
  t.same(parsed(text), Object.fromEntries(props));
});

// Property-based: any keys and values (control characters, unicode incl. lone surrogates, separators, comment
// marks, backslashes, line breaks) survive render -> parse, and the text never gains a key. Bounded runs.
t.test('render then parse gives the same map, and never an extra key (fast-check)', async (t) => {
  const fc = await import('fast-check');
  const special = fc.constantFrom(
    '=',
    ':',
    '#',
    '!',
    '\\',
    '\n',
    '\r',
    '\r\n',
    '\t',
    '\f',
    ' ',
    '\u0000',
    '\u007f',
    '\u00e9',
    '\u2028',
    '\ud83d\ude00',
    '\ud800',
    'u',
    '\\u00',
  );
  const text = fc.array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), special), { maxLength: 8 }).map((parts) => parts.join(''));
  fc.assert(
    fc.property(fc.uniqueArray(fc.tuple(text, text), { selector: ([k]) => k, maxLength: 12 }), fc.array(text, { maxLength: 3 }), (entries, header) => {
      const props = new Map(entries);
      const rendered = renderProperties(props, header);
      const back = parseProperties(rendered);
      if (!back.ok) return false;
      const logicalLines = rendered.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
      return logicalLines.length === props.size && back.props.size === props.size && [...props].every(([k, v]) => back.props.get(k) === v);
    }),
    { numRuns: 500, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
  );
  t.pass('500 runs');
});
