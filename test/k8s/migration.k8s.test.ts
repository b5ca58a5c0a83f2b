// ZooKeeper to KRaft on a real Kubernetes, as docs/migration.md tells a user to run it: the seed's deploy/zookeeper.yaml
// and deploy/kafka.yaml (Kafka 3.9, ZooKeeper mode), then one `kubectl apply` of deploy/ with each deploy/migration
// Component in turn (controllers, brokers, kraft-brokers, finalize, kraft on 4.2), under an acks=all producer.
// Afterwards: no acknowledged message lost, same cluster id, broker ids, topic id and committed offsets. Then, on the
// migrated cluster, deploy/README.md's scale-down that drains: 3 -> 4 brokers, then 4 -> 3 under a second producer.
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOPICS, kafkaTool } from '../fixtures/seed-scenario-k8s.ts';
import { execIn, podStatuses, waitPodsReady, type Kubectl } from '../fixtures/kube.ts';
import { waitFor } from '../harness/wait.ts';
import { clusterDns, clusterKafka, produceStream } from './kafka-stream.ts';
import { longestAckGap, skipUnlessCluster, testNamespace } from './support.ts';

const DEPLOY = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../deploy');
const BROKERS = ['kafka-0', 'kafka-1', 'kafka-2'];
const CONTROLLERS = ['kafka-controller-0', 'kafka-controller-1', 'kafka-controller-2'];
const BROKER_SELECTOR = 'app.kubernetes.io/name=kafka';
const CONTROLLER_SELECTOR = 'app.kubernetes.io/name=kafka-controller';
const PHASES = ['controllers', 'brokers', 'kraft-brokers', 'finalize', 'kraft'] as const;

// deploy/ with one migration Component, as `kubectl apply -k` would apply it; deploy/kafka-kraft.yaml's separate
// cluster (the `kraft` set) is left out: it has no part in the migration and would only load the node.
const manifestsFor = async (kube: Kubectl, phase: (typeof PHASES)[number]): Promise<string> => {
  const dir = mkdtempSync(path.join(tmpdir(), 'migration-'));
  try {
    writeFileSync(
      path.join(dir, 'kustomization.yaml'),
      `resources: [${path.relative(dir, DEPLOY)}]\ncomponents: [${path.relative(dir, path.join(DEPLOY, 'migration', phase))}]\n`,
    );
    const docs = (await kube.run(['kustomize', dir])).split(/^---\n/m);
    return docs.filter((d) => !/^ {2}name: kraft(-scale)?$/m.test(d)).join('---\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

// The whole sequence (five rolls of up to 3 pods each, then a drain) runs longer than tap's 600 s per file.
t.setTimeout(45 * 60_000);

const rollout = (kube: Kubectl, set: string) => kube.run(['rollout', 'status', `statefulset/${set}`, '--timeout=900s'], { timeoutMs: 960_000 });

t.test(
  "deploy/migration: the seed's ZooKeeper-mode Kafka moved to KRaft and 4.2 one apply per phase, under acks=all: nothing lost, same ids",
  { skip: skipUnlessCluster },
  async (t) => {
    const kube = await testNamespace(t, 'migrate');
    await kube.run(['apply', '-f', path.join(DEPLOY, 'zookeeper.yaml')]);
    await waitPodsReady(kube, 'app.kubernetes.io/name=zookeeper', ['zoo-0', 'zoo-1', 'zoo-2'], 400_000);
    await kube.run(['apply', '-f', path.join(DEPLOY, 'kafka.yaml')]);
    await waitPodsReady(kube, BROKER_SELECTOR, BROKERS, 400_000);

    await execIn(kube, 'kafka-0', 'kafka', kafkaTool(TOPICS, ['--create', '--topic', 'stream', '--partitions', '29', '--replication-factor', '2']));
    const topicId = async (): Promise<string | undefined> =>
      /TopicId:\s*(\S+)/.exec(await execIn(kube, 'kafka-0', 'kafka', kafkaTool(TOPICS, ['--describe', '--topic', 'stream'])))?.[1];
    const kafka = clusterKafka(
      await clusterDns(kube, 'kafka-0', 'kafka'),
      BROKERS.map((p) => `${p}.kafka-svc.${kube.namespace}.svc.cluster.local:9093`),
      'k8s-migration-test',
    );
    const admin = kafka.admin();
    await admin.connect();
    t.teardown(() => admin.disconnect());
    const before = { clusterId: (await admin.describeCluster()).clusterId, topicId: await topicId() };
    t.ok(before.topicId, `cluster ${before.clusterId}, topic id ${before.topicId}`);

    const stream = await produceStream(kafka, 'stream');
    t.teardown(() => stream.stop());
    await waitFor('the producer is acknowledged', () => stream.acked() >= 50 || undefined, { timeoutMs: 120_000 });
    const committed = (await admin.fetchTopicOffsets('stream')).map((p) => ({ partition: p.partition, offset: p.high }));
    await admin.setOffsets({ groupId: 'app', topic: 'stream', partitions: committed });

    const started = Date.now();
    for (const phase of PHASES) {
      const from = Date.now();
      const failedBefore = stream.failures().length;
      // The last step pins the cluster id the volumes carry (docs/migration.md, step 5).
      if (phase === 'kraft') await kube.run(['create', 'configmap', 'kafka-cluster-id', `--from-literal=id=${before.clusterId}`]);
      await kube.run(['apply', '-f', '-'], { input: await manifestsFor(kube, phase) });
      if (phase === 'controllers') {
        // Running, not Ready: a migrating controller is ready once the metadata is migrated, in the next phase.
        await waitFor(
          'the controllers running',
          async () => ((await podStatuses(kube, CONTROLLER_SELECTOR)).filter((p) => p.phase === 'Running').length === 3 ? true : undefined),
          { timeoutMs: 400_000, intervalMs: 2000 },
        );
      }
      if (phase === 'brokers' || phase === 'kraft-brokers' || phase === 'kraft') await rollout(kube, 'kafka');
      if (phase === 'brokers') await waitPodsReady(kube, CONTROLLER_SELECTOR, CONTROLLERS, 600_000);
      if (phase === 'finalize' || phase === 'kraft') await rollout(kube, 'kafka-controller');
      const to = Date.now();
      t.comment(
        `phase ${phase}: ${to - from} ms; ${stream.failures().length - failedBefore} failed sends; longest time without an acknowledgement ${longestAckGap(stream.ackTimes(), from, to)} ms`,
      );
    }
    await waitPodsReady(kube, CONTROLLER_SELECTOR, CONTROLLERS, 300_000);
    await waitPodsReady(kube, BROKER_SELECTOR, BROKERS, 300_000);
    t.comment(`the whole migration of 3 brokers, 30 partitions: ${Date.now() - started} ms`);

    const check = await stream.stopAndCheck(kafka, 120_000);
    if (check.detail) t.comment(`lost: ${check.detail}`);
    t.same(check.lost, [], `${check.acked} acknowledged messages (acks=all) through the migration, none lost (${check.failedSends} sends failed, not counted)`);
    const after = await admin.describeCluster();
    t.equal(after.clusterId, before.clusterId, 'same cluster id');
    t.same(after.brokers.map((b) => b.nodeId).sort(), [0, 1, 2], 'same broker ids');
    t.equal(await topicId(), before.topicId, 'same topic id');
    const offsets = await admin.fetchOffsets({ groupId: 'app', topics: ['stream'] });
    t.same(
      (offsets[0]?.partitions ?? []).map((p) => ({ partition: p.partition, offset: p.offset })).sort((a, b) => a.partition - b.partition),
      committed.sort((a, b) => a.partition - b.partition),
      'committed offsets kept',
    );
    for (const pod of BROKERS) {
      const log = await kube.run(['logs', pod, '-c', 'kafka']);
      t.match(log, /Kafka version: 4\.2\.2/, `${pod} runs Kafka 4.2.2`);
      t.match(
        log,
        /kafka-entrypoint\.node mode=kraft roles=broker node\.id=\d .*clusterIdSource="env CLUSTER_ID"/,
        `${pod}: a KRaft broker with the pinned id`,
      );
      t.notMatch(log, /kafka-entrypoint\.storage-formatting/, `${pod}: its volume was not formatted`);
    }

    await t.test('scale-down 4 -> 3 that drains kafka-3 (deploy/README.md), under an acks=all producer', async (t) => {
      const four = [...BROKERS, 'kafka-3'];
      await kube.run(['scale', 'statefulset/kafka', '--replicas=4']);
      await waitPodsReady(kube, BROKER_SELECTOR, four, 400_000);
      await execIn(kube, 'kafka-0', 'kafka', kafkaTool(TOPICS, ['--create', '--topic', 'orders', '--partitions', '8', '--replication-factor', '2']));
      const onBroker3 = async (): Promise<string[]> => {
        const [meta] = (await admin.fetchTopicMetadata({ topics: ['orders'] })).topics;
        return (meta?.partitions ?? []).filter((p) => p.replicas.includes(3)).map((p) => `orders-${p.partitionId}`);
      };
      const moving = await onBroker3();
      t.ok(moving.length > 0, `replicas on broker 3: ${moving.join(',')}`);
      const orders = await produceStream(kafka, 'orders');
      t.teardown(() => orders.stop());
      await kube.run(['patch', 'configmap', 'kafka-scale', '-p', '{"data":{"replicas":"3"}}']);
      await waitFor(
        'kafka-3 sees the count 3 (kubelet refreshes ConfigMap volumes)',
        async () => ((await execIn(kube, 'kafka-3', 'kafka', ['cat', '/etc/kafka-scale/replicas']).catch(() => '')).trim() === '3' ? true : undefined),
        { timeoutMs: 240_000, intervalMs: 3000 },
      );
      const logs = kube.run(['logs', '-f', 'kafka-3', '-c', 'kafka'], { timeoutMs: 400_000 }).catch((e: Error) => e.message);
      const scaled = Date.now();
      await kube.run(['scale', 'statefulset/kafka', '--replicas=3']);
      await waitFor('kafka-3 gone', async () => ((await podStatuses(kube, BROKER_SELECTOR)).some((p) => p.name === 'kafka-3') ? undefined : true), {
        timeoutMs: 400_000,
        intervalMs: 1000,
      });
      const goneMs = Date.now() - scaled;
      const drainLog = await logs;
      t.match(drainLog, /kafka-entrypoint\.drain-done outcome=drained/, 'kafka-3 drained before its JVM stopped');
      t.same(await onBroker3(), [], 'no replica left on broker 3');
      const [meta] = (await admin.fetchTopicMetadata({ topics: ['orders'] })).topics;
      t.ok(
        (meta?.partitions ?? []).every((p) => p.replicas.length === 2),
        'every partition kept 2 replicas',
      );
      const drained = await orders.stopAndCheck(kafka, 120_000);
      t.same(drained.lost, [], `${drained.acked} acknowledged messages through the drain, none lost (${drained.failedSends} sends failed)`);
      t.comment(
        `drain on the real cluster: kafka-3 gone ${goneMs} ms after kubectl scale; ${/detail="([^"]*)"/.exec(drainLog.slice(drainLog.indexOf('drain-done')))?.[1]}`,
      );
      await kube.run(['patch', 'configmap', 'kafka-scale', '--type=json', '-p', '[{"op":"remove","path":"/data/replicas"}]']);
    });
  },
);
