import t from 'tap';
import { startSupervised } from '../../common/supervise.ts';

const env = { PATH: process.env.PATH ?? '/bin' };

t.test('the child exit code is passed through; a signal becomes 128 + its number', async (t) => {
  t.equal((await startSupervised('sh', ['-c', 'exit 7'], env).exited).code, 7);
  const sleeper = startSupervised('sleep', ['30'], env);
  sleeper.stop('SIGTERM');
  t.same(await sleeper.exited, { code: 143, stopSignal: undefined }, 'a stop of our own is not a forwarded stop signal');
  await t.rejects(startSupervised('/nonexistent/java', [], {}).exited, { code: 'CHILD_START_FAILED' });
});

t.test('SIGTERM to the agent reaches the child and is reported as the stop signal', async (t) => {
  const child = startSupervised('sh', ['-c', 'trap "exit 42" TERM; while :; do sleep 0.1; done'], env);
  await new Promise((r) => setTimeout(r, 200));
  process.emit('SIGTERM', 'SIGTERM');
  t.same(await child.exited, { code: 42, stopSignal: 'SIGTERM' });
});
