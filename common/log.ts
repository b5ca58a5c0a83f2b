// One line per event on stderr: `event key=value ...` for people, or one JSON object with --log-format=json.
// A line is always ONE line of bounded length, whatever the input: control characters and line separators are
// escaped and long values cut with a marker (issue 8: 50 MB on stdin gave a 208 MB "one-line" error).
export type LogFields = Readonly<Record<string, unknown>>;
export type LogFormat = 'text' | 'json';

let format: LogFormat = 'text';
let sink: (line: string) => void = (line) => process.stderr.write(line + '\n');

export const setLogFormat = (value: LogFormat): void => {
  format = value;
};

// Tests capture log lines instead of reading stderr.
export const setLogSink = (next: (line: string) => void): void => {
  sink = next;
};

/** Longest event text and longest field value kept in a log line, in characters (before escaping). */
export const MAX_EVENT_CHARS = 1000;
export const MAX_VALUE_CHARS = 500;
/** Longest excerpt of a user's value quoted inside a message. */
export const EXCERPT_CHARS = 80;

// C0 and C1 controls, DEL, and the Unicode line/paragraph separators some log viewers break lines at.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
// JSON's escapes, so escaping the output of JSON.stringify keeps it valid JSON.
const escapeChar = (ch: string): string => SHORT[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `text` with control characters and line separators written as escapes: never more than one line. */
export const escapeControls = (text: string): string => text.replace(UNSAFE, escapeChar);

/** `text` cut to `max` characters with a marker saying how much was left out (a surrogate pair is not split). */
export const truncated = (text: string, max: number): string => {
  if (text.length <= max) return text;
  const end = /[\ud800-\udbff]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, end)}…(+${text.length - end} chars)`;
};

/** A user's value for a message: JSON-quoted, escaped and cut short, so it can neither break nor flood a line. */
export const excerpt = (value: string, max = EXCERPT_CHARS): string => escapeControls(JSON.stringify(truncated(value, max)));

const asText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));

// Printable ASCII without space, quote or '=' goes bare; anything else is quoted and escaped.
// A `message` field (an error's one line, which may list every problem of a config) gets the event's length.
const capOf = (key: string): number => (key === 'message' ? MAX_EVENT_CHARS : MAX_VALUE_CHARS);

const quoted = (value: unknown, max: number): string => {
  const text = truncated(asText(value), max);
  return /^[!#-<>-~]+$/.test(text) ? text : escapeControls(JSON.stringify(text));
};

// JSON keeps numbers and booleans; strings and structures are cut like text values.
const jsonValue = (value: unknown, max: number): unknown => {
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || value === undefined) return value;
  const text = asText(value);
  return typeof value === 'string' || text.length > max ? truncated(text, max) : value;
};

// A log line as text or JSON; pure, so the format is tested on data.
export const formatLogLine = (fmt: LogFormat, level: string, event: string, fields: LogFields, now: Date): string => {
  const head = truncated(event, MAX_EVENT_CHARS);
  if (fmt === 'json') {
    const cut = Object.fromEntries(Object.entries(fields).map(([k, v]) => [truncated(k, 100), jsonValue(v, capOf(k))]));
    return escapeControls(JSON.stringify({ time: now.toISOString(), level, event: head, ...cut }));
  }
  const pairs = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${escapeControls(truncated(k, 100))}=${quoted(v, capOf(k))}`);
  return [level === 'info' ? '' : level.toUpperCase(), escapeControls(head), ...pairs].filter(Boolean).join(' ');
};

const emit = (level: string, event: string, fields: LogFields = {}): void => sink(formatLogLine(format, level, event, fields, new Date()));

export const log = {
  info: (event: string, fields?: LogFields) => emit('info', event, fields),
  warn: (event: string, fields?: LogFields) => emit('warn', event, fields),
  error: (event: string, fields?: LogFields) => emit('error', event, fields),
};
