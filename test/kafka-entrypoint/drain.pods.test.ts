// Kafka scale-down that drains (issue 11 item 3), Kafka 4.2 KRaft in harness pods: 1 controller + 4 brokers from
// kafka-entrypoint with -brokers-file. A scale 4 -> 3 that cannot keep min.insync.replicas is refused with nothing
// moved; after the fix, kafka-3 drains under an acks=all producer: every partition keeps its replication factor on
// the remaining brokers, no acknowledged message is lost, the throttles are gone, and the drain marker is written.
// One cluster for both: five JVMs are most of the time on two cores.
import t from 'tap';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Cluster, skipUnlessRoot } from '../harness/index.ts';
import { kraftBrokers, waitReadyOrExplain } from '../fixtures/pod-specs.ts';
import { clusterKafka, produceStream } from '../k8s/kafka-stream.ts';
import type { Admin } from 'kafkajs';

const OFFSET = 100;

const replicasOf = async (admin: Admin, topic: string): Promise<Map<number, number[]>> => {
  const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  return new Map((meta?.partitions ?? []).map((p) => [p.partitionId, [...p.replicas]]));
};

t.test(
  'scale-down 4 -> 3 brokers: refused when min.insync.replicas cannot hold, then a throttled drain under an acks=all producer',
  { skip: skipUnlessRoot },
  async (t) => {
    const cluster = await Cluster.create(t);
    // What a ConfigMap key mounted into the broker pods would hold: the broker set's desired size.
    const desired = path.join(cluster.dir, 'kafka-replicas');
    writeFileSync(desired, '4\n');
    const { ctrl, brokers } = kraftBrokers(cluster, {
      brokers: 4,
      args: [`--broker-id-offset=${OFFSET}`, `--brokers-file=${desired}`, '--drain-timeout=90s'],
      overrides: ['default.replication.factor=2'],
    });
    ctrl.start();
    brokers.start();
    await waitReadyOrExplain(t, ctrl, 1, 300_000);
    await waitReadyOrExplain(t, brokers, 4, 300_000);

    const fqdns = brokers.pods.map((p) => `${p.fqdn}:9092`);
    const kafka = clusterKafka(cluster.dnsIps[0] as string, fqdns.slice(0, 3), 'drain-test');
    const admin = kafka.admin();
    await admin.connect();
    t.teardown(() => admin.disconnect());
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: 'stream', numPartitions: 8, replicationFactor: 2, configEntries: [{ name: 'min.insync.replicas', value: '1' }] },
        { topic: 'wide', numPartitions: 2, replicationFactor: 4, configEntries: [{ name: 'min.insync.replicas', value: '4' }] },
      ],
    });
    const before = await replicasOf(admin, 'stream');
    const on103 = [...before].filter(([, r]) => r.includes(OFFSET + 3)).map(([p]) => p);
    t.ok(on103.length > 0, `partitions of "stream" on broker 103: ${on103.join(',')}`);

    await t.test('refused: topic "wide" (RF 4, min.insync.replicas 4) cannot fit on 3 brokers; nothing moves, exit 2', async (t) => {
      const leaving = brokers.pod(3);
      writeFileSync(desired, '3\n');
      brokers.scale(3);
      await waitReadyOrExplain(t, brokers, 3, 180_000);
      const logs = leaving.logs();
      t.match(
        logs,
        /kafka-entrypoint\.drain-refused code=DRAIN_BELOW_MIN_ISR detail="draining broker 103 would leave wide-0 \(RF 4, min.insync.replicas 4\)/,
        'one line naming the partitions',
      );
      t.match(logs, /code=DRAIN_BELOW_MIN_ISR/);
      t.match(logs, /raise the broker count in -brokers-file back, or lower the topics' replication factor/, 'and the fix');
      t.same(await replicasOf(admin, 'stream'), before, '"stream" kept its assignment: no partial move');
      t.notOk(existsSync(`${leaving.volumeDir}/drained.json`), 'no drain marker');
      // The fix: the topic that cannot fit goes; the broker comes back with its volume (no marker: it serves).
      await admin.deleteTopics({ topics: ['wide'] });
      writeFileSync(desired, '4\n');
      brokers.scale(4);
      await waitReadyOrExplain(t, brokers, 4, 180_000);
    });

    await t.test('drained: kafka-3 moves its replicas under a throttle before its JVM stops; no acknowledged message lost', async (t) => {
      const stream = await produceStream(kafka, 'stream');
      t.teardown(() => stream.stop());
      await new Promise((r) => setTimeout(r, 3000));
      const leaving = brokers.pod(3);
      writeFileSync(desired, '3\n');
      const started = Date.now();
      brokers.scale(3);
      await waitReadyOrExplain(t, brokers, 3, 180_000);
      const podGoneMs = Date.now() - started;
      await new Promise((r) => setTimeout(r, 3000));
      const check = await stream.stopAndCheck(kafka, 60_000);
      const logs = leaving.logs();
      const done = /kafka-entrypoint\.drain-done outcome=drained detail="(\d+) replica\(s\) moved in (\d+) ms"/.exec(logs);
      t.ok(done, 'the drain completed before the JVM stopped');
      const after = await replicasOf(admin, 'stream');
      for (const [p, replicas] of after) {
        t.equal(replicas.length, 2, `stream-${p} keeps 2 replicas`);
        t.notOk(replicas.includes(OFFSET + 3), `stream-${p} is off broker 103`);
        t.equal(replicas[0] === before.get(p)?.[0] || before.get(p)?.[0] === OFFSET + 3, true, `stream-${p} keeps its preferred leader unless it was 103`);
      }
      t.same(check.lost, [], `0 of ${check.acked} acknowledged messages lost ${check.detail}`);
      // The throttles the drain set are gone: no dynamic throttle on any broker or on the topic.
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [...[0, 1, 2].map((i) => ({ type: 4, name: String(OFFSET + i) })), { type: 2, name: 'stream' }],
      });
      const throttles = configs.resources.flatMap((r) =>
        r.configEntries
          .filter((e) => /throttled/.test(e.configName) && !e.isDefault && e.configValue !== '')
          .map((e) => `${r.resourceName}:${e.configName}=${e.configValue}`),
      );
      t.same(throttles, [], 'no throttle left behind');
      const marker = JSON.parse(readFileSync(`${leaving.volumeDir}/drained.json`, 'utf8')) as { nodeId: number; moved: string[] };
      t.equal(marker.nodeId, OFFSET + 3);
      t.same(marker.moved.toSorted(), on103.map((p) => `stream-${p}`).toSorted(), 'the marker names what moved');
      const failures = stream.failures();
      const window = failures.length === 0 ? 0 : Math.max(...failures.map(([, end]) => end)) - Math.min(...failures.map(([start]) => start));
      t.comment(
        `drain: ${done?.[1]} replicas moved in ${done?.[2]} ms; pod gone ${podGoneMs} ms after scale; producer: ${check.acked} acked, ${check.failedSends} failed sends over ${window} ms`,
      );

      await t.test('scaling back up: kafka-3 on the drained volume is refused (exit 2) rather than serve stale replicas', async (t) => {
        writeFileSync(desired, '4\n');
        brokers.scale(4);
        const returned = await waitForLog(() => brokers.pods.find((p) => p.ordinal === 3), /DRAINED_BROKER_RETURNS/, 120_000);
        t.match(returned, /broker 103 was drained at .* delete the volume/);
        t.notOk(brokers.pods.find((p) => p.ordinal === 3)?.ready, 'not ready');
        brokers.scale(3);
      });
    });
  },
);

const waitForLog = async (pod: () => { logs: () => string } | undefined, pattern: RegExp, timeoutMs: number): Promise<string> => {
  const deadline = Date.now() + timeoutMs;
  let logs = '';
  while (Date.now() < deadline) {
    logs = pod()?.logs() ?? '';
    if (pattern.test(logs)) return logs;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no ${pattern} in ${logs.slice(-2000)}`);
};
