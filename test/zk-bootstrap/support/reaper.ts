// Last-resort cleanup: when tap kills a test file at its timeout, teardowns do not run. Every process group
// registered here is SIGKILLed when this process exits or is told to stop.
import { rmSync } from 'node:fs';

const groups = new Set<number>();
const dirs = new Set<string>();
let installed = false;

const reap = (): void => {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  groups.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
};

const install = (): void => {
  if (installed) return;
  installed = true;
  process.on('exit', reap);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => {
      reap();
      process.exit(128 + (signal === 'SIGTERM' ? 15 : signal === 'SIGINT' ? 2 : 1));
    });
  }
};

export const reapOnExit = (pid: number | undefined): void => {
  if (pid === undefined) return;
  groups.add(pid);
  install();
};

/** A temp dir removed at exit unless the test's own teardown removed it first (and called forgetDir). */
export const reapDirOnExit = (dir: string): void => {
  if (!process.env.KEEP_ZK_PODS) dirs.add(dir);
  install();
};

export const forgetDir = (dir: string): void => {
  dirs.delete(dir);
};

export const forget = (pid: number | undefined): void => {
  if (pid !== undefined) groups.delete(pid);
};
