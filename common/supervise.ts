// Run a server as this process's child instead of exec(3)-ing into it, for agents that still have work to do while
// it runs or after it stops: stop signals are forwarded, its exit code becomes the container's, and the caller
// learns whether the stop was asked for (a signal) or the server died by itself.
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { AgentError } from './errors.ts';
import { COMMON_CODES } from './catalogue.ts';
import { log } from './log.ts';

export type ChildExit = {
  /** The exit code the container should have: the child's, or 128 + signal number when it was killed. */
  readonly code: number;
  /** The first stop signal this process received while the child ran, if any. */
  readonly stopSignal: NodeJS.Signals | undefined;
};

export type Supervised = {
  readonly pid: number | undefined;
  /** Rejects with CHILD_START_FAILED (one line, no argument or environment in it) when the child cannot start. */
  readonly exited: Promise<ChildExit>;
  /** Stop the child on the agent's own initiative (not a forwarded signal: stopSignal stays unset). */
  stop(signal?: NodeJS.Signals): void;
};

export type SuperviseOptions = {
  /**
   * After a stop signal (forwarded or stop()), how long the child may take before it gets SIGKILL: a server that
   * ignores SIGTERM must not keep the agent waiting forever (hostile-input issue 13 item 5). The default stays below
   * Kubernetes' default terminationGracePeriodSeconds (30 s), so the escalation is ours, not the kubelet's.
   */
  readonly stopGraceMs?: number;
  /**
   * Work that must finish while the child still runs, before the first stop signal reaches it (kafka-entrypoint
   * drains a scaled-away broker through its own JVM). The grace period starts after it; a rejection is logged by the
   * caller's hook itself, and the child is stopped anyway.
   */
  readonly beforeStop?: (signal: NodeJS.Signals) => Promise<void>;
};

export const DEFAULT_STOP_GRACE_MS = 20_000;

const FORWARDED: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
const STOPS: ReadonlySet<NodeJS.Signals> = new Set(['SIGTERM', 'SIGINT', 'SIGQUIT']);
// The command itself is wrong (missing, not executable, a directory): the manifest or image must change.
const BAD_COMMAND: ReadonlySet<string> = new Set([
  'ENOENT',
  'EACCES',
  'ENOEXEC',
  'EISDIR',
  'ENOTDIR',
  'ELOOP',
  'ENAMETOOLONG',
  'ERR_INVALID_ARG_VALUE',
  'ERR_INVALID_ARG_TYPE',
]);

// One line naming the program and the errno. Never the arguments or the environment: Node's spawn error carries
// `spawnargs` (zk-bootstrap's hold the super user's digest), so it is not kept as the cause either.
const startFailed = (file: string, error: NodeJS.ErrnoException): AgentError => {
  const code = error.code ?? 'unknown error';
  const bad = BAD_COMMAND.has(code);
  const why = code.startsWith('ERR_') ? 'an argument or environment value holds a NUL byte' : code;
  return new AgentError(
    bad ? COMMON_CODES.CHILD_COMMAND_INVALID : COMMON_CODES.CHILD_START_FAILED,
    `cannot start ${JSON.stringify(file.slice(0, 200))}: ${why}${bad ? ' (fix the command after --, or the image)' : ''}`,
    {
      context: { command: file.slice(0, 200), errno: code },
    },
  );
};

export const startSupervised = (file: string, args: readonly string[], env: Readonly<Record<string, string>>, options: SuperviseOptions = {}): Supervised => {
  const graceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  let child: ChildProcess;
  try {
    // Loaded here, not at the top: kafka-entrypoint's usual start execs the JVM and never needs node:child_process
    // (nor the node:dgram it loads), ~1-2 ms (issue 10).
    child = process.getBuiltinModule('node:child_process').spawn(file, args, { env, stdio: 'inherit' });
  } catch (error) {
    // Synchronous refusals (a NUL byte in an argument) quote the argument in their message: never shown.
    return { pid: undefined, exited: Promise.reject(startFailed(file, error as NodeJS.ErrnoException)), stop: () => {} };
  }
  let stopSignal: NodeJS.Signals | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const escalateLater = (): void => {
    killTimer ??= setTimeout(() => {
      log.warn('supervise.kill', { pid: child.pid, why: `still running ${graceMs}ms after the stop signal: SIGKILL` });
      child.kill('SIGKILL');
    }, graceMs);
  };
  let holding = false;
  const forward = (signal: NodeJS.Signals): void => {
    if (STOPS.has(signal) && options.beforeStop && stopSignal === undefined) {
      stopSignal = signal;
      holding = true;
      void options
        .beforeStop(signal)
        .catch(() => {})
        .finally(() => {
          holding = false;
          escalateLater();
          child.kill(signal);
        });
      return;
    }
    // A second stop signal while the hook runs waits for it too: the child is stopped once the hook is done.
    if (holding && STOPS.has(signal)) return;
    if (STOPS.has(signal)) {
      stopSignal ??= signal;
      escalateLater();
    }
    child.kill(signal);
  };
  for (const signal of FORWARDED) process.on(signal, forward);
  const detach = (): void => {
    clearTimeout(killTimer);
    for (const signal of FORWARDED) process.off(signal, forward);
  };
  const exited = new Promise<ChildExit>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      // After a successful start, 'error' only reports a failed kill; 'exit' still follows.
      if (child.pid !== undefined) return;
      detach();
      reject(startFailed(file, error));
    });
    child.once('exit', (code, signal) => {
      detach();
      resolve({ code: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0), stopSignal });
    });
  });
  return {
    pid: child.pid,
    exited,
    stop: (signal = 'SIGTERM') => {
      if (STOPS.has(signal)) escalateLater();
      child.kill(signal);
    },
  };
};
