// The loops around the plans: prepare the volume (waiting for an ensemble when needed), promote this member after
// its server has synced, and leave before the pod goes. Effects come in as one parameter; state between rounds is
// plain values; every loop ends at the -wait-timeout deadline.
import { AgentError } from '../common/errors.ts';
import { log } from '../common/log.ts';
import type { Config } from './config.ts';
import { planStart, connectStringOf, localHost, type EnsembleView, type Peers, type StartStep } from './start-plan.ts';
import { planRepair, planLeave, RETRYABLE_CODES } from './membership-plan.ts';
import { ownSpec } from './zoo-cfg.ts';
import type { DigestAuth } from './zk-admin.ts';
import type * as effects from './effects.ts';

export type JoinEffects = Pick<typeof effects, 'readVolume' | 'writeFiles' | 'readEnsemble' | 'runReconfig' | 'readCommitted' | 'servingMode' | 'sleep'> & {
  readonly now: () => number;
};

const backoff = (attempt: number): number => Math.min(250 * 2 ** attempt, 5000);

// Retry `call` while it fails with a transient ZooKeeper code (in progress, no quorum yet, unreachable) and the
// deadline allows; anything else (NO_AUTH, RECONFIG_DISABLED, BAD_ARGUMENTS) fails at once.
const retrying = async <T>(what: string, deadline: number, fx: JoinEffects, call: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const code = error instanceof AgentError ? error.code : undefined;
      if (code === undefined || !RETRYABLE_CODES.has(code) || fx.now() + backoff(attempt) > deadline || signal?.aborted) throw error;
      if (attempt === 0 || attempt % 10 === 0) log.warn('zk-bootstrap.retry', { what, code, attempt, retryMs: backoff(attempt) });
      await fx.sleep(backoff(attempt));
    }
  }
};

// Plan, read the ensemble when asked, wait while nobody serves, then write the files. Returns the write step.
export const prepareVolume = async (config: Config, peers: Peers | undefined, auth: DigestAuth | undefined, fx: JoinEffects): Promise<StartStep & { kind: 'write' }> => {
  const deadline = fx.now() + config.waitTimeoutMs;
  let ensemble: EnsembleView | undefined;
  const logged = new Map<string, number>(); // note -> when it was last logged
  for (let round = 0; ; round++) {
    const step = planStart({ config, volume: await fx.readVolume(config), peers, ensemble });
    if (step.kind === 'refuse') throw step.error;
    // Each distinct note once, a repeated wait at most every 30 s: the log says what it waits for, not every poll.
    const last = logged.get(step.note);
    if (last === undefined || (step.kind === 'wait' && fx.now() - last >= 30_000)) {
      log.info('zk-bootstrap.plan', { step: step.kind, note: step.note, myid: config.myid, ...(step.kind === 'wait' ? { retryMs: backoff(Math.min(round, 5)) } : {}) });
      logged.set(step.note, fx.now());
    }
    if (step.kind === 'ask-ensemble') {
      ensemble = await fx.readEnsemble(step.connectString, config.timeoutMs);
      continue;
    }
    if (step.kind === 'wait') {
      if (fx.now() > deadline) {
        throw new AgentError('ZK_ENSEMBLE_UNREACHABLE', `gave up after ${config.waitTimeoutMs}ms: ${step.note}`, { context: { myid: config.myid, waitTimeoutMs: config.waitTimeoutMs } });
      }
      ensemble = undefined;
      // Never sleep past the deadline: the process ends at -wait-timeout plus at most one call's -timeout.
      await fx.sleep(Math.min(backoff(Math.min(round, 5)), Math.max(0, deadline - fx.now()) + 1));
      continue;
    }
    if (step.removeFirst !== undefined && ensemble?.kind === 'config') {
      const from = ensemble.from;
      await retrying('remove stale entry', deadline, fx, () => fx.runReconfig(from, config.timeoutMs, auth, { leaving: String(step.removeFirst) }));
      log.info('zk-bootstrap.removed', { myid: config.myid, why: 'volume lost; re-joining as observer' });
    }
    const written = await fx.writeFiles(config, step.files);
    log.info('zk-bootstrap.wrote', { why: step.why, files: written.join(',') || 'none (unchanged)' });
    return step;
  }
};

// After the local server serves: make the committed config list this member as it should be (idempotent), then
// read it back. A joiner reports `Mode: follower` before it votes, so the config is checked, not the mode.
export const ensureMembership = async (config: Config, address: string, auth: DigestAuth | undefined, fx: JoinEffects, signal: AbortSignal): Promise<void> => {
  const deadline = fx.now() + config.waitTimeoutMs;
  const host = localHost(config);
  const local = `${host}:${config.ports.client}`;
  for (let round = 0; !(await fx.servingMode(host, config.ports.client, 1000)); round++) {
    if (signal.aborted) return;
    if (fx.now() > deadline) throw new AgentError('ZK_NOT_SERVING', `the local server on ${local} did not serve within ${config.waitTimeoutMs}ms`, { context: { address: local } });
    if (round === 0) log.info('zk-bootstrap.waiting', { for: 'local server to serve (synced with a leader)', address: local });
    await fx.sleep(200);
  }
  const wanted = ownSpec(config, address, config.role);
  await retrying('promote', deadline, fx, async () => {
    const committed = await fx.readCommitted(local, config.timeoutMs);
    const step = planRepair(wanted, committed.text);
    if (step.kind === 'in-place') return log.info('zk-bootstrap.member', { note: step.note, version: committed.version });
    log.info('zk-bootstrap.reconfig', { note: step.note, from: committed.version });
    // Ask the other members, never the local server: its super digest comes from this pod's own secret, so it
    // would accept a wrong one. The ensemble's members decide whether this pod may change the membership.
    const others = connectStringOf(committed.text, config.myid, config.ports.client);
    const after = await fx.runReconfig(others, config.timeoutMs, auth, { joining: step.spec });
    const check = planRepair(wanted, after.text);
    if (check.kind !== 'in-place') throw new AgentError('ZK_TIMEOUT', `reconfig committed but ${check.note}`);
    log.info('zk-bootstrap.member', { note: check.note, version: after.version });
  }, signal);
};

// preStop: leave the ensemble unless this is its last voting member or pod 0 (which lingers instead, see planLeave);
// verified by reading the config back.
export const leaveEnsemble = async (config: Config, auth: DigestAuth | undefined, fx: JoinEffects): Promise<void> => {
  const deadline = fx.now() + config.waitTimeoutMs;
  const volume = await fx.readVolume(config);
  const known = connectStringOf(volume.currentDynamic ?? volume.ownDynamic ?? '', config.myid, config.ports.client);
  const local = `${localHost(config)}:${config.ports.client}`;
  const connect = [local, known].filter(Boolean).join(',');
  let quiet: { version: string | undefined; since: number } | undefined;
  for (let round = 0; ; round++) {
    const done = await retrying('leave', deadline, fx, async () => {
      const committed = await fx.readCommitted(connect, config.timeoutMs);
      const step = planLeave(config.myid, config.pod.ordinal, committed.text);
      if (round === 0 || step.kind !== 'linger') log.info('zk-bootstrap.leave', { note: step.note, version: committed.version });
      if (step.kind === 'stay') return true;
      if (step.kind === 'linger') {
        // Others leaving change the config every few hundred ms; a quiet config means nobody else is going.
        if (quiet === undefined || quiet.version !== committed.version) quiet = { version: committed.version, since: fx.now() };
        if (fx.now() - quiet.since >= config.leaveSettleMs) {
          log.info('zk-bootstrap.leave', { note: `config quiet for ${config.leaveSettleMs}ms: stopping as a voter`, version: committed.version });
          return true;
        }
        return false;
      }
      // Through this pod's own server, which forwards to the leader over quorum connections it already has: the
      // other members' names may no longer resolve while pods terminate. (Unlike promotion, a wrong secret here can
      // only remove a member that was promoted, i.e. authorised by the others, earlier.)
      const after = await fx.runReconfig(local, config.timeoutMs, auth, { leaving: String(step.id) });
      if (planLeave(config.myid, config.pod.ordinal, after.text).kind !== 'stay') throw new AgentError('ZK_TIMEOUT', `reconfig committed but server ${config.myid} is still listed`);
      log.info('zk-bootstrap.left', { myid: config.myid, version: after.version });
      return true;
    });
    if (done) return;
    if (fx.now() > deadline) return;
    await fx.sleep(250);
  }
};
