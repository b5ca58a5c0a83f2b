// zk-bootstrap + zk-probe + peer-finder wired as in the seed, in harness pods with real ZooKeeper 3.9.5. The dynamic
// ensemble is probed as deploy/zookeeper.yaml probes it (httpGet on zk-bootstrap run's endpoints), the static one by
// zk-probe (exec).
import t from 'tap';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { Cluster, skipUnlessRoot, waitFor, agentBundle, type Pod } from '../harness/index.ts';
import {
  zkStatefulSet,
  membersOf,
  modeOf,
  voters,
  waitMembers,
  probe,
  connect,
  create,
  getData,
  children,
  jvmPid,
  health,
  agentEnv,
  HEALTH_PORT,
  HEALTH_CHECK_TIMEOUT_MS,
} from '../fixtures/zk-pods.ts';
import { NODE } from '../harness/index.ts';
import { writeStream } from '../fixtures/zk-client.ts';
import { parseLogLine } from '../fixtures/log-lines.ts';

t.before(() => {
  for (const agent of ['zk-bootstrap', 'zk-probe', 'peer-finder']) {
    if (!existsSync(agentBundle(agent))) throw new Error(`${agentBundle(agent)} is missing: run node scripts/build.ts`);
  }
});

const rmVolume = (pod: Pod): void => {
  for (const entry of readdirSync(pod.volumeDir)) rmSync(`${pod.volumeDir}/${entry}`, { recursive: true, force: true });
};

t.test(
  'a dynamic ensemble in pods, Ready by httpGet /readyz: forms, serves its health endpoints, survives kill -9 under writes, scales 3->5->3, recovers lost volumes',
  { skip: skipUnlessRoot, timeout: 600_000 },
  async (t) => {
    const cluster = await Cluster.create(t);
    const zoo = zkStatefulSet(cluster, { replicas: 3, probes: 'http' });
    const started = Date.now();
    zoo.start();
    await zoo.waitReady(3, 120_000);
    await waitMembers(zoo, voters(3));
    t.comment(`OrderedReady, peer-finder + zk-bootstrap, httpGet probes: 3 ready voting members after ${Date.now() - started} ms`);

    await t.test('health endpoints (issue 10): /readyz, /livez and /status from the node; a stopped JVM is 503 within the check deadline', async (t) => {
      for (const pod of zoo.pods) {
        const ready = await health(pod, '/readyz');
        t.equal(ready.status, 200, `${pod.name} /readyz`);
        t.match(
          ready.body,
          new RegExp(`^ready ok: id=${pod.ordinal + 1} role=participant version=\\w+ \\(\\d+ms\\)\\n$`),
          `${pod.name}: zk-probe's ready line`,
        );
        t.match(await health(pod, '/livez'), { status: 200, body: /^live ok: imok / }, `${pod.name} /livez`);
        const status = await health(pod, '/status');
        t.equal(status.status, 200);
        t.match(
          JSON.parse(status.body),
          {
            myid: pod.ordinal + 1,
            mode: 'dynamic',
            role: 'participant',
            serverPid: await jvmPid(pod),
            committed: { servers: [{ id: 1 }, { id: 2 }, { id: 3 }] },
          },
          `${pod.name} /status`,
        );
        t.notMatch(status.body, /pods-secret|digest/i, `${pod.name}: no secret in /status`);
      }

      // The first 503 after SIGSTOP: a GET may join a check that began before the stop, hence the poll; the GET that
      // answers 503 is the bound that matters (check deadline + one round trip).
      const pod = zoo.pod(1);
      const pid = await jvmPid(pod);
      const stopAt = Date.now();
      process.kill(pid, 'SIGSTOP');
      let stopped: Awaited<ReturnType<typeof health>> | undefined;
      let sinceStop = 0;
      try {
        stopped = await waitFor(
          '/readyz 503 from the stopped JVM',
          async () => {
            const answer = await health(pod, '/readyz');
            sinceStop = Date.now() - stopAt;
            return answer.status === 503 ? answer : undefined;
          },
          { timeoutMs: 10_000, intervalMs: 10 },
        );
        await waitFor(`${pod.name} not Ready (the harness's httpGet readiness probe)`, () => !pod.ready, { timeoutMs: 10_000, intervalMs: 50 });
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      t.comment(
        `SIGSTOPped JVM: /readyz 503 ${sinceStop} ms after the stop, that GET took ${stopped.ms} ms (check deadline ${HEALTH_CHECK_TIMEOUT_MS} ms): ${stopped.body.trim()}`,
      );
      t.match(stopped.body, /^ready fail: no answer: timeout \(conf: no complete answer within \d+ms\) \(\d+ms\)\n$/, "one line: zk-probe's verdict");
      t.ok(stopped.ms < HEALTH_CHECK_TIMEOUT_MS + 500, `the 503 came within the check deadline plus a GET's round trip (${stopped.ms} ms)`);
      t.ok(sinceStop < 2 * HEALTH_CHECK_TIMEOUT_MS + 500, `and at most one check after the stop (${sinceStop} ms)`);
      await waitFor(`${pod.name} /readyz 200 again`, async () => (await health(pod, '/readyz')).status === 200, { timeoutMs: 60_000, intervalMs: 200 });
      await zoo.waitReady(3, 60_000);

      // A second zk-bootstrap run in a pod whose health port is taken: it stops before it starts anything.
      const marker = `${pod.workDir}/second-server-started`;
      const env = { ...agentEnv({ replicas: 3, probes: 'http' }), ZOO_DATA_DIR: `${pod.volumeDir}/data` };
      const second = await pod.exec([NODE, agentBundle('zk-bootstrap'), 'run', '--', 'touch', marker], { env, timeoutMs: 30_000 });
      t.equal(second.exitCode, 2, 'busy health port: exit 2');
      t.match(
        second.stderr,
        new RegExp(`^ERROR zk-bootstrap\\.failed code=HEALTH_PORT_UNAVAILABLE .* port=${HEALTH_PORT}\\n$`),
        'one line: the code and the port',
      );
      t.notOk(existsSync(marker), 'no server started');
    });

    await t.test('ls / shows [zookeeper]; a write on one member reads back on another', async (t) => {
      const zoo0 = await connect(t, [zoo.pod(0)]);
      t.same(await children(zoo0, '/'), ['zookeeper']);
      await create(zoo0, '/seed', 'written on zoo-0');
      const zoo2 = await connect(t, [zoo.pod(2)]);
      t.equal(await getData(zoo2, '/seed'), 'written on zoo-0');
      zoo0.close();
      zoo2.close();
    });

    await t.test('kill -9 each member in turn, leader included, under writes: same ids, no acked write lost, one leader at a time', async (t) => {
      const client = await connect(t, zoo.pods);
      await create(client, '/w');
      const stream = writeStream(client, '/w', 5, () => connect(t, zoo.pods));
      t.teardown(() => stream.stop()); // also when an assertion below throws: no stream left writing into later subtests
      const acked = stream.acked;
      let maxLeaders = 0;
      const watcher = (async () => {
        while (stream.running()) {
          const modes = await Promise.all(zoo.pods.map((p) => modeOf(p)));
          maxLeaders = Math.max(maxLeaders, modes.filter((m) => m === 'leader').length);
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      const modes = await Promise.all(zoo.pods.map((p) => modeOf(p)));
      const leader = modes.indexOf('leader');
      t.ok(leader >= 0, 'a leader to kill first');
      for (const ordinal of [leader, ...[0, 1, 2].filter((o) => o !== leader)]) {
        const before = acked.length;
        const killed = Date.now();
        await zoo.killPod(ordinal);
        await zoo.waitReady(3, 120_000);
        await waitMembers(zoo, voters(3));
        t.comment(`zoo-${ordinal}${ordinal === leader ? ' (leader)' : ''}: killed, recreated and a voter again in ${Date.now() - killed} ms`);
        // The ensemble takes writes again once the member is back: one more acknowledged write within 30 s.
        const back = acked.length;
        await waitFor(`a write acknowledged after zoo-${ordinal} came back`, () => acked.length > back || undefined, { timeoutMs: 30_000, intervalMs: 20 });
        t.ok(acked.length > before, `writes continue around zoo-${ordinal} (${acked.length - before} acknowledged since the kill)`);
        t.equal((await zoo.pod(ordinal).exec(['cat', '$(VOLUME)/data/myid'])).stdout.trim(), String(ordinal + 1), `zoo-${ordinal} kept its id`);
      }
      await stream.stop();
      await watcher;
      t.comment(`the write stream opened a new session ${stream.sessionsReplaced()} time(s) after its member died`);
      t.equal(maxLeaders, 1, 'never two leaders at once');
      const reader = await connect(t, [zoo.pod(1)]);
      const stored = new Set((await children(reader, '/w')).map((c) => `/w/${c}`));
      const lost = acked.filter((p) => !stored.has(p));
      t.same(lost, [], `${acked.length} acknowledged writes, none lost`);
      t.ok(acked.length > 20, `a stream of writes (${acked.length})`);
      reader.close();
      client.close();
    });

    await t.test('probes: a member that lost quorum is not ready but live; ready again with quorum', async (t) => {
      const pids = await Promise.all([zoo.pod(1), zoo.pod(2)].map((p) => jvmPid(p)));
      for (const pid of pids) process.kill(pid, 'SIGSTOP');
      try {
        await waitFor('zoo-0 to lose quorum', async () => (await probe(zoo.pod(0), 'ready')) === 1, { timeoutMs: 30_000 });
        t.equal(await probe(zoo.pod(0), 'live'), 0, 'live without quorum');
      } finally {
        for (const pid of pids) process.kill(pid, 'SIGCONT');
      }
      await waitFor('zoo-0 ready again', async () => (await probe(zoo.pod(0), 'ready')) === 0, { timeoutMs: 30_000 });
      t.equal(await probe(zoo.pod(0), 'live'), 0);
    });

    await t.test('scale 3 -> 5 -> 3: the config lists exactly the running members each time', async (t) => {
      zoo.scale(5);
      await zoo.waitReady(5, 180_000);
      await waitMembers(zoo, voters(5));
      t.equal(await membersOf(zoo.pod(4)), voters(5));
      zoo.scale(3);
      await zoo.waitReady(3, 180_000);
      await waitMembers(zoo, voters(3));
      t.equal(zoo.pods.length, 3);
    });

    await t.test('a member whose volume was lost (its id still in the config) rejoins cleanly', async (t) => {
      // Wiped under the running server (which writes nothing while idle), then killed: recreated on an empty volume.
      rmVolume(zoo.pod(2));
      await zoo.killPod(2);
      await zoo.waitReady(3, 120_000);
      await waitMembers(zoo, voters(3));
      const reader = await connect(t, [zoo.pod(2)]);
      t.equal(await getData(reader, '/seed'), 'written on zoo-0', 'the rejoined member has the data');
      reader.close();
    });

    await t.test('all pods deleted at once, then recreated: the ensemble recovers with all data', async (t) => {
      await Promise.all(zoo.pods.map((p) => zoo.deletePod(p.ordinal)));
      await zoo.waitReady(3, 180_000);
      await waitMembers(zoo, voters(3));
      const reader = await connect(t, zoo.pods);
      t.equal(await getData(reader, '/seed'), 'written on zoo-0');
      reader.close();
    });

    await t.test("zoo-0's volume lost while the others do not answer: it waits and founds nothing, then joins them", async (t) => {
      const pids = await Promise.all([zoo.pod(1), zoo.pod(2)].map((p) => jvmPid(p)));
      for (const pid of pids) process.kill(pid, 'SIGSTOP');
      let resumed = false;
      try {
        rmVolume(zoo.pod(0));
        await zoo.killPod(0);
        const waits = (): boolean =>
          (zoo.pods[0]?.logs('bootstrap') ?? '')
            .split('\n')
            .map(parseLogLine)
            .some((l) => l.event === 'zk-bootstrap.plan' && l.fields.waitingFor === 'a-serving-member');
        await waitFor('zoo-0 to say it waits for a serving member', waits, { timeoutMs: 60_000 });
        t.notOk(existsSync(`${cluster.dir}/volumes/datadir-zoo-0/data/myid`), 'no myid: nothing founded');
        t.equal(await modeOf(zoo.pod(0)), undefined, 'no server runs on zoo-0');
        for (const pid of pids) process.kill(pid, 'SIGCONT');
        resumed = true;
        await zoo.waitReady(3, 180_000);
        await waitMembers(zoo, voters(3));
        const reader = await connect(t, [zoo.pod(0)]);
        t.equal(await getData(reader, '/seed'), 'written on zoo-0', 'zoo-0 joined the existing ensemble and has its data');
        reader.close();
      } finally {
        if (!resumed) for (const pid of pids) process.kill(pid, 'SIGCONT');
      }
    });
  },
);

t.test('static mode: ready false before quorum, live true; then a 3-member ensemble', { skip: skipUnlessRoot, timeout: 300_000 }, async (t) => {
  const cluster = await Cluster.create(t);
  const zoo = zkStatefulSet(cluster, { replicas: 1, mode: 'static', policy: 'Parallel', env: { ZK_REPLICAS: '3' } });
  zoo.start();
  await waitFor('zoo-0 live', async () => zoo.pods[0]?.phase === 'Running' && (await probe(zoo.pod(0), 'live')) === 0, { timeoutMs: 60_000 });
  t.equal(await probe(zoo.pod(0), 'ready'), 1, 'one of three servers: no quorum, not ready');
  zoo.scale(3);
  await zoo.waitReady(3, 120_000);
  await waitMembers(zoo, voters(3));
  const client = await connect(t, zoo.pods);
  t.same(await children(client, '/'), ['zookeeper']);
  client.close();
});
