import t from 'tap';
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loopbackPods, BOOTSTRAP, type LoopbackPod } from '../fixtures/loopback-pods.ts';
import { superDigest, SUPER_SECRET } from '../fixtures/loopback-zk.ts';
import { run } from '../harness/process.ts';
import { agentBundle } from '../harness/servers.ts';
import { waitFor } from '../harness/wait.ts';

t.before(() => {
  if (!existsSync(BOOTSTRAP)) throw new Error(`${BOOTSTRAP} is missing: run node scripts/build.ts`);
});

t.test('three pods in order form an ensemble of three voters; leave and rejoin keep it exact', async (t) => {
  const [zoo0, zoo1, zoo2] = (await loopbackPods(t, 3)) as [
    Awaited<ReturnType<typeof loopbackPods>>[0],
    Awaited<ReturnType<typeof loopbackPods>>[0],
    Awaited<ReturnType<typeof loopbackPods>>[0],
  ];
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

  // Members 2 and 3 became voters by a reconfig that only the super user may run, against servers zk-bootstrap run
  // started: the digest reached those JVMs. It must not have reached any command line (`ps`, /proc/<pid>/cmdline
  // are readable by every user on the node) or the log (the launcher echoes JDK_JAVA_OPTIONS on stderr).
  const digest = superDigest('super', SUPER_SECRET);
  const argFileOf = (pod: LoopbackPod): string => /"@([^"]+)"/.exec(pod.server()?.env.JDK_JAVA_OPTIONS ?? '')?.[1] ?? '';
  await t.test('the super digest works, and is in no server command line, environment or log', async (t) => {
    for (const pod of [zoo0, zoo1, zoo2]) {
      const server = pod.server();
      t.ok(server, `${pod.name}: the JVM is zk-bootstrap's child`);
      t.ok(
        server?.argv.some((a) => a.endsWith('QuorumPeerMain')),
        `${pod.name}: it is the server`,
      );
      t.notOk(
        server?.argv.some((a) => a.includes(digest) || a.includes('superDigest')),
        `${pod.name}: no digest in its argv`,
      );
      t.notMatch(JSON.stringify(server?.env ?? {}), new RegExp(`${digest.replace(/[+/=]/g, '\\$&')}|${SUPER_SECRET}`), `${pod.name}: nor in its environment`);
      t.match(argFileOf(pod), /\/zk-bootstrap-[^/]+\/jvm-options$/, `${pod.name}: JDK_JAVA_OPTIONS names the argfile`);
      t.notOk(existsSync(argFileOf(pod)), `${pod.name}: gone now the server answers (the launcher read it at start)`);
      t.notOk(readFileSync(join(pod.volume, 'run.log'), 'utf8').includes(digest), `${pod.name}: nor in the log`);
    }
  });

  await t.test('leave removes the member; the last voter never removes itself', async (t) => {
    const argFile = argFileOf(zoo2);
    const left = await zoo2.leave();
    t.equal(left.exitCode, 0, left.stderr);
    await zoo0.waitMembers('1:participant,2:participant');
    zoo2.signal('SIGTERM');
    const exit = await zoo2.runExit;
    t.equal(exit?.exitCode, 143, 'SIGTERM reached the JVM and its exit code is passed through');
    t.notOk(existsSync(argFile), 'no digest file left after the server');
  });

  await t.test('restarted with its data after leaving, it rejoins as a voter', async () => {
    zoo2.start();
    await zoo0.waitMembers('1:participant,2:participant,3:participant');
  });

  await t.test('kill -9 of a member: restarted with its files, still a voter, no digest file left in its /tmp', async (t) => {
    await zoo1.kill();
    zoo1.start();
    await zoo1.waitMembers('1:participant,2:participant,3:participant');
    const tmp = join(zoo1.volume, 'tmp');
    await waitFor(`${tmp} to hold no zk-bootstrap-* directory`, () => readdirSync(tmp).every((name) => !name.startsWith('zk-bootstrap-')) || undefined, {
      timeoutMs: 10_000,
    });
    t.pass(`${tmp}: no digest file from the killed run or the new one`);
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
