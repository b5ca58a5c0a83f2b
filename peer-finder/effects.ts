// Everything peer-finder does to the world: read inputs, ask DNS, run hooks, wait. Tests pass their own.
import { hostname as osHostname, networkInterfaces } from 'node:os';
import { readTextBounded } from '../common/files.ts';
import { isAgentError } from '../common/errors.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { createDnsClient, type LookupResult } from '../common/dns-client.ts';
import type { Config } from './config.ts';
import type { Answer, HookRun } from './plan.ts';

export type HookOutcome =
  | { readonly kind: 'ok'; readonly durationMs: number }
  | {
      readonly kind: 'failed';
      readonly exitCode: number | undefined;
      readonly signal: string | undefined;
      readonly detail: string;
      /** The signal peer-finder received and passed on to the hook, which is why it ended. */
      readonly stoppedBy?: NodeJS.Signals;
    };

export type Discover = (budgetMs?: number) => Promise<Answer>;

export type Effects = {
  readonly hostname: () => string;
  readonly addresses: () => readonly string[];
  readonly readText: (path: string) => Promise<string | undefined>;
  /** A lookup function for this config (it keeps the resolver's rotation state between rounds); a lookup ends
   * as a timeout error when `budgetMs` runs out. */
  readonly discoverer: (config: Config) => Discover;
  readonly runHook: (hook: HookRun) => Promise<HookOutcome>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly print: (text: string) => void;
};

// A missing or unreadable file is undefined (Go's resolver then uses its defaults, and readConfig says what that
// means); a FIFO, a device such as /dev/zero or a file over the cap is bad input, refused unread (exit 2).
const readText = async (path: string): Promise<string | undefined> => {
  try {
    return readTextBounded(path, '-resolv-conf');
  } catch (error) {
    if (isAgentError(error)) throw error;
    return undefined;
  }
};

// Non-loopback interface addresses: this pod's identity in A-record discovery when POD_IP is unset.
const addresses = (): string[] =>
  Object.values(networkInterfaces())
    .flat()
    .filter((i) => i !== undefined && !i.internal)
    .map((i) => (i as { address: string }).address);

// A lookup result in the plan's terms, with the query and server named for the log.
export const answerOf = <T>(what: string, result: LookupResult<T>, members: (records: readonly T[]) => string[]): Answer => {
  if (result.kind === 'ok')
    return {
      kind: 'members',
      members: members(result.records),
      rejected: result.rejected,
      detail: `${what} ${result.name} via ${result.transport} @${result.server}`,
    };
  if (result.kind === 'not-found') return { kind: 'not-found', detail: `${what}: ${result.rcode} for ${result.names.join(' ')}` };
  return { kind: 'error', detail: `${result.reason}: ${result.detail}` };
};

// A records and AAAA records together: members are whatever addresses either has.
const mergeAddresses = (a: Answer, aaaa: Answer): Answer => {
  if (a.kind === 'members' && aaaa.kind === 'members') {
    return {
      kind: 'members',
      members: [...a.members, ...aaaa.members],
      rejected: [...(a.rejected ?? []), ...(aaaa.rejected ?? [])],
      detail: `${a.detail}, ${aaaa.detail}`,
    };
  }
  if (a.kind === 'members') return a;
  if (aaaa.kind === 'members') return aaaa;
  return a.kind === 'error' ? a : aaaa;
};

const discoverer = (config: Config): Discover => {
  const discovery = config.discovery;
  if (discovery.kind === 'static') return async () => ({ kind: 'members', members: discovery.peers, detail: 'static -peers' });
  const client = createDnsClient({ resolv: config.resolv, port: config.dnsPort });
  const within = (budgetMs: number | undefined) => ({ signal: budgetMs === undefined ? undefined : AbortSignal.timeout(Math.max(1, budgetMs)) });
  // An answer that came too late to count is told apart from a DNS failure, so the timeout names the real cause.
  const cutShort = (answer: Answer, signal: AbortSignal | undefined): Answer =>
    signal?.aborted && answer.kind === 'error' ? { kind: 'cut-short', detail: answer.detail } : answer;
  if (discovery.kind === 'srv') {
    return async (budgetMs) => {
      const { signal } = within(budgetMs);
      return cutShort(
        answerOf('SRV', await client.lookupSrv(discovery.name, { signal }), (records) => records.map((r) => r.target)),
        signal,
      );
    };
  }
  return async (budgetMs) => {
    const { signal } = within(budgetMs);
    const [a, aaaa] = await Promise.all([client.lookupAddresses(discovery.name, 'A', { signal }), client.lookupAddresses(discovery.name, 'AAAA', { signal })]);
    return cutShort(
      mergeAddresses(
        answerOf('A', a, (r) => [...r]),
        answerOf('AAAA', aaaa, (r) => [...r]),
      ),
      signal,
    );
  };
};

/** How long a hook may take to exit after peer-finder passes on SIGTERM before its process group gets SIGKILL. */
export const HOOK_STOP_GRACE_MS = 10_000;
const FORWARDED = ['SIGTERM', 'SIGINT'] as const;

export type HookRunnerOptions = {
  readonly graceMs?: number;
  /** Where SIGTERM/SIGINT arrive: the process, or a test's emitter. */
  readonly signals?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
};

// The user's hook string goes to `sh -c` exactly as written (the original used `bash -c`, so quotes and arguments
// in it work); the member list goes only to stdin and the facts only to the environment. Plain child_process, not
// execa: execa's load costs about 100 ms and 15 MB per run, a third of the agent's time and memory budget.
// The hook runs in its own process group: a SIGTERM to peer-finder (pod deletion) is passed on to the whole group
// (sh and whatever it started) instead of leaving it orphaned (issue 13), and after the grace period the group is
// killed, so stopping is bounded. Outside a hook, SIGTERM keeps its default: peer-finder just ends.
export const hookRunner = (options: HookRunnerOptions = {}) => {
  const { graceMs = HOOK_STOP_GRACE_MS, signals = process } = options;
  return (hook: HookRun): Promise<HookOutcome> =>
    new Promise((resolve) => {
      const started = Date.now();
      const child = spawn('/bin/sh', ['-c', hook.command], { stdio: ['pipe', 'inherit', 'inherit'], env: { ...process.env, ...hook.env }, detached: true });
      let stoppedBy: NodeJS.Signals | undefined;
      let killTimer: NodeJS.Timeout | undefined;
      const signalGroup = (signal: NodeJS.Signals): void => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, signal);
        } catch {
          // The group is already gone.
        }
      };
      const onSignal = (signal: NodeJS.Signals): void => {
        stoppedBy = signal;
        signalGroup(signal);
        killTimer ??= setTimeout(() => signalGroup('SIGKILL'), graceMs);
      };
      for (const name of FORWARDED) signals.on(name, onSignal);
      const done = (outcome: HookOutcome): void => {
        for (const name of FORWARDED) signals.off(name, onSignal);
        clearTimeout(killTimer);
        resolve(stoppedBy && outcome.kind === 'failed' ? { ...outcome, stoppedBy } : outcome);
      };
      child.stdin.on('error', () => {}); // a hook that does not read its stdin may exit first (EPIPE)
      child.stdin.end(hook.input);
      child.on('error', (error: NodeJS.ErrnoException) =>
        done({ kind: 'failed', exitCode: undefined, signal: undefined, detail: `cannot start /bin/sh: ${error.code ?? error.message}` }),
      );
      child.on('close', (code, signal) => {
        if (code === 0 && stoppedBy === undefined) done({ kind: 'ok', durationMs: Date.now() - started });
        else if (stoppedBy !== undefined)
          done({
            kind: 'failed',
            exitCode: code ?? undefined,
            signal: signal ?? undefined,
            detail: `stopped: peer-finder received ${stoppedBy} and passed it on (${signal ? `killed by ${signal}` : `exit code ${code}`})`,
          });
        else done({ kind: 'failed', exitCode: code ?? undefined, signal: signal ?? undefined, detail: signal ? `killed by ${signal}` : `exit code ${code}` });
      });
    });
};

export const realEffects: Effects = {
  hostname: osHostname,
  addresses,
  readText,
  discoverer,
  runHook: hookRunner(),
  sleep: async (ms) => {
    await sleep(ms);
  },
  now: Date.now,
  print: (text) => process.stdout.write(text),
};
