// Command-line flags in Go's `flag` syntax (`-x=v`, `--x=v`, `-x v`, bool `-x`), because manifests written for
// the Go originals must keep working unchanged. Parsing only collects strings; each agent's readConfig types them.
import { excerpt } from './log.ts';

export type FlagKind = 'string' | 'bool' | 'int' | 'duration' | 'list';

export type FlagSpec = {
  readonly name: string;
  readonly kind: FlagKind;
  readonly help: string;
  /** Shown in --help; the agent's readConfig applies it. */
  readonly default?: string;
  /** Env var read when the flag is absent; shown in --help. */
  readonly env?: string;
  /** What the value may be (`1-65535`, `text|json`), shown in --help instead of the kind. */
  readonly accepts?: string;
};

export type ParsedFlags = {
  /** Last value of each flag given (a `list` flag keeps every value in order). */
  readonly values: ReadonlyMap<string, string | readonly string[]>;
  readonly positionals: readonly string[];
  readonly problems: readonly string[];
  readonly help: boolean;
};

// An unknown flag as the user typed it: bare when it looks like a flag name, else the common excerpt (quoted,
// escaped, cut), so a name with a newline or 100 KB of text can neither split nor flood the error line.
const shownFlag = (name: string): string => (/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/.test(name) ? `-${name}` : excerpt(`-${name}`));

const BOOL_WORDS = new Set(['1', '0', 't', 'f', 'true', 'false', 'TRUE', 'FALSE', 'True', 'False', 'T', 'F']);

// Parse argv against the specs; unknown flags and missing values become problems, never exceptions.
export const parseFlags = (specs: readonly FlagSpec[], argv: readonly string[]): ParsedFlags => {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const values = new Map<string, string | string[]>();
  const positionals: string[] = [];
  const problems: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    let value: string | undefined = eq === -1 ? undefined : body.slice(eq + 1);
    if (name === 'h' || name === 'help') {
      help = true;
      continue;
    }
    const spec = byName.get(name);
    if (!spec) {
      problems.push(`unknown flag ${shownFlag(name)} (see --help)`);
      continue;
    }
    if (spec.kind === 'bool') {
      value ??= 'true';
      if (!BOOL_WORDS.has(value)) problems.push(`flag -${name} takes true or false, got ${excerpt(value)}`);
    } else if (value === undefined) {
      if (i + 1 >= argv.length) {
        problems.push(`flag -${name} needs a value`);
        continue;
      }
      value = argv[++i] as string;
    }
    if (spec.kind === 'list') {
      const list = (values.get(name) as string[] | undefined) ?? [];
      list.push(value);
      values.set(name, list);
    } else {
      values.set(name, value);
    }
  }
  return { values, positionals, problems, help };
};

export const boolValue = (text: string): boolean => ['1', 't', 'true'].includes(text.toLowerCase());

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The longest delay a Node timer holds (2^31-1 ms, about 24.8 days): a longer one fires after 1 ms instead. */
export const MAX_DURATION_MS = 2 ** 31 - 1;

// Go duration syntax (`500ms`, `1s`, `1m30s`) in milliseconds; a bare number means seconds. undefined when malformed
// or longer than MAX_DURATION_MS (`999999999h`, a 400-digit number), so no caller ever arms a timer that overflows
// into a 1 ms deadline or throws; whether 0 is allowed is each caller's business.
export const durationMs = (text: string): number | undefined => {
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else {
    const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
    ms = parts.reduce((sum, p) => sum + Number(p[1]) * (DURATION_UNITS[p[2] as string] as number), 0);
  }
  return Number.isFinite(ms) && ms <= MAX_DURATION_MS ? ms : undefined;
};

// A millisecond count as Go's Duration.String spells it (`596h31m23.647s`, `1m0s`, `500ms`), for messages.
export const formatDuration = (ms: number): string => {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = `${(ms % 60_000) / 1000}s`;
  return h > 0 ? `${h}h${m}m${s}` : m > 0 ? `${m}m${s}` : s;
};

export type HelpDoc = {
  readonly usage: string;
  readonly summary: string;
  readonly flags: readonly FlagSpec[];
  readonly env?: ReadonlyArray<readonly [string, string]>;
  readonly exitCodes: ReadonlyArray<readonly [number, string]>;
};

// The --help text: exactly the flags readConfig accepts, with defaults and env fallbacks.
export const helpText = (doc: HelpDoc): string => {
  const lines = [`Usage: ${doc.usage}`, '', doc.summary, '', 'Flags (Go syntax: -flag=value, --flag=value or -flag value):'];
  for (const f of doc.flags) {
    const extras = [f.default !== undefined ? `default ${f.default}` : '', f.env ? `env ${f.env}` : ''].filter(Boolean).join(', ');
    lines.push(`  -${f.name}${f.kind === 'bool' ? '' : ` <${f.accepts ?? f.kind}>`}`, `      ${f.help}${extras ? ` (${extras})` : ''}`);
  }
  if (doc.env && doc.env.length > 0) {
    lines.push('', 'Environment:');
    for (const [name, text] of doc.env) lines.push(`  ${name}`, `      ${text}`);
  }
  lines.push('', 'Exit codes:');
  for (const [code, text] of doc.exitCodes) lines.push(`  ${code}  ${text}`);
  return lines.join('\n') + '\n';
};
