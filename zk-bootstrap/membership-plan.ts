// After the server syncs (promote) and before the pod goes away (leave): compare this member with the ensemble's
// committed config and decide the one reconfig, if any, and the steps around it (wait for sync, retry, linger).
// Pure: join.ts does each action and feeds back what it saw.
import { AgentError } from '../common/errors.ts';
import { serverLineFromText, type ServerLine } from '../common/zk-4lw-parse.ts';
import type { Config } from './config.ts';
import { connectStringOf, localHost, type VolumeFacts } from './start-plan.ts';
import { ownSpec, serverLines } from './zoo-cfg.ts';
import type { EnsembleConfig } from './zk-admin.ts';
import { act, done, fail, info, retryStep, type Step } from './retry-plan.ts';
import { CODES, EVENTS } from './catalogue.ts';
import { COMMON_CODES } from '../common/catalogue.ts';

export type RepairDecision = { readonly kind: 'in-place'; readonly note: string } | { readonly kind: 'add'; readonly spec: string; readonly note: string };

// ZooKeeper commits `;2181` as `;0.0.0.0:2181`.
const clientOf = (line: ServerLine): string => (line.client === undefined ? '' : line.client.includes(':') ? line.client : `0.0.0.0:${line.client}`);

const sameLine = (a: ServerLine, b: ServerLine): boolean =>
  a.address === b.address && a.quorumPort === b.quorumPort && a.electionPort === b.electionPort && a.role === b.role && clientOf(a) === clientOf(b);

// Idempotent: a member listed exactly as it should be needs nothing; otherwise `reconfig -add` its wanted line
// (adding an id that exists replaces its line, which is how an observer becomes a participant).
export const planRepair = (wantedSpec: string, committed: string): RepairDecision => {
  const wanted = serverLineFromText(wantedSpec);
  if (!wanted) throw new Error(`bug: not a server line: ${wantedSpec}`);
  const listed = serverLines(committed).find((s) => s.id === wanted.id);
  if (listed && sameLine(listed, wanted)) return { kind: 'in-place', note: `server ${wanted.id} is a ${wanted.role} in the committed config` };
  const why = listed
    ? `listed as ${listed.role} ${listed.address}:${listed.quorumPort}:${listed.electionPort};${clientOf(listed)}`
    : 'not in the committed config';
  return { kind: 'add', spec: wantedSpec, note: `server ${wanted.id} is ${why}: adding ${wantedSpec}` };
};

export type LeaveDecision =
  | { readonly kind: 'stay'; readonly note: string }
  | { readonly kind: 'linger'; readonly note: string }
  | { readonly kind: 'remove'; readonly id: number; readonly note: string };

// preStop: leave the ensemble, except as its last voting member (removing it is refused, and nobody would be left)
// and except as the first pod (ordinal 0). OrderedReady recreates pod 0 first and creates the next one only once it
// is ready (serving, so in a quorum): after all pods were deleted at once, the one voter left must be pod 0. So
// pod 0 stays a voter and lingers, while other voters remain, until it is the last or the config stops changing.
export const planLeave = (myid: number, ordinal: number, committed: string): LeaveDecision => {
  const servers = serverLines(committed);
  const own = servers.find((s) => s.id === myid);
  if (!own) return { kind: 'stay', note: `server ${myid} is not in the committed config: nothing to leave` };
  const voters = servers.filter((s) => s.role === 'participant');
  if (own.role === 'participant' && voters.length === 1) return { kind: 'stay', note: `server ${myid} is the last voting member: it never removes itself` };
  if (ordinal === 0 && own.role === 'participant')
    return { kind: 'linger', note: `server ${myid} is pod 0: it stays a voter and waits while ${voters.length - 1} other voter(s) may be leaving` };
  return { kind: 'remove', id: myid, note: `removing server ${myid} (${own.role}); ${voters.filter((s) => s.id !== myid).length} voting member(s) remain` };
};

// A ZooKeeper call's answer as a step sees it.
type CallSeen<K extends string> = { readonly kind: K; readonly config: EnsembleConfig } | { readonly kind: 'failed'; readonly error: unknown };

export type PromoteAction =
  /** `srvr` to the local server: does it serve (synced with a leader)? */
  | { readonly kind: 'check-serving'; readonly host: string; readonly port: number; readonly timeoutMs: number }
  | { readonly kind: 'read-committed'; readonly connectString: string }
  | { readonly kind: 'reconfig'; readonly connectString: string; readonly joining: string };

export type PromoteSeen = { readonly kind: 'serving'; readonly mode: string | undefined } | CallSeen<'committed' | 'reconfigured'>;

export type PromoteState = {
  /** This member's line as the committed config should list it. */
  readonly wanted: string;
  readonly deadlineMs: number;
  /** srvr polls answered "not serving" so far. */
  readonly polls: number;
  /** Failed ZooKeeper calls so far. */
  readonly attempt: number;
};

export type PromoteStep = Step<PromoteState, PromoteAction>;

export const SERVING_POLL_MS = 200;
const SERVING_TIMEOUT_MS = 1000;

const checkServing = (config: Config): PromoteAction => ({
  kind: 'check-serving',
  host: localHost(config),
  port: config.ports.client,
  timeoutMs: SERVING_TIMEOUT_MS,
});
const localServer = (config: Config): string => `${localHost(config)}:${config.ports.client}`;

export const promoteStart = (config: Config, address: string, nowMs: number): { state: PromoteState; action: PromoteAction } => ({
  state: { wanted: ownSpec(config, address, config.role), deadlineMs: nowMs + config.waitTimeoutMs, polls: 0, attempt: 0 },
  action: checkServing(config),
});

// One step of promoting this member after its server started: wait until it serves, then make the committed config
// list it as wanted (idempotent) and read it back. A joiner reports `Mode: follower` before it votes, so the config
// is checked, not the mode.
export const promoteStep = (config: Config, state: PromoteState, seen: PromoteSeen, nowMs: number): PromoteStep => {
  const local = localServer(config);
  const retry = (error: unknown): PromoteStep =>
    retryStep<PromoteState, PromoteAction>('promote', state.attempt, error, nowMs, state.deadlineMs, (attempt) => ({
      state: { ...state, attempt },
      action: { kind: 'read-committed', connectString: local },
    }));
  if (seen.kind === 'serving') {
    if (seen.mode !== undefined) return act(state, { kind: 'read-committed', connectString: local });
    if (nowMs > state.deadlineMs)
      return fail(
        new AgentError(CODES.ZK_NOT_SERVING, `the local server on ${local} did not serve within ${config.waitTimeoutMs}ms`, { context: { address: local } }),
      );
    const notes = state.polls === 0 ? [info(EVENTS['zk-bootstrap.waiting'], { for: 'local server to serve (synced with a leader)', address: local })] : [];
    return act({ ...state, polls: state.polls + 1 }, checkServing(config), SERVING_POLL_MS, notes);
  }
  if (seen.kind === 'failed') return retry(seen.error);
  const step = planRepair(state.wanted, seen.config.text);
  if (step.kind === 'in-place') return done([info(EVENTS['zk-bootstrap.member'], { note: step.note, version: seen.config.version })]);
  if (seen.kind === 'reconfigured') return retry(new AgentError(COMMON_CODES.ZK_TIMEOUT, `reconfig committed but ${step.note}`));
  // Ask the other members, never the local server: its super digest comes from this pod's own secret, so it would
  // accept a wrong one. The ensemble's members decide whether this pod may change the membership.
  const others = connectStringOf(seen.config.text, config.myid, config.ports.client);
  return act(state, { kind: 'reconfig', connectString: others, joining: step.spec }, 0, [
    info(EVENTS['zk-bootstrap.reconfig'], { note: step.note, from: seen.config.version }),
  ]);
};

export type LeaveAction =
  { readonly kind: 'read-committed'; readonly connectString: string } | { readonly kind: 'remove'; readonly connectString: string; readonly id: number };

export type LeaveSeen = CallSeen<'committed' | 'removed'>;

export type LeaveState = {
  /** This pod's own server first, then the members its config files list. */
  readonly connectString: string;
  readonly deadlineMs: number;
  /** Rounds so far: a round ends with a decision or a lingering pod 0 reading again. */
  readonly round: number;
  /** Failed ZooKeeper calls in this round. */
  readonly attempt: number;
  /** The committed config's version while pod 0 lingers, and since when it has not changed. */
  readonly quiet?: { readonly version: string | undefined; readonly since: number };
};

export type LeaveStep = Step<LeaveState, LeaveAction>;

export const LINGER_POLL_MS = 250;

export const leaveStart = (config: Config, volume: VolumeFacts, nowMs: number): { state: LeaveState; action: LeaveAction } => {
  const known = connectStringOf(volume.currentDynamic ?? volume.ownDynamic ?? '', config.myid, config.ports.client);
  const connectString = [localServer(config), known].filter(Boolean).join(',');
  return { state: { connectString, deadlineMs: nowMs + config.waitTimeoutMs, round: 0, attempt: 0 }, action: { kind: 'read-committed', connectString } };
};

// One step of leaving (preStop): remove this member unless it stays (planLeave), verified by reading the config
// back; pod 0 lingers until it is the last voter, the config has been quiet for -leave-settle, or the deadline.
export const leaveStep = (config: Config, state: LeaveState, seen: LeaveSeen, nowMs: number): LeaveStep => {
  const retry = (error: unknown): LeaveStep =>
    retryStep<LeaveState, LeaveAction>('leave', state.attempt, error, nowMs, state.deadlineMs, (attempt) => ({
      state: { ...state, attempt },
      action: { kind: 'read-committed', connectString: state.connectString },
    }));
  if (seen.kind === 'failed') return retry(seen.error);
  const { text, version } = seen.config;
  if (seen.kind === 'removed') {
    if (planLeave(config.myid, config.pod.ordinal, text).kind !== 'stay')
      return retry(new AgentError(COMMON_CODES.ZK_TIMEOUT, `reconfig committed but server ${config.myid} is still listed`));
    return done([info(EVENTS['zk-bootstrap.left'], { myid: config.myid, version })]);
  }
  const step = planLeave(config.myid, config.pod.ordinal, text);
  const notes = state.round === 0 || step.kind !== 'linger' ? [info(EVENTS['zk-bootstrap.leave'], { note: step.note, version })] : [];
  if (step.kind === 'stay') return done(notes);
  // Through this pod's own server, which forwards to the leader over quorum connections it already has: the other
  // members' names may no longer resolve while pods terminate. (Unlike promotion, a wrong secret here can only
  // remove a member that was promoted, i.e. authorised by the others, earlier.)
  if (step.kind === 'remove') return act(state, { kind: 'remove', connectString: localServer(config), id: step.id }, 0, notes);
  // Others leaving change the config every few hundred ms; a quiet config means nobody else is going.
  const quiet = state.quiet !== undefined && state.quiet.version === version ? state.quiet : { version, since: nowMs };
  if (nowMs - quiet.since >= config.leaveSettleMs)
    return done([...notes, info(EVENTS['zk-bootstrap.leave'], { note: `config quiet for ${config.leaveSettleMs}ms: stopping as a voter`, version })]);
  if (nowMs > state.deadlineMs) return done(notes);
  return act({ ...state, quiet, round: state.round + 1, attempt: 0 }, { kind: 'read-committed', connectString: state.connectString }, LINGER_POLL_MS, notes);
};
