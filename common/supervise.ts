// Run a server as this process's child instead of exec(3)-ing into it, for agents that still have work to do while
// it runs or after it stops: stop signals are forwarded, its exit code becomes the container's, and the caller
// learns whether the stop was asked for (a signal) or the server died by itself.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { AgentError } from './errors.ts';

export type ChildExit = {
  /** The exit code the container should have: the child's, or 128 + signal number when it was killed. */
  readonly code: number;
  /** The first stop signal this process received while the child ran, if any. */
  readonly stopSignal: NodeJS.Signals | undefined;
};

export type Supervised = {
  readonly pid: number | undefined;
  readonly exited: Promise<ChildExit>;
  /** Stop the child on the agent's own initiative (not a forwarded signal: stopSignal stays unset). */
  stop(signal?: NodeJS.Signals): void;
};

const FORWARDED: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
const STOPS: ReadonlySet<NodeJS.Signals> = new Set(['SIGTERM', 'SIGINT', 'SIGQUIT']);

export const startSupervised = (file: string, args: readonly string[], env: Readonly<Record<string, string>>): Supervised => {
  const child = spawn(file, args, { env, stdio: 'inherit' });
  let stopSignal: NodeJS.Signals | undefined;
  const forward = (signal: NodeJS.Signals): void => {
    if (STOPS.has(signal)) stopSignal ??= signal;
    child.kill(signal);
  };
  for (const signal of FORWARDED) process.on(signal, forward);
  const detach = (): void => {
    for (const signal of FORWARDED) process.off(signal, forward);
  };
  const exited = new Promise<ChildExit>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      detach();
      reject(new AgentError('CHILD_START_FAILED', `cannot start ${JSON.stringify(file)}: ${error.code ?? error.message}`, { context: { command: file }, cause: error }));
    });
    child.once('exit', (code, signal) => {
      detach();
      resolve({ code: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0), stopSignal });
    });
  });
  return { pid: child.pid, exited, stop: (signal = 'SIGTERM') => void child.kill(signal) };
};
