// Java .properties files as Kafka reads them (java.util.Properties.load on an InputStream, i.e. ISO-8859-1):
// the mounted server.properties, meta.properties on each log dir, and the server.properties we write.
export type Properties = ReadonlyMap<string, string>;

export type ParsedProperties = { readonly ok: true; readonly props: Properties } | { readonly ok: false; readonly line: number; readonly reason: string };

const ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

// One logical line (continuations already joined) split into key and value, escapes resolved as Properties.load does.
const keyValue = (logical: string): { key: string; value: string } | { error: string } => {
  let key = '';
  let i = 0;
  const unescape = (): string | { error: string } => {
    const next = logical[i + 1];
    if (next === undefined) return '';
    if (next === 'u') {
      const hex = logical.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return { error: `malformed \\u escape "\\u${hex}"` };
      i += 5;
      return String.fromCharCode(parseInt(hex, 16));
    }
    i += 1;
    return ESCAPES[next] ?? next;
  };
  for (; i < logical.length; i++) {
    const c = logical[i] as string;
    if (c === '\\') {
      const text = unescape();
      if (typeof text !== 'string') return text;
      key += text;
      continue;
    }
    if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
    key += c;
  }
  // Separator: optional whitespace, at most one '=' or ':', optional whitespace.
  while (i < logical.length && /[ \t\f]/.test(logical[i] as string)) i++;
  if (logical[i] === '=' || logical[i] === ':') i++;
  while (i < logical.length && /[ \t\f]/.test(logical[i] as string)) i++;
  let value = '';
  for (; i < logical.length; i++) {
    const c = logical[i] as string;
    if (c !== '\\') {
      value += c;
      continue;
    }
    const text = unescape();
    if (typeof text !== 'string') return text;
    value += text;
  }
  return { key, value };
};

const endsInContinuation = (line: string): boolean => /(?:^|[^\\])(?:\\\\)*\\$/.test(line);

// Parse properties text; later duplicates win, as in java.util.Properties.
export const parseProperties = (text: string): ParsedProperties => {
  const props = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let n = 0; n < lines.length; n++) {
    const first = (lines[n] as string).replace(/^[ \t\f]+/, '');
    if (first === '' || first.startsWith('#') || first.startsWith('!')) continue;
    const start = n;
    let logical = first;
    while (endsInContinuation(logical) && n + 1 < lines.length) {
      logical = logical.slice(0, -1) + (lines[++n] as string).replace(/^[ \t\f]+/, '');
    }
    if (endsInContinuation(logical)) logical = logical.slice(0, -1);
    const kv = keyValue(logical);
    if ('error' in kv) return { ok: false, line: start + 1, reason: kv.error };
    props.set(kv.key, kv.value);
  }
  return { ok: true, props };
};

const escapeChar = (c: string, isKey: boolean, leading: boolean): string => {
  if (c === '\\') return '\\\\';
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  if (c === '\f') return '\\f';
  if (c === ' ' && (isKey || leading)) return '\\ ';
  if (isKey && (c === '=' || c === ':' || c === '#' || c === '!')) return `\\${c}`;
  const code = c.charCodeAt(0);
  // Kafka loads the file as ISO-8859-1: anything outside printable ASCII must be a \u escape.
  if (code < 0x20 || code > 0x7e) return `\\u${code.toString(16).padStart(4, '0')}`;
  return c;
};

// Escape per UTF-16 unit, so characters outside the BMP become two \u escapes, as Java writes them.
const escaped = (text: string, isKey: boolean): string =>
  text
    .split('')
    .map((c, i) => escapeChar(c, isKey, i === 0))
    .join('');

// Render properties in sorted key order with a trailing newline, so the same inputs give a byte-identical file.
export const renderProperties = (props: Properties, header: readonly string[] = []): string => {
  const keys = [...props.keys()].sort();
  // Every header line stays a comment: a line break inside one must not start a property line.
  const lines = header.flatMap((h) => h.split(/\r\n|\r|\n/)).map((h) => `# ${h}`);
  for (const key of keys) lines.push(`${escaped(key, true)}=${escaped(props.get(key) as string, false)}`);
  return lines.join('\n') + '\n';
};
