// A rolling upgrade of deploy/zookeeper.yaml from ZooKeeper 3.8 to 3.9, as a user runs it: the set deployed on the
// 3.8 image, data written, then `kubectl set image` on both containers while a client keeps writing. The
// StatefulSet replaces one pod at a time (highest ordinal first), each gated by the httpGet readiness probe (serving
// and a participant); each member keeps its volume, so its myid, data and the server-written dynamic config.
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ask, children, connect, create, getData, membersOf, modeOf, voters, writeStream } from '../fixtures/zk-client.ts';
import { waitFor } from '../harness/wait.ts';
import { execIn, podStatuses, waitPodsReady, type Kubectl } from '../fixtures/kube.ts';
import { longestAckGap, skipUnlessCluster, testNamespace } from './support.ts';

const ZK = 'app.kubernetes.io/name=zookeeper';
const MANIFEST = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../deploy/zookeeper.yaml');
const PODS = ['zoo-0', 'zoo-1', 'zoo-2'];
const FROM = 'statefulset-agents/zookeeper:dev-3.8';
const TO = 'statefulset-agents/zookeeper:dev';
const DATA = Array.from({ length: 20 }, (_, i) => `/upgrade-data/${String(i).padStart(2, '0')}`);

const versions = async (kube: Kubectl): Promise<string[]> =>
  Promise.all((await podStatuses(kube, ZK)).map(async (p) => /^Zookeeper version: (\d+\.\d+\.\d+)/m.exec((await ask(p, 'srvr')) ?? '')?.[1] ?? '?'));
const myids = (kube: Kubectl): Promise<string[]> =>
  Promise.all(
    PODS.map(async (n) =>
      (await execIn(kube, n, 'zookeeper', ['node', '-p', "require('fs').readFileSync('/var/lib/zookeeper/data/myid','utf8').trim()"])).trim(),
    ),
  );

t.test(
  'deploy/zookeeper.yaml rolled from ZooKeeper 3.8 to 3.9 under writes: data, myids and the 3 voters kept, no acknowledged write lost',
  { skip: skipUnlessCluster },
  async (t) => {
    const kube = await testNamespace(t, 'zkup');
    // The manifest as shipped, only its image pinned to the 3.8 build (a user's overlay or `kubectl set image` does the same).
    await kube.run(['apply', '-f', '-'], { input: readFileSync(MANIFEST, 'utf8').replaceAll(`image: ${TO}\n`, `image: ${FROM}\n`) });
    let pods = await waitPodsReady(kube, ZK, PODS, 300_000);
    await waitFor('3 voters on 3.8', async () => (await Promise.all(pods.map((p) => membersOf(p)))).every((m) => m === voters(3)), {
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    t.same(await versions(kube), ['3.8.6', '3.8.6', '3.8.6'], 'the ensemble runs ZooKeeper 3.8.6');
    const idsBefore = await myids(kube);

    const client = await connect(t, pods, 30_000);
    await create(client, '/upgrade-data');
    for (const znode of DATA) await create(client, znode, `written on 3.8: ${znode}`);
    await create(client, '/w');
    const stream = writeStream(client, '/w', 10, async () => connect(t, await podStatuses(kube, ZK), 30_000));
    t.teardown(() => stream.stop());
    await waitFor('the write stream acknowledged', () => stream.acked.length > 10, { timeoutMs: 30_000 });

    const before = await podStatuses(kube, ZK);
    const started = Date.now();
    await kube.run(['set', 'image', 'statefulset/zoo', `bootstrap=${TO}`, `zookeeper=${TO}`]);
    await kube.run(['rollout', 'status', 'statefulset/zoo', '--timeout=600s'], { timeoutMs: 660_000 });
    pods = await waitPodsReady(kube, ZK, PODS, 300_000);
    await waitFor('3 voters on 3.9', async () => (await Promise.all(pods.map((p) => membersOf(p)))).every((m) => m === voters(3)), {
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    const rolled = Date.now();
    await waitFor('writes acknowledged after the roll', () => stream.ackTimes.some((at) => at > rolled), { timeoutMs: 60_000 });
    await stream.stop();
    t.comment(
      `roll 3.8 -> 3.9 of 3 members: ${rolled - started} ms; writes: ${stream.acked.length} acknowledged, longest time without an acknowledgement ${longestAckGap(stream.ackTimes, started, rolled)} ms, sessions replaced ${stream.sessionsReplaced()}`,
    );

    t.ok(
      (await podStatuses(kube, ZK)).every((p) => !before.some((b) => b.uid === p.uid)),
      'every pod was replaced',
    );
    t.same(await versions(kube), ['3.9.5', '3.9.5', '3.9.5'], 'every member now runs ZooKeeper 3.9.5');
    t.same(await myids(kube), idsBefore, `same myids (${idsBefore.join(',')}): each member kept its volume`);
    const modes = (await Promise.all(pods.map((p) => modeOf(p)))).sort();
    t.same(modes, ['follower', 'follower', 'leader'], 'a healthy ensemble: one leader, two followers');
    t.same(
      (await podStatuses(kube, ZK)).map((p) => p.restarts),
      [0, 0, 0],
      'no container restarted',
    );

    const reader = await connect(t, pods, 30_000);
    t.same(
      await Promise.all(DATA.map((z) => getData(reader, z))),
      DATA.map((z) => `written on 3.8: ${z}`),
      `the ${DATA.length} znodes written on 3.8 read back on 3.9`,
    );
    const stored = new Set((await children(reader, '/w')).map((c) => `/w/${c}`));
    t.same(
      stream.acked.filter((p) => !stored.has(p)),
      [],
      `${stream.acked.length} writes acknowledged during the roll, none lost`,
    );
    t.ok(stream.acked.length > 20, `a stream of writes (${stream.acked.length})`);
    client.close();
    reader.close();
  },
);
