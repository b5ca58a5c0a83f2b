// Last-resort cleanup: when tap kills a test file at its timeout, teardowns do not run. Every process group
// registered here is SIGKILLed when this process exits or is told to stop.
const groups = new Set<number>();
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
};

export const reapOnExit = (pid: number | undefined): void => {
  if (pid === undefined) return;
  groups.add(pid);
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

export const forget = (pid: number | undefined): void => {
  if (pid !== undefined) groups.delete(pid);
};
