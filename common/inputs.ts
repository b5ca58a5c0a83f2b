// The one input layer every agent reads its flags and env through. An input is declared once (name, type, typed
// default, env fallback, bounds, help); one `readInputs` call gives the typed values, every problem at once (each
// naming the flag, its env var, what is accepted and an excerpt of what was given) and the --help text, so help
// shows exactly what is accepted, by construction. The hostile-input bounds (issue 8) live in the builders here.
import { parseFlags, boolValue, durationMs, formatDuration, MAX_DURATION_MS, type FlagSpec, type FlagKind } from './flags.ts';
import { excerpt, type LogFormat } from './log.ts';
import { absolutePathProblem, plainTextProblem } from './values.ts';
import { isHostName } from './k8s-names.ts';

/** What a builder's parse says about a value it refuses: the shape it accepts, shown as "<label> takes <expected>". */
export type Refused = { readonly refused: string };
export type Parse<T> = (text: string) => T | Refused;

export type Input<T, R = T | undefined> = FlagSpec & {
  readonly parse: Parse<T>;
  /** The typed default (undefined: no default; the value is then `T | undefined`). */
  readonly fallback: R;
  /** An empty value (`-x=` or `X=` in env) means "unset" rather than being parsed (and refused). */
  readonly emptyIsUnset: boolean;
};

export type Options<T> = {
  readonly help: string;
  readonly env?: string;
  readonly default?: T;
  /** How --help shows a default the agent derives (`<data-dir>/conf`); with it, `default` may be absent. */
  readonly defaultText?: string;
  readonly emptyIsUnset?: boolean;
};

type Result<T, O> = O extends { readonly default: T } ? T : T | undefined;

const isRefused = (value: unknown): value is Refused => typeof value === 'object' && value !== null && 'refused' in value;

const input = <T, O extends Options<T>>(
  name: string,
  kind: FlagKind,
  accepts: string,
  o: O,
  parse: Parse<T>,
  show: (value: T) => string,
): Input<T, Result<T, O>> => ({
  name,
  kind,
  accepts,
  help: o.help,
  ...(o.env !== undefined && { env: o.env }),
  ...((o.defaultText ?? (o.default === undefined ? undefined : show(o.default))) !== undefined && { default: o.defaultText ?? show(o.default as T) }),
  parse,
  fallback: o.default as Result<T, O>,
  emptyIsUnset: o.emptyIsUnset ?? true,
});

export type TextOptions = Options<string> & {
  /** Longest accepted value (default 1024): a value that reaches a file or a log line is bounded. */
  readonly max?: number;
  /** A stricter shape: returns why `text` is refused, or undefined. */
  readonly check?: (text: string) => string | undefined;
};

export type IntOptions = Options<number> & { readonly min: number; readonly max: number };
/** The range a duration input accepts, in ms; `max` defaults to what a timer holds. */
export type DurationRange = {
  readonly min: number;
  readonly max?: number;
  /** Values shown in a refusal (default `500ms, 90s or 5m`). */
  readonly example?: string;
  /** What the reader should know besides the range (`0: no limit`). */
  readonly note?: string;
};
export type DurationOptions = Options<number> & DurationRange;

/** The inputs' builders: `inputs.int('port', { min: 1, max: 65535, default: 2181, help, env })`. */
export const inputs = {
  // Free text, printable, bounded; with `check`, a stricter shape.
  text: <O extends TextOptions>(name: string, o: O) =>
    input<string, O>(
      name,
      'string',
      'text',
      o,
      (text) => {
        const why = plainTextProblem(text, o.max ?? 1024) ?? o.check?.(text);
        return why === undefined ? text : { refused: `text that ${why.replace(/^is /, 'is not ')}` };
      },
      (v) => v,
    ),
  int: <O extends IntOptions>(name: string, o: O) =>
    input<number, O>(
      name,
      'int',
      `${o.min}-${o.max}`,
      o,
      (text) => {
        const n = Number(text);
        return /^\d{1,16}$/.test(text) && n >= o.min && n <= o.max ? n : { refused: `an integer ${o.min}-${o.max}` };
      },
      String,
    ),
  port: <O extends Options<number> & { readonly allowZero?: boolean }>(name: string, o: O) => {
    const min = o.allowZero ? 0 : 1;
    return input<number, O>(
      name,
      'int',
      `${min}-65535`,
      o,
      (text) =>
        /^\d{1,5}$/.test(text) && Number(text) >= min && Number(text) <= 65535
          ? Number(text)
          : { refused: `a port ${min}-65535${o.allowZero ? ' (0: off)' : ''}` },
      String,
    );
  },
  bool: <O extends Options<boolean>>(name: string, o: O) =>
    input<boolean, O>(name, 'bool', 'true|false', o, (text) => (/^(1|0|t|f|true|false)$/i.test(text) ? boolValue(text) : { refused: 'true or false' }), String),
  duration: <O extends DurationOptions>(name: string, o: O) => {
    const max = o.max ?? MAX_DURATION_MS;
    const range = `${formatDuration(o.min)}-${formatDuration(max)}`;
    const note = o.note === undefined ? '' : ` (${o.note})`;
    return input<number, O>(
      name,
      'duration',
      range,
      o,
      (text) => {
        const ms = durationMs(text);
        return ms !== undefined && ms >= o.min && ms <= max
          ? ms
          : { refused: `a Go duration from ${formatDuration(o.min)} to ${formatDuration(max)}, such as ${o.example ?? '500ms, 90s or 5m'}${note}` };
      },
      formatDuration,
    );
  },
  oneOf: <const V extends string, O extends Options<V>>(name: string, values: readonly V[], o: O) =>
    input<V, O>(
      name,
      'string',
      values.join('|'),
      o,
      (text) => ((values as readonly string[]).includes(text) ? (text as V) : { refused: `one of ${values.join(', ')}` }),
      (v) => v,
    ),
  // An absolute path. Given empty it is refused, never read as the working directory or / (issue 8), unless
  // `emptyIsUnset` says empty means "use the default". Trailing slashes are dropped.
  path: <O extends Options<string>>(name: string, o: O) =>
    input<string, O & { emptyIsUnset: boolean }>(
      name,
      'string',
      'absolute path',
      { emptyIsUnset: false, ...o },
      (text) => {
        const why = absolutePathProblem(text);
        return why === undefined
          ? text.replace(/(.)\/+$/, '$1')
          : { refused: `an absolute path (this one ${why.replace(/; expected an absolute path( \()?/, ': ').replace(/(: )?\)?$/, '')})` };
      },
      (v) => v,
    ),
  host: <O extends Options<string>>(name: string, o: O) =>
    input<string, O>(
      name,
      'string',
      'host name or IP',
      o,
      (text) => (isHostName(text) || /^\[?[0-9A-Fa-f:.]{2,45}\]?$/.test(text) ? text : { refused: 'a host name or an IP address' }),
      (v) => v,
    ),
  /** A repeatable flag (`-x a -x b`); each value is checked by `each` when given. Lists have no env fallback. */
  list: (name: string, o: { readonly help: string; readonly each?: Parse<string> }): ListInput => ({
    name,
    kind: 'list',
    accepts: 'repeatable',
    help: o.help,
    parse: o.each ?? ((text) => text),
    fallback: [],
    emptyIsUnset: false,
  }),
  /** `-log-format` / LOG_FORMAT: every agent logs text or JSON lines. */
  logFormat: () =>
    inputs.oneOf('log-format', ['text', 'json'], {
      help: 'text (event key=value lines) or json (one object per line), on stderr',
      env: 'LOG_FORMAT',
      default: 'text' as LogFormat,
    }),
};

/** A repeatable flag: each value parsed on its own; always a list (empty when not given). */
export type ListInput = FlagSpec & { readonly kind: 'list'; readonly parse: Parse<string>; readonly fallback: readonly string[]; readonly emptyIsUnset: false };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any input, whatever its value type
export type AnyInput = Input<any, any> | ListInput;
export type Specs = Readonly<Record<string, AnyInput>>;
export type Values<S extends Specs> = {
  readonly [K in keyof S]: S[K] extends ListInput ? readonly string[] : S[K] extends Input<infer _T, infer R> ? R : never;
};

export type Read<S extends Specs> = {
  readonly values: Values<S>;
  /** Arguments that are not flags, before any `--`. */
  readonly positionals: readonly string[];
  /** Everything after `--` (a server command), when `rest` is allowed. */
  readonly rest: readonly string[];
  readonly problems: string[];
  readonly help: boolean;
  /** Which inputs were given (by flag or env), for "X only makes sense with Y" checks. */
  readonly given: ReadonlySet<keyof S>;
};

type Env = Readonly<Record<string, string | undefined>>;

/** `-name (env NAME)`: how a problem names an input. */
export const inputLabel = (spec: FlagSpec): string => `-${spec.name}${spec.env ? ` (env ${spec.env})` : ''}`;

// argv + env -> typed values (defaults applied) and every problem. `rest: true` splits argv at `--` first (a server
// command follows); without it a `--` ends the flags as in Go and what follows counts as positionals.
export const readInputs = <S extends Specs>(specs: S, argv: readonly string[], env: Env, options: { readonly rest?: boolean } = {}): Read<S> => {
  const dash = options.rest ? argv.indexOf('--') : -1;
  const own = dash === -1 ? argv : argv.slice(0, dash);
  const parsed = parseFlags(Object.values(specs), own);
  const problems = [...parsed.problems];
  const values: Record<string, unknown> = {};
  const given = new Set<keyof S>();
  for (const [key, spec] of Object.entries(specs) as [keyof S & string, AnyInput][]) {
    const flagValue = parsed.values.get(spec.name);
    if (spec.kind === 'list') {
      const texts = (flagValue as readonly string[] | undefined) ?? [];
      if (texts.length > 0) given.add(key);
      values[key] = texts.flatMap((text) => {
        const value = spec.parse(text);
        if (isRefused(value)) problems.push(`${inputLabel(spec)} takes ${value.refused}, got ${excerpt(text)}`);
        return isRefused(value) ? [] : [value];
      });
      continue;
    }
    // An env var set to "" counts as unset, except where empty must be refused (a path: issue 8).
    const envText = spec.env === undefined ? undefined : env[spec.env];
    const text = typeof flagValue === 'string' ? flagValue : envText === '' && spec.emptyIsUnset ? undefined : envText;
    if (text === undefined || (text === '' && spec.emptyIsUnset)) {
      values[key] = spec.fallback;
      continue;
    }
    given.add(key);
    const value = spec.parse(text);
    if (isRefused(value)) {
      problems.push(
        text === ''
          ? `${inputLabel(spec)} is empty: give ${value.refused.replace(/ \(this one.*$/, '')}, or leave it unset${spec.default === undefined ? '' : ` for the default (${spec.default})`}`
          : `${inputLabel(spec)} takes ${value.refused}, got ${excerpt(text)}`,
      );
      values[key] = spec.fallback;
    } else values[key] = value;
  }
  return { values: values as Values<S>, positionals: parsed.positionals, rest: dash === -1 ? [] : argv.slice(dash + 1), problems, help: parsed.help, given };
};

/** The subcommand in `positionals[0]` when it is one of `commands`, else a problem naming them; extra words are refused. */
export const subcommand = <const C extends string>(
  positionals: readonly string[],
  commands: readonly C[],
  problems: string[],
  extraHint = '',
): C | undefined => {
  const [first, ...extra] = positionals;
  if (extra.length > 0) problems.push(`unexpected arguments ${excerpt(extra.join(' '))}${extraHint}`);
  if ((commands as readonly string[]).includes(first ?? '')) return first as C;
  problems.push(
    `first argument must be ${commands.slice(0, -1).join(', ')}${commands.length > 1 ? ' or ' : ''}${commands.at(-1)}, got ${excerpt(first ?? '')}`,
  );
  return undefined;
};

/** True when argv asks for help before any `--` (`-h`, `-help`, `--help`). */
export const wantsHelp = (argv: readonly string[]): boolean => {
  const dash = argv.indexOf('--');
  return (dash === -1 ? argv : argv.slice(0, dash)).some((a) => a === '-h' || a === '-help' || a === '--help' || a === '--h');
};
