import t from 'tap';
import { inspect } from 'node:util';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startSupervised, type SuperviseOptions } from '../../common/supervise.ts';
import { setLogSink } from '../../common/log.ts';
import { waitFor } from '../harness/wait.ts';

const env = { PATH: process.env.PATH ?? '/bin' };
setLogSink(() => {});

// `sh -c script` supervised, once the script has touched "$0" (after setting its TERM trap): a signal sent before
// that would meet the default action and prove nothing.
const startTrapped = async (file: string, script: string, options?: SuperviseOptions) => {
  const child = startSupervised('sh', ['-c', `${script}; touch "$0"; while :; do sleep 0.05; done`, file], env, options);
  await waitFor(`${file} (the trap set)`, () => existsSync(file), { timeoutMs: 10_000, intervalMs: 10 });
  return child;
};

t.test('the child exit code is passed through; a signal becomes 128 + its number', async (t) => {
  t.equal((await startSupervised('sh', ['-c', 'exit 7'], env).exited).code, 7);
  const sleeper = startSupervised('sleep', ['30'], env);
  sleeper.stop('SIGTERM');
  t.same(await sleeper.exited, { code: 143, stopSignal: undefined }, 'a stop of our own is not a forwarded stop signal');
  await t.rejects(startSupervised('/nonexistent/java', [], {}).exited, { code: 'CHILD_COMMAND_INVALID' });
});

t.test('SIGTERM to the agent reaches the child and is reported as the stop signal', async (t) => {
  const child = await startTrapped(path.join(t.testdir({}), 'trapped'), 'trap "exit 42" TERM');
  process.emit('SIGTERM', 'SIGTERM');
  t.same(await child.exited, { code: 42, stopSignal: 'SIGTERM' });
});

// Hostile-input issue 13 item 5: a server that ignores SIGTERM is killed after the grace period.
t.test('a child that ignores SIGTERM gets SIGKILL after the grace period, forwarded or our own stop', async (t) => {
  const dir = t.testdir({});
  for (const how of ['stop', 'forwarded'] as const) {
    const child = await startTrapped(path.join(dir, how), 'trap "" TERM', { stopGraceMs: 300 });
    const started = Date.now();
    if (how === 'stop') child.stop('SIGTERM');
    else process.emit('SIGTERM', 'SIGTERM');
    const exit = await child.exited;
    t.equal(exit.code, 137, `${how}: killed`);
    t.equal(exit.stopSignal, how === 'stop' ? undefined : 'SIGTERM', `${how}: stop signal`);
    const ms = Date.now() - started;
    t.ok(ms >= 250 && ms < 3000, `${how}: after the grace period (${ms}ms)`);
  }
  // The shell runs its trap only after the running `sleep 0.05`: a 100 ms grace lost that race on a loaded machine.
  const quick = await startTrapped(path.join(dir, 'quick'), 'trap "exit 0" TERM', { stopGraceMs: 5000 });
  quick.stop();
  t.equal((await quick.exited).code, 0, 'a child that stops in time keeps its own exit code');
});

// Hostile-input issue 13 item 3: a failed start is one line with the errno, never the arguments (they hold the
// super user's digest) and never exit 70.
t.test('a command that cannot start: exit 2 naming program and errno, no argument anywhere in the error', async (t) => {
  const dir = t.testdir({ 'not-executable': 'java\n' });
  writeFileSync(path.join(dir, 'not-executable'), 'x');
  const secretArg = '-Dzookeeper.DigestAuthenticationProvider.superDigest=super:SECRETDIGEST=';
  const rows = [
    { name: 'missing', file: '/nonexistent/java', args: [secretArg], errno: 'ENOENT' },
    { name: 'not executable', file: path.join(dir, 'not-executable'), args: [secretArg], errno: 'EACCES' },
    { name: 'a directory', file: dir, args: [secretArg], errno: 'EACCES' },
    { name: 'NUL in an argument', file: 'sh', args: [secretArg, 'a\u0000b'], errno: 'ERR_INVALID_ARG_VALUE' },
  ];
  for (const row of rows) {
    const error = await startSupervised(row.file, row.args, env).exited.then(
      () => undefined,
      (e: unknown) => e,
    );
    t.match(error, { code: 'CHILD_COMMAND_INVALID', exitCode: 2, context: { errno: row.errno } }, row.name);
    t.notMatch(inspect(error, { depth: 10 }), /SECRETDIGEST|superDigest/, `${row.name}: no argument in the error, its cause or context`);
  }
});

t.test('beforeStop runs while the child still runs; the stop signal reaches it only when the hook is done', async (t) => {
  let release: () => void = () => {};
  const hookDone = new Promise<void>((resolve) => (release = resolve));
  let hookSignal: string | undefined;
  const child = await startTrapped(path.join(t.testdir({}), 'trapped'), 'trap "exit 42" TERM', {
    beforeStop: async (signal) => {
      hookSignal = signal;
      await hookDone;
    },
  });
  let exited = false;
  void child.exited.then(() => (exited = true));
  process.emit('SIGTERM', 'SIGTERM');
  process.emit('SIGTERM', 'SIGTERM'); // a second SIGTERM while the hook runs waits for it too
  await new Promise((r) => setTimeout(r, 300));
  t.equal(hookSignal, 'SIGTERM');
  t.notOk(exited, 'the child still runs while the hook works');
  release();
  t.same(await child.exited, { code: 42, stopSignal: 'SIGTERM' });
});
