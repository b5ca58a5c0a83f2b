// Start the server once and stay its parent: signals are forwarded, its exit code becomes ours. zk-bootstrap
// cannot exec(3) into the JVM like kafka-entrypoint does, because it still has to promote the member after the
// server has synced; a postStart hook could do that too, but it may run before the server starts, and its failure
// only shows up as a container event.
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { constants } from 'node:os';
import { AgentError } from '../common/errors.ts';

export type ServerProcess = {
  readonly pid: number | undefined;
  /** Resolves with the exit code the container should have (128 + signal number when killed). */
  readonly exited: Promise<number>;
  stop(signal?: NodeJS.Signals): void;
};

const FORWARDED: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

// The server command with the super user's digest added: `-D...` right after `java`, and in SERVER_JVMFLAGS for
// zkServer.sh. The password never reaches the server; ZK_SUPER_SECRET is removed from its environment.
export const serverInvocation = (
  command: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  digest: string | undefined,
): { argv: string[]; env: Record<string, string> } => {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && k !== 'ZK_SUPER_SECRET') childEnv[k] = v;
  const argv = [...command];
  if (digest !== undefined) {
    const flag = `-Dzookeeper.DigestAuthenticationProvider.superDigest=${digest}`;
    if (basename(argv[0] ?? '') === 'java') argv.splice(1, 0, flag);
    childEnv.SERVER_JVMFLAGS = [childEnv.SERVER_JVMFLAGS, flag].filter(Boolean).join(' ');
  }
  return { argv, env: childEnv };
};

export const startServer = (argv: readonly string[], env: Record<string, string>): ServerProcess => {
  const [file, ...args] = argv as [string, ...string[]];
  const child = spawn(file, args, { env, stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  for (const signal of FORWARDED) process.on(signal, forward);
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      for (const signal of FORWARDED) process.off(signal, forward);
      reject(new AgentError('ZK_SERVER_START_FAILED', `cannot start ${JSON.stringify(file)}: ${error.code ?? error.message}`, { context: { command: file }, cause: error }));
    });
    child.once('exit', (code, signal) => {
      for (const s of FORWARDED) process.off(s, forward);
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
  return { pid: child.pid, exited, stop: (signal = 'SIGTERM') => void child.kill(signal) };
};
