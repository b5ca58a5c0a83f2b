// The shape every zk-bootstrap loop shares (prepare, promote, leave): a pure step from state + what was seen + now
// to the next action, and the retry policy for ZooKeeper calls within the -wait-timeout deadline. Pure.
import { isAgentError } from '../common/errors.ts';
import type { LogFields } from '../common/log.ts';
import { CODES, EVENTS, type ZkEvent } from './catalogue.ts';
import { COMMON_CODES } from '../common/catalogue.ts';

/** A log line a step asks for; the driver prints it, so what gets logged is decided (and tested) here. */
export type Note = { readonly level: 'info' | 'warn'; readonly event: ZkEvent; readonly fields: LogFields };

/** One step of a loop: do `action` after `sleepMs` and feed its answer back with `state`, or stop. */
export type Step<S, A> =
  | { readonly kind: 'act'; readonly action: A; readonly state: S; readonly sleepMs: number; readonly notes: readonly Note[] }
  | { readonly kind: 'done'; readonly notes: readonly Note[] }
  | { readonly kind: 'fail'; readonly error: unknown; readonly notes: readonly Note[] };

export const info = (event: ZkEvent, fields: LogFields): Note => ({ level: 'info', event, fields });

export const act = <S, A>(state: S, action: A, sleepMs = 0, notes: readonly Note[] = []): Step<S, A> => ({ kind: 'act', action, state, sleepMs, notes });
export const done = (notes: readonly Note[] = []): Step<never, never> => ({ kind: 'done', notes });
export const fail = (error: unknown, notes: readonly Note[] = []): Step<never, never> => ({ kind: 'fail', error, notes });

// Which failed ZooKeeper calls are worth another try within the wait deadline.
export const RETRYABLE_CODES: ReadonlySet<string> = new Set(
  [
    COMMON_CODES.ZK_UNREACHABLE,
    COMMON_CODES.ZK_TIMEOUT,
    CODES.ZK_CONNECTION_LOSS,
    CODES.ZK_SESSION_EXPIRED,
    CODES.ZK_RECONFIG_IN_PROGRESS,
    CODES.ZK_NEW_CONFIG_NO_QUORUM,
    CODES.ZK_BAD_VERSION,
  ].map((c) => c.code),
);

// 250 ms doubling to at most 5 s: a reconfig in progress settles within a few hundred ms, a lost quorum takes seconds.
export const backoffMs = (attempt: number): number => Math.min(250 * 2 ** attempt, 5000);

// A retry is logged on the first failure and every tenth after, not per attempt.
export const RETRY_NOTE_EVERY = 10;

export type Retry =
  { readonly kind: 'retry'; readonly attempt: number; readonly sleepMs: number; readonly notes: readonly Note[] } | { readonly kind: 'give-up' };

// After failed attempt number `attempt` (from 0): try again after the back-off while the code is transient (in
// progress, no quorum yet, unreachable) and the back-off ends by the deadline; anything else (NO_AUTH,
// RECONFIG_DISABLED, BAD_ARGUMENTS) gives up at once, with the call's own error.
export const retryAfter = (what: string, attempt: number, error: unknown, nowMs: number, deadlineMs: number): Retry => {
  const code = isAgentError(error) ? error.code : undefined;
  const sleepMs = backoffMs(attempt);
  if (code === undefined || !RETRYABLE_CODES.has(code) || nowMs + sleepMs > deadlineMs) return { kind: 'give-up' };
  const notes =
    attempt % RETRY_NOTE_EVERY === 0
      ? [{ level: 'warn', event: EVENTS['zk-bootstrap.retry'], fields: { what, code, attempt, retryMs: sleepMs } } as const]
      : [];
  return { kind: 'retry', attempt: attempt + 1, sleepMs, notes };
};

// The step after a failed call: the retry (`again` with the next attempt number) or the call's error.
export const retryStep = <S, A>(
  what: string,
  attempt: number,
  error: unknown,
  nowMs: number,
  deadlineMs: number,
  again: (attempt: number) => { state: S; action: A },
): Step<S, A> => {
  const retry = retryAfter(what, attempt, error, nowMs, deadlineMs);
  if (retry.kind === 'give-up') return fail(error);
  const next = again(retry.attempt);
  return act(next.state, next.action, retry.sleepMs, retry.notes);
};
