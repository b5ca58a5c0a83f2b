// zk-probe against real ZooKeeper servers (JVMs) on loopback: the cases without a server are in bundle.cli.test.ts.
import t from 'tap';
import { builtAgent } from '../../fixtures/agent-bundle.ts';
import { loopbackMembers, serverLine, startFirstMember } from '../../fixtures/loopback-zk.ts';

const { run: probe } = builtAgent(t, 'zk-probe', 10_000);

t.test('on a serving single-member ensemble: ready and live pass, one line each', async (t) => {
  const zk = await startFirstMember(t);
  const port = String(zk.ports.client);
  const ready = await probe(['ready', `-port=${port}`]);
  t.equal(ready.exitCode, 0, ready.stdout + ready.stderr);
  t.match(ready.stdout, /^ready ok: id=1 role=participant/);
  t.equal(ready.stdout.split('\n').length, 2, 'one line');
  const live = await probe(['live'], { ZK_CLIENT_PORT: port });
  t.equal(live.exitCode, 0);
  t.match(live.stdout, /^live ok: imok/);
  const observer = await probe(['ready', `-port=${port}`, '-role=observer']);
  t.equal(observer.exitCode, 1, 'a participant is not what an observer should be');
});

t.test('before quorum: ready fails, live passes', async (t) => {
  // Member 1 of a two-participant config whose second member never starts: it cannot elect a leader.
  const [one, two] = (await loopbackMembers(t, 2)) as [Awaited<ReturnType<typeof loopbackMembers>>[0], Awaited<ReturnType<typeof loopbackMembers>>[0]];
  one.writeConfig([serverLine(one.ports), serverLine(two.ports)]);
  one.start();
  const port = String(one.ports.client);
  const live = await (async () => {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      const r = await probe(['live', `-port=${port}`]);
      if (r.exitCode === 0) return r;
    }
    return probe(['live', `-port=${port}`]);
  })();
  t.equal(live.exitCode, 0, 'live answers without quorum');
  const ready = await probe(['ready', `-port=${port}`]);
  t.equal(ready.exitCode, 1);
  t.match(ready.stdout, /^ready fail: not serving/);
});
