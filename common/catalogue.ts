// Each agent's vocabulary, declared once: the error codes it can end with (each with its exit code and when it
// happens) and the log events it writes (each with what it means). An AgentError takes its exit code from its
// catalogue entry, so no call site chooses one; --help's exit-code section and the READMEs' tables are read from
// the same tables; tests assert codes and event names, never prose.
import { EXIT, type ExitCode } from './exit-codes.ts';

export type Code<K extends string = string> = { readonly code: K; readonly exit: ExitCode; readonly when: string };
export type Codes<K extends string = string> = { readonly [C in K]: Code<C> };

/** `defineCodes({ ZK_TIMEOUT: [EXIT.failed, 'a ZooKeeper call passed -timeout'] })` → `CODES.ZK_TIMEOUT.exit === 1`. */
export const defineCodes = <const K extends string>(table: { readonly [C in K]: readonly [ExitCode, string] }): Codes<K> =>
  Object.freeze(
    Object.fromEntries(Object.entries<readonly [ExitCode, string]>(table).map(([code, [exit, when]]) => [code, Object.freeze({ code, exit, when })])),
  ) as Codes<K>;

export type Events<K extends string = string> = { readonly [E in K]: E };

/** Event names: `EVENTS['storage.formatted']` is the name itself, so a typo is a type error. The table's values
 *  say what each event means; keep it exported beside the names for the README. */
export const defineEvents = <const K extends string>(table: { readonly [E in K]: string }): Events<K> =>
  Object.freeze(Object.fromEntries(Object.keys(table).map((e) => [e, e]))) as Events<K>;

// Codes every agent can end with, raised by common/ code.
export const COMMON_CODES = defineCodes({
  CONFIG_INVALID: [EXIT.usage, 'bad flags, env or input files: every problem is listed, each naming the input and what it takes'],
  HOSTNAME_NO_ORDINAL: [EXIT.usage, 'the hostname is not a StatefulSet pod name <set>-<ordinal>'],
  FILE_NOT_REGULAR: [EXIT.usage, 'an input file is a directory, device or FIFO'],
  FILE_TOO_LARGE: [EXIT.usage, 'an input file is larger than the agent reads'],
  FILE_WRITE_FAILED: [EXIT.failed, 'a file on the volume cannot be written (full, read-only, not mounted)'],
  HEALTH_PORT_UNAVAILABLE: [EXIT.usage, 'the -health-port cannot be bound'],
  CHILD_COMMAND_INVALID: [EXIT.usage, 'the server command after -- is missing, not executable or holds a NUL byte'],
  CHILD_START_FAILED: [EXIT.failed, 'the server could not be started for another reason (out of memory, too many processes)'],
  // A ZooKeeper session of common/zk-session.ts (zk-bootstrap's admin calls, kafka-entrypoint's migration checks).
  ZK_UNREACHABLE: [EXIT.failed, 'no ZooKeeper session within -timeout (down, or not serving: no quorum); zk-bootstrap retries until -wait-timeout'],
  ZK_TIMEOUT: [
    EXIT.failed,
    'a ZooKeeper call had no answer within -timeout, or a committed reconfig is not seen yet; zk-bootstrap retries until -wait-timeout',
  ],
  INTERNAL: [EXIT.internal, 'a bug: anything that is not one of the codes above (the line carries a stack)'],
});

/** --help's exit-code rows, each listing the codes that end with it (`1  <summary>: A, B`). */
export const exitCodeRows = (
  summaries: ReadonlyArray<readonly [ExitCode | number, string]>,
  ...catalogues: readonly Codes[]
): Array<readonly [number, string]> => {
  const codes = catalogues.flatMap((c) => Object.values(c));
  return summaries.map(([exit, summary]) => {
    const named = codes.filter((c) => c.exit === exit && c.code !== 'INTERNAL').map((c) => c.code);
    return [exit, named.length > 0 ? `${summary} (${[...new Set(named)].join(', ')})` : summary] as const;
  });
};
