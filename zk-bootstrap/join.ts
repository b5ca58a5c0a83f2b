// The loops around the plans: prepare the volume, promote this member after its server has synced, leave before the
// pod goes. Each is one `drive` over a pure step function (prepare-plan.ts, membership-plan.ts) and an `act` that
// only calls effects: every decision, retry, wait, deadline and log line comes from the step.
import { log } from '../common/log.ts';
import type { Config } from './config.ts';
import type { Peers } from './start-plan.ts';
import type { DigestAuth, EnsembleConfig } from './zk-admin.ts';
import type { Effects } from './effects.ts';
import type { Step } from './retry-plan.ts';
import { prepareStart, prepareStep, type PrepareAction, type PrepareSeen } from './prepare-plan.ts';
import { promoteStart, promoteStep, leaveStart, leaveStep, type PromoteAction, type PromoteSeen, type LeaveAction, type LeaveSeen } from './membership-plan.ts';

type Start<S, A> = { readonly state: S; readonly action: A };

// The one loop: do the action, give what it saw and the time to the step function, log the step's notes, sleep as
// long as it says, and go on until it is done or fails. Ends quietly once `signal` is aborted.
const drive = async <S, A, O>(
  start: Start<S, A>,
  step: (state: S, seen: O, nowMs: number) => Step<S, A>,
  act: (action: A) => Promise<O>,
  fx: Pick<Effects, 'now' | 'sleep'>,
  signal?: AbortSignal,
): Promise<void> => {
  let { state, action } = start;
  for (;;) {
    const seen = await act(action);
    if (signal?.aborted) return;
    const next = step(state, seen, fx.now());
    for (const note of next.notes) log[note.level](note.event, note.fields);
    if (next.kind === 'fail') throw next.error;
    if (next.kind === 'done') return;
    ({ state, action } = next);
    if (next.sleepMs > 0) await fx.sleep(next.sleepMs);
  }
};

// A ZooKeeper call's answer, or its failure as a value for the step function to retry or give up on.
const called = <K extends string>(kind: K, call: Promise<EnsembleConfig>): Promise<{ kind: K; config: EnsembleConfig } | { kind: 'failed'; error: unknown }> =>
  call.then(
    (config) => ({ kind, config }),
    (error: unknown) => ({ kind: 'failed', error }),
  );

// Plan, read the ensemble when asked, wait while nobody serves, then write the files.
export const prepareVolume = (config: Config, peers: Peers | undefined, auth: DigestAuth | undefined, fx: Effects): Promise<void> => {
  const act = async (action: PrepareAction): Promise<PrepareSeen> => {
    if (action.kind === 'read-volume') return { kind: 'volume', volume: await fx.readVolume(config) };
    if (action.kind === 'ask-ensemble') {
      const ensemble = await fx.readEnsemble(action.connectString, config.timeoutMs);
      return { kind: 'volume', volume: await fx.readVolume(config), ensemble };
    }
    if (action.kind === 'write') return { kind: 'written', paths: await fx.writeFiles(config, action.files) };
    const removed = await called('removed', fx.runReconfig(action.connectString, config.timeoutMs, auth, { leaving: String(action.id) }));
    return removed.kind === 'failed' ? removed : { kind: 'removed' };
  };
  return drive(prepareStart(config, fx.now()), (state, seen: PrepareSeen, nowMs) => prepareStep(config, peers, state, seen, nowMs), act, fx);
};

// After the local server starts: wait until it serves, then make the committed config list this member as -role.
export const ensureMembership = (config: Config, address: string, auth: DigestAuth | undefined, fx: Effects, signal: AbortSignal): Promise<void> => {
  const act = async (action: PromoteAction): Promise<PromoteSeen> => {
    if (action.kind === 'check-serving') return { kind: 'serving', mode: await fx.servingMode(action.host, action.port, action.timeoutMs) };
    if (action.kind === 'read-committed') return called('committed', fx.readCommitted(action.connectString, config.timeoutMs));
    return called('reconfigured', fx.runReconfig(action.connectString, config.timeoutMs, auth, { joining: action.joining }));
  };
  return drive(promoteStart(config, address, fx.now()), (state, seen: PromoteSeen, nowMs) => promoteStep(config, state, seen, nowMs), act, fx, signal);
};

// preStop: leave the ensemble unless this is its last voting member or pod 0 (which lingers instead, see planLeave).
export const leaveEnsemble = async (config: Config, auth: DigestAuth | undefined, fx: Effects): Promise<void> => {
  const startedAt = fx.now();
  const act = (action: LeaveAction): Promise<LeaveSeen> =>
    action.kind === 'read-committed'
      ? called('committed', fx.readCommitted(action.connectString, config.timeoutMs))
      : called('removed', fx.runReconfig(action.connectString, config.timeoutMs, auth, { leaving: String(action.id) }));
  return drive(leaveStart(config, await fx.readVolume(config), startedAt), (state, seen: LeaveSeen, nowMs) => leaveStep(config, state, seen, nowMs), act, fx);
};
