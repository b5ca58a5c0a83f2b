// Preparing the volume as steps around planStart: read the volume (and the ensemble's config when the plan asks for
// it), wait while nobody serves until -wait-timeout, remove a stale entry of this member, then write. Pure: join.ts
// does each action and feeds back what it saw.
import { AgentError } from '../common/errors.ts';
import type { Config } from './config.ts';
import { planStart, type EnsembleView, type FileWrites, type Peers, type StartStep, type VolumeFacts } from './start-plan.ts';
import { act, done, fail, info, backoffMs, retryStep, type Note, type Step } from './retry-plan.ts';
import { CODES, EVENTS } from './catalogue.ts';

export type PrepareAction =
  | { readonly kind: 'read-volume' }
  /** Read the ensemble's committed config from connectString, then the volume again. */
  | { readonly kind: 'ask-ensemble'; readonly connectString: string }
  /** `reconfig -remove` this member's stale entry (volume lost) through connectString. */
  | { readonly kind: 'remove'; readonly connectString: string; readonly id: number }
  | { readonly kind: 'write'; readonly files: FileWrites };

export type PrepareSeen =
  /** `ensemble` only right after ask-ensemble: an answer is used for one plan, a wait asks again. */
  | { readonly kind: 'volume'; readonly volume: VolumeFacts; readonly ensemble?: EnsembleView | undefined }
  | { readonly kind: 'removed' }
  | { readonly kind: 'written'; readonly paths: readonly string[] }
  | { readonly kind: 'failed'; readonly error: unknown };

type Write = StartStep & { readonly kind: 'write' };

export type PrepareState = {
  readonly deadlineMs: number;
  /** Plans made so far: the wait's back-off grows with them. */
  readonly round: number;
  /** When each plan note was last logged. */
  readonly logged: ReadonlyMap<string, number>;
  /** Set once the plan says write: the removal before it (if any), then the files. */
  readonly write?: { readonly step: Write; readonly removal?: Extract<PrepareAction, { kind: 'remove' }>; readonly attempt: number };
};

export type PrepareStep = Step<PrepareState, PrepareAction>;

// A wait for the ensemble is logged when it starts and then at most this often, not on every poll.
export const WAIT_NOTE_EVERY_MS = 30_000;
const MAX_WAIT_ROUND = 5;

export const prepareStart = (config: Pick<Config, 'waitTimeoutMs'>, nowMs: number): { state: PrepareState; action: PrepareAction } => ({
  state: { deadlineMs: nowMs + config.waitTimeoutMs, round: 0, logged: new Map() },
  action: { kind: 'read-volume' },
});

// Each distinct note once; a wait's note again once WAIT_NOTE_EVERY_MS have passed since it was last logged.
const planNote = (
  config: Config,
  state: PrepareState,
  step: Exclude<StartStep, { kind: 'refuse' }>,
  retryMs: number,
  nowMs: number,
): { notes: Note[]; logged: ReadonlyMap<string, number> } => {
  const last = state.logged.get(step.note);
  if (last !== undefined && (step.kind !== 'wait' || nowMs - last < WAIT_NOTE_EVERY_MS)) return { notes: [], logged: state.logged };
  const note = info(EVENTS['zk-bootstrap.plan'], {
    step: step.kind,
    note: step.note,
    myid: config.myid,
    ...(step.kind === 'wait' ? { waitingFor: step.waitingFor, retryMs } : {}),
  });
  return { notes: [note], logged: new Map(state.logged).set(step.note, nowMs) };
};

// A plan from the volume (and the ensemble's answer): ask, wait, or go on to remove and write.
const planned = (config: Config, peers: Peers | undefined, state: PrepareState, seen: Extract<PrepareSeen, { kind: 'volume' }>, nowMs: number): PrepareStep => {
  const step = planStart({ config, volume: seen.volume, peers, ensemble: seen.ensemble });
  if (step.kind === 'refuse') return fail(step.error);
  const retryMs = backoffMs(Math.min(state.round, MAX_WAIT_ROUND));
  const { notes, logged } = planNote(config, state, step, retryMs, nowMs);
  const next: PrepareState = { ...state, round: state.round + 1, logged };
  if (step.kind === 'ask-ensemble') return act(next, { kind: 'ask-ensemble', connectString: step.connectString }, 0, notes);
  if (step.kind === 'wait') {
    // Gives up only past the deadline, and never sleeps past it: the process ends at -wait-timeout plus at most one
    // call's -timeout.
    if (nowMs > state.deadlineMs) {
      return fail(
        new AgentError(CODES.ZK_ENSEMBLE_UNREACHABLE, `gave up after ${config.waitTimeoutMs}ms: ${step.note}`, {
          context: { myid: config.myid, waitingFor: step.waitingFor, waitTimeoutMs: config.waitTimeoutMs },
        }),
        notes,
      );
    }
    return act(next, { kind: 'read-volume' }, Math.min(retryMs, Math.max(0, state.deadlineMs - nowMs) + 1), notes);
  }
  if (step.removeFirst !== undefined && seen.ensemble?.kind === 'config') {
    const removal = { kind: 'remove', connectString: seen.ensemble.from, id: step.removeFirst } as const;
    return act({ ...next, write: { step, removal, attempt: 0 } }, removal, 0, notes);
  }
  return act({ ...next, write: { step, attempt: 0 } }, { kind: 'write', files: step.files }, 0, notes);
};

// One step of preparing the volume: from what the last action saw, the next action (or the end).
export const prepareStep = (config: Config, peers: Peers | undefined, state: PrepareState, seen: PrepareSeen, nowMs: number): PrepareStep => {
  if (seen.kind === 'volume') return planned(config, peers, state, seen, nowMs);
  const write = state.write;
  if (write === undefined) return fail(new Error(`bug: ${seen.kind} before the plan said write`));
  if (seen.kind === 'failed') {
    const removal = write.removal;
    if (removal === undefined) return fail(seen.error);
    return retryStep('remove stale entry', write.attempt, seen.error, nowMs, state.deadlineMs, (attempt) => ({
      state: { ...state, write: { ...write, attempt } },
      action: removal,
    }));
  }
  if (seen.kind === 'removed') {
    return act(state, { kind: 'write', files: write.step.files }, 0, [
      info(EVENTS['zk-bootstrap.removed'], { myid: config.myid, reason: 'volume-lost', rejoinAs: 'observer' }),
    ]);
  }
  return done([info(EVENTS['zk-bootstrap.wrote'], { why: write.step.why, files: seen.paths.join(',') || 'none (unchanged)' })]);
};
