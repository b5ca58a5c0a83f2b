// The poll policy, pure: from one lookup answer and the state so far, decide to wait, run a hook, or give up.
import type { Config } from './config.ts';
import { sortedMembers, hookInput, hookEnv, type HookEvent } from './hook.ts';
import { EVENTS } from './catalogue.ts';

// What one lookup found; `detail` names the query and the server, for the log and the timeout message.
export type Answer =
  /** `rejected`: names DNS gave that are not valid host names, left out of `members`. */
  | { readonly kind: 'members'; readonly members: readonly string[]; readonly detail: string; readonly rejected?: readonly string[] }
  | { readonly kind: 'not-found'; readonly detail: string }
  | { readonly kind: 'error'; readonly detail: string }
  /** The lookup was still running at the -timeout deadline. */
  | { readonly kind: 'cut-short'; readonly detail: string };

export type State = {
  readonly event: HookEvent;
  /** Members the last hook got; undefined before the first run. */
  readonly lastRun: readonly string[] | undefined;
  /** The reason behind the last note, so a reason is logged once, not every poll. */
  readonly waitKey: string;
  readonly startedAtMs: number;
  readonly lastNoteAtMs: number;
  /** What the last finished lookup lacked, for the timeout message when the final lookup is cut short. */
  readonly missing: string;
  /** The invalid names last logged, so a server that keeps sending them is logged once, not every poll. */
  readonly rejectedKey: string;
};

export type Note = {
  readonly level: 'info' | 'warn';
  readonly event: (typeof EVENTS)[keyof typeof EVENTS];
  readonly fields: Readonly<Record<string, unknown>>;
};

export type HookRun = {
  readonly which: 'on-start' | 'on-change';
  readonly command: string;
  readonly input: string;
  readonly env: Readonly<Record<string, string>>;
};

export type Step =
  | { readonly kind: 'wait'; readonly state: State; readonly retryMs: number; readonly note?: Note; readonly warning?: Note }
  | {
      readonly kind: 'run';
      readonly state: State;
      readonly retryMs: number;
      readonly note: Note;
      readonly hook: HookRun;
      readonly final: boolean;
      readonly warning?: Note;
    }
  /** `missing`: what the last lookup lacked; `message`: the error's one line, naming -timeout too. */
  | { readonly kind: 'timeout'; readonly state: State; readonly note: Note; readonly missing: string; readonly message: string; readonly warning?: Note };

// A reminder while the reason is unchanged, so a long wait is visible without a line per poll.
export const REMIND_EVERY_MS = 60_000;
const LIST_CAP = 10;

export const initialState = (nowMs: number): State => ({
  event: 'start',
  lastRun: undefined,
  waitKey: '',
  startedAtMs: nowMs,
  lastNoteAtMs: nowMs,
  missing: '',
  rejectedKey: '',
});

// A list for a log line, capped so a 1,000-member service does not flood the log.
export const capped = (items: readonly string[]): string =>
  items.length <= LIST_CAP ? items.join(',') : `${items.slice(0, LIST_CAP).join(',')},...(+${items.length - LIST_CAP})`;

// How long the next lookup may take: until the -timeout deadline while the first hook has not run, else unbounded.
// A pod whose DNS servers drop packets spends up to names x attempts x servers x 5 s in one lookup (80 s with a
// kubelet resolv.conf), which would otherwise overrun the deadline.
export const lookupBudgetMs = (config: Config, state: State, nowMs: number): number | undefined =>
  config.timeoutMs > 0 && state.lastRun === undefined ? Math.max(0, state.startedAtMs + config.timeoutMs - nowMs) : undefined;

const selfIn = (config: Config, members: readonly string[]): string | undefined =>
  members.find((m) => config.selfNames.includes(m.toLowerCase().replace(/\.$/, '')));

type Waiting = { key: string; note: Note; missing: string };

// Why this answer does not lead to a hook run (undefined: it does).
const waitingFor = (config: Config, state: State, answer: Answer, members: readonly string[], retryMs: number): Waiting | undefined => {
  if (answer.kind === 'cut-short') {
    return {
      key: state.waitKey,
      note: { level: 'warn', event: EVENTS['peer-finder.lookup-cut-short'], fields: { detail: answer.detail } },
      missing: state.missing || `an answer from DNS (${answer.detail})`,
    };
  }
  if (answer.kind === 'error') {
    return {
      key: `error ${answer.detail}`,
      note: { level: 'warn', event: EVENTS['peer-finder.lookup-failed'], fields: { detail: answer.detail, retryMs } },
      missing: `an answer from DNS (${answer.detail})`,
    };
  }
  if (answer.kind === 'not-found') {
    return {
      key: `not-found ${answer.detail}`,
      note: { level: 'info', event: EVENTS['peer-finder.no-members-yet'], fields: { detail: answer.detail, retryMs } },
      missing: `any member (${answer.detail})`,
    };
  }
  const self = config.fqdn || config.selfNames.join(',');
  if (selfIn(config, members) === undefined) {
    return {
      key: `self-missing ${members.join(',')}`,
      note: { level: 'info', event: EVENTS['peer-finder.self-not-found'], fields: { self, count: members.length, members: capped(members), retryMs } },
      missing: `this pod (${self}) among ${members.length} member(s) of ${answer.detail}: ${capped(members)}`,
    };
  }
  if (state.lastRun !== undefined && state.lastRun.join('\n') === members.join('\n')) {
    return { key: 'unchanged', note: { level: 'info', event: EVENTS['peer-finder.members-unchanged'], fields: { count: members.length } }, missing: '' };
  }
  return undefined;
};

const diff = (was: readonly string[], now: readonly string[]): { added: string[]; removed: string[] } => {
  const before = new Set(was);
  const after = new Set(now);
  return { added: now.filter((m) => !before.has(m)), removed: was.filter((m) => !after.has(m)) };
};

// Invalid names in this answer, logged when they differ from the last ones logged (Go's resolver leaves such
// records out too, CVE-2021-33195); the key goes back to '' once an answer is clean, so a relapse is logged again.
const rejection = (state: State, answer: Answer): { rejectedKey: string; warning?: Note } => {
  if (answer.kind !== 'members') return { rejectedKey: state.rejectedKey };
  const rejected = answer.rejected ?? [];
  const rejectedKey = rejected.join('\n');
  if (rejectedKey === '' || rejectedKey === state.rejectedKey) return { rejectedKey };
  return {
    rejectedKey,
    warning: { level: 'warn', event: EVENTS['peer-finder.names-rejected'], fields: { count: rejected.length, names: capped(rejected), from: answer.detail } },
  };
};

// One poll round: the step to take and the state for the next round.
export const nextStep = (config: Config, state: State, answer: Answer, nowMs: number): Step => {
  const { rejectedKey, warning } = rejection(state, answer);
  const step = stepFor(config, { ...state, rejectedKey }, answer, nowMs);
  return warning ? { ...step, warning } : step;
};

const stepFor = (config: Config, state: State, answer: Answer, nowMs: number): Step => {
  const budget = lookupBudgetMs(config, state, nowMs);
  const retryMs = budget === undefined ? config.pollPeriodMs : Math.max(1, Math.min(config.pollPeriodMs, budget));
  const members = answer.kind === 'members' ? sortedMembers(answer.members) : [];
  const waiting = waitingFor(config, state, answer, members, retryMs);
  if (waiting === undefined) {
    const self = selfIn(config, members) as string;
    const which = state.event === 'start' && config.onStart !== undefined ? 'on-start' : 'on-change';
    const command = (which === 'on-start' ? config.onStart : config.onChange) as string;
    const final = config.onChange === undefined || config.discovery.kind === 'static';
    const was = state.lastRun ?? [];
    const { added, removed } = diff(was, members);
    return {
      kind: 'run',
      state: { ...state, event: 'change', lastRun: members, waitKey: 'unchanged', lastNoteAtMs: nowMs },
      retryMs,
      final,
      hook: { which, command, input: hookInput(members), env: hookEnv({ ...config, event: state.event, self, members }) },
      note: {
        level: 'info',
        event: EVENTS['peer-finder.peers-updated'],
        fields: { hook: which, self, count: members.length, added: capped(added), removed: capped(removed), from: answer.detail },
      },
    };
  }
  if (config.timeoutMs > 0 && state.lastRun === undefined && nowMs - state.startedAtMs >= config.timeoutMs) {
    const message = `no hook ran within -timeout=${config.timeoutMs}ms: still missing ${waiting.missing}`;
    return {
      kind: 'timeout',
      state,
      missing: waiting.missing,
      message,
      note: { level: 'warn', event: EVENTS['peer-finder.giving-up'], fields: { missing: waiting.missing, timeoutMs: config.timeoutMs } },
    };
  }
  const changed = waiting.key !== state.waitKey;
  const remind = !changed && waiting.key !== 'unchanged' && nowMs - state.lastNoteAtMs >= REMIND_EVERY_MS;
  const note =
    changed || remind ? { ...waiting.note, fields: { ...waiting.note.fields, ...(remind ? { waitedMs: nowMs - state.startedAtMs } : {}) } } : undefined;
  const next: State = { ...state, waitKey: waiting.key, lastNoteAtMs: note ? nowMs : state.lastNoteAtMs, missing: waiting.missing };
  return note ? { kind: 'wait', state: next, retryMs, note } : { kind: 'wait', state: next, retryMs };
};
