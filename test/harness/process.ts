// Running commands for the harness: short commands to completion, long-running ones as process groups.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync, closeSync } from 'node:fs';

export type RunResult = { readonly exitCode: number | null; readonly signal: string | null; readonly stdout: string; readonly stderr: string };

export type RunOptions = {
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly cwd?: string;
};

// Run a command to completion and collect its output; a timeout kills its whole process group.
export const run = async (argv: readonly string[], options: RunOptions = {}): Promise<RunResult> => {
  const [file, ...args] = argv as [string, ...string[]];
  const child = spawn(file, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    detached: true,
    // No input: stdin is /dev/null. A socket on stdin makes bash source ~/.bashrc as if started by rshd.
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin?.on('error', () => {}); // a command that does not read its stdin may close it early
  child.stdin?.end(options.input);
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => killGroup(child, 'SIGKILL'), options.timeoutMs);
  const [exitCode, signal] = (await once(child, 'close').catch((error: Error) => {
    stderr += String(error);
    return [127, null];
  })) as [number | null, string | null];
  if (timer) clearTimeout(timer);
  return { exitCode, signal, stdout, stderr };
};

// Like run, but a non-zero exit is an error that carries the command and its stderr.
export const runOk = async (argv: readonly string[], options: RunOptions = {}): Promise<string> => {
  const result = await run(argv, options);
  if (result.exitCode !== 0) {
    throw new Error(`${argv.join(' ')} exited ${result.exitCode ?? result.signal}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
};

export type Started = { readonly child: ChildProcess; readonly exited: Promise<{ exitCode: number | null; signal: string | null }> };

// Start a long-running process in its own process group, its output appended to a log file.
export const startLogged = (argv: readonly string[], logFile: string, env: Readonly<Record<string, string>>, input?: string): Started => {
  const [file, ...args] = argv as [string, ...string[]];
  const fd = openSync(logFile, 'a');
  const child = spawn(file, args, { env, detached: true, stdio: [input === undefined ? 'ignore' : 'pipe', fd, fd] });
  closeSync(fd);
  if (input !== undefined && child.stdin) {
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  }
  const exited = new Promise<{ exitCode: number | null; signal: string | null }>((resolve) => {
    child.on('error', () => resolve({ exitCode: 127, signal: null }));
    child.on('exit', (exitCode, signal) => resolve({ exitCode, signal }));
  });
  return { child, exited };
};

export const killGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
};
