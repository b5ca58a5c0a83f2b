// One line per event on stderr: `event key=value ...` for people, or one JSON object with --log-format=json.
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

const quoted = (value: unknown): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return /^[^\s"=]*$/.test(text) && text !== '' ? text : JSON.stringify(text);
};

// A log line as text or JSON; pure, so the format is tested on data.
export const formatLogLine = (fmt: LogFormat, level: string, event: string, fields: LogFields, now: Date): string => {
  if (fmt === 'json') return JSON.stringify({ time: now.toISOString(), level, event, ...fields });
  const pairs = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${quoted(v)}`);
  return [level === 'info' ? '' : level.toUpperCase(), event, ...pairs].filter(Boolean).join(' ');
};

const emit = (level: string, event: string, fields: LogFields = {}): void => sink(formatLogLine(format, level, event, fields, new Date()));

export const log = {
  info: (event: string, fields?: LogFields) => emit('info', event, fields),
  warn: (event: string, fields?: LogFields) => emit('warn', event, fields),
  error: (event: string, fields?: LogFields) => emit('error', event, fields),
};
