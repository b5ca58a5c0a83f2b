import t from 'tap';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loopbackPods, BOOTSTRAP } from './support/loopback-pods.ts';
import { run } from '../harness/process.ts';
import { agentBundle } from '../harness/servers.ts';

t.before(() => {
  if (!existsSync(BOOTSTRAP)) throw new Error(`${BOOTSTRAP} is missing: run node scripts/build.ts`);
});

t.test('three pods in order form an ensemble of three voters; leave and rejoin keep it exact', async (t) => {
  const [zoo0, zoo1, zoo2] = (await loopbackPods(t, 3)) as [Awaited<ReturnType<typeof loopbackPods>>[0], Awaited<ReturnType<typeof loopbackPods>>[0], Awaited<ReturnType<typeof loopbackPods>>[0]];
  const started = Date.now();

  const init0 = await zoo0.init([zoo0]);
  t.equal(init0.exitCode, 0, init0.stderr);
  t.equal(readFileSync(join(zoo0.volume, 'data', 'myid'), 'utf8'), '1\n');
  zoo0.start();
  await zoo0.waitMembers('1:participant');

  const init1 = await zoo1.init([zoo0, zoo1]);
  t.equal(init1.exitCode, 0, init1.stderr);
  zoo1.start();
  await zoo1.waitMembers('1:participant,2:participant');

  const init2 = await zoo2.init([zoo0, zoo1, zoo2]);
  t.equal(init2.exitCode, 0, init2.stderr);
  zoo2.start();
  await zoo0.waitMembers('1:participant,2:participant,3:participant');
  t.comment(`first server start to 3 voting members: ${Date.now() - started} ms (includes the three init runs)`);

  await t.test('leave removes the member; the last voter never removes itself', async (t) => {
    const left = await zoo2.leave();
    t.equal(left.exitCode, 0, left.stderr);
    await zoo0.waitMembers('1:participant,2:participant');
    zoo2.signal('SIGTERM');
    const exit = await zoo2.runExit;
    t.equal(exit?.exitCode, 143, 'SIGTERM reached the JVM and its exit code is passed through');
  });

  await t.test('restarted with its data after leaving, it rejoins as a voter', async (t) => {
    zoo2.start();
    await zoo0.waitMembers('1:participant,2:participant,3:participant');
  });

  await t.test('kill -9 of a member: restarted with its files, still a voter', async (t) => {
    await zoo1.kill();
    zoo1.start();
    await zoo1.waitMembers('1:participant,2:participant,3:participant');
  });
});

t.test('a member configured as observer joins as an observer and is ready as one', async (t) => {
  const [zoo0, zoo1] = (await loopbackPods(t, 2)) as [Awaited<ReturnType<typeof loopbackPods>>[0], Awaited<ReturnType<typeof loopbackPods>>[0]];
  await zoo0.init([zoo0]);
  zoo0.start();
  await zoo0.waitMembers('1:participant');
  t.equal((await zoo1.init([zoo0, zoo1], { ZK_ROLE: 'observer' })).exitCode, 0);
  zoo1.start({ ZK_ROLE: 'observer' });
  await zoo0.waitMembers('1:participant,2:observer');
  const probe = (role: string) =>
    run([process.execPath, agentBundle('zk-probe'), 'ready', `-host=${zoo1.ip}`, `-port=${zoo1.ports.client}`, `-role=${role}`], { timeoutMs: 10_000 });
  t.equal((await probe('observer')).exitCode, 0, 'ready as an observer');
  t.equal((await probe('participant')).exitCode, 1, 'not what a participant should be');
  const left = await zoo1.leave({ ZK_ROLE: 'observer' });
  t.equal(left.exitCode, 0, left.stderr);
  await zoo0.waitMembers('1:participant');
});
