// A rolling upgrade of deploy/kafka-kraft.yaml from Kafka 3.9 to 4.2, as a user runs it: the 3 combined KRaft nodes
// deployed on the 3.9.1 image (statefulset-agents/kafka:dev, the same kafka-entrypoint), a replicated topic with
// committed consumer offsets, then `kubectl set image` while an acks=all producer keeps writing. One pod at a time,
// gated by /readyz (registered and unfenced); kafka-entrypoint finds each volume formatted and starts it as is.
// The finalized feature levels stay 3.9's until `kafka-features upgrade`, run last (docs/upgrades.md).
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import { TOPICS, kafkaTool } from '../fixtures/seed-scenario-k8s.ts';
import { execIn, podStatuses, waitPodsReady, type Kubectl } from '../fixtures/kube.ts';
import { clusterDns, clusterKafka, produceStream } from './kafka-stream.ts';
import { longestAckGap, skipUnlessCluster, testNamespace } from './support.ts';

const KRAFT = 'app.kubernetes.io/name=kraft';
const MANIFEST = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../deploy/kafka-kraft.yaml');
const PODS = ['kraft-0', 'kraft-1', 'kraft-2'];
const FROM = 'statefulset-agents/kafka:dev';
const TO = 'statefulset-agents/kafka:dev-kraft';
const TOPIC = 'orders';
const GROUP = 'billing';
const tool = (main: string, args: readonly string[]) => kafkaTool(main, args, 'localhost:9092');
const FEATURES = 'org.apache.kafka.tools.FeatureCommand';

/** Topic ids as `kafka-topics --describe` prints them (Metadata v10+; KafkaJS's Metadata is older). */
const topicIds = async (kube: Kubectl, topics: readonly string[]): Promise<Record<string, string>> =>
  Object.fromEntries(
    await Promise.all(
      topics.map(async (topic) => {
        const out = await execIn(kube, 'kraft-0', 'kafka', tool(TOPICS, ['--describe', '--topic', topic]));
        return [topic, /TopicId:\s*(\S+)/.exec(out)?.[1] ?? `none in: ${out.slice(0, 200)}`] as const;
      }),
    ),
  );

/** Each node's meta.properties as kafka-entrypoint's format wrote it (node.id, cluster.id, directory.id). */
const metaProperties = (kube: Kubectl): Promise<string[]> =>
  Promise.all(
    PODS.map((p) =>
      execIn(kube, p, 'kafka', [
        'node',
        '-p',
        "require('fs').readFileSync('/var/lib/kafka/data/meta.properties','utf8').split('\\n').filter(l=>/^(node\\.id|cluster\\.id|directory\\.id)=/.test(l)).sort().join(' ')",
      ]).then((s) => s.trim()),
    ),
  );

const clusterFacts = async (kafka: Kafka): Promise<{ clusterId: string; nodeIds: number[]; offsets: string }> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    const [group] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    const offsets = (group?.partitions ?? [])
      .map((p) => `${p.partition}:${p.offset}`)
      .sort()
      .join(',');
    return { clusterId: cluster.clusterId, nodeIds: cluster.brokers.map((b) => b.nodeId).sort(), offsets };
  } finally {
    await admin.disconnect();
  }
};

/** A consumer group that reads `count` records and commits where it stopped, as an application would. */
const consumeAndCommit = async (kafka: Kafka, count: number): Promise<void> => {
  const consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: 15_000 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    const next = new Map<number, string>();
    let seen = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`group ${GROUP} read ${seen} of ${count} records in 120 s`)), 120_000);
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          next.set(partition, String(Number(message.offset) + 1));
          if (++seen === count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.commitOffsets([...next].map(([partition, offset]) => ({ topic: TOPIC, partition, offset })));
  } finally {
    await consumer.disconnect();
  }
};

t.test(
  'deploy/kafka-kraft.yaml rolled from Kafka 3.9 to 4.2 under acks=all: no acknowledged message lost; ids, offsets and cluster id kept',
  { skip: skipUnlessCluster },
  async (t) => {
    const kube = await testNamespace(t, 'kafkaup');
    await kube.run(['apply', '-f', '-'], { input: readFileSync(MANIFEST, 'utf8').replaceAll(`image: ${TO}\n`, `image: ${FROM}\n`) });
    await waitPodsReady(kube, KRAFT, PODS, 400_000);
    for (const pod of PODS) t.match(await kube.run(['logs', pod, '-c', 'kafka']), /Kafka version: 3\.9\.1/, `${pod} runs Kafka 3.9.1`);

    await execIn(
      kube,
      'kraft-0',
      'kafka',
      tool(TOPICS, ['--create', '--topic', TOPIC, '--partitions', '3', '--replication-factor', '3', '--config', 'min.insync.replicas=2']),
    );
    const kafka = clusterKafka(
      await clusterDns(kube, 'kraft-0', 'kafka'),
      PODS.map((p) => `${p}.kraft.${kube.namespace}.svc.cluster.local:9092`),
      'k8s-upgrade-test',
    );
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, acks: -1, messages: Array.from({ length: 30 }, (_, i) => ({ key: String(i), value: `before-${i}` })) });
    await producer.disconnect();
    await consumeAndCommit(kafka, 30);
    const before = await clusterFacts(kafka);
    t.ok(before.offsets.length > 0, `group ${GROUP} committed ${before.offsets}`);
    const idsBefore = await topicIds(kube, [TOPIC, '__consumer_offsets']);
    const metaBefore = await metaProperties(kube);
    const featuresBefore = await execIn(kube, 'kraft-0', 'kafka', tool(FEATURES, ['describe']));

    const stream = await produceStream(kafka, TOPIC);
    t.teardown(() => stream.stop());
    const pods = await podStatuses(kube, KRAFT);
    const started = Date.now();
    await kube.run(['set', 'image', 'statefulset/kraft', `kafka=${TO}`]);
    await kube.run(['rollout', 'status', 'statefulset/kraft', '--timeout=900s'], { timeoutMs: 960_000 });
    await waitPodsReady(kube, KRAFT, PODS, 300_000);
    const rolled = Date.now();
    const acksBefore = stream.acked();
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error('no acknowledgement within 60 s after the roll')), 60_000);
      const poll = setInterval(() => {
        if (stream.acked() > acksBefore) {
          clearTimeout(deadline);
          clearInterval(poll);
          resolve();
        }
      }, 100);
    });
    const failures = stream.failures().filter(([, end]) => end >= started && end <= rolled);
    const window =
      failures.length === 0
        ? 'none'
        : `${failures.length} failed sends from +${(failures[0]?.[0] ?? started) - started} ms to +${(failures.at(-1)?.[1] ?? started) - started} ms`;
    t.comment(
      `roll 3.9 -> 4.2 of 3 KRaft nodes: ${rolled - started} ms; producer: ${stream.acked()} acknowledged, failed requests: ${window}, longest time without an acknowledgement ${longestAckGap(stream.ackTimes(), started, rolled)} ms`,
    );
    const check = await stream.stopAndCheck(kafka, 120_000);
    if (check.detail) t.comment(`lost: ${check.detail}`);
    t.same(check.lost, [], `${check.acked} acknowledged messages (acks=all) through the roll, none lost (${check.failedSends} sends failed, not counted)`);
    t.ok(check.acked > 20, `a stream of messages (${check.acked})`);

    t.ok(
      (await podStatuses(kube, KRAFT)).every((p) => !pods.some((b) => b.uid === p.uid)),
      'every pod was replaced',
    );
    for (const pod of PODS) {
      const log = await kube.run(['logs', pod, '-c', 'kafka']);
      t.match(log, /Kafka version: 4\.2\.2/, `${pod} runs Kafka 4.2.2`);
      t.match(
        log,
        /kafka-entrypoint.storage-plan plan=start reason="metadata log dir \S+ is formatted"/,
        `${pod}: kafka-entrypoint started the 3.9-formatted volume as is`,
      );
      t.notMatch(log, /kafka-entrypoint.storage-formatting/, `${pod}: not formatted again`);
    }
    const after = await clusterFacts(kafka);
    t.equal(after.clusterId, before.clusterId, `same cluster id ${before.clusterId}`);
    t.same(after.nodeIds, [0, 1, 2], 'same node ids 0, 1, 2');
    t.same(before.nodeIds, [0, 1, 2], 'node ids 0, 1, 2 before the roll');
    t.equal(after.offsets, before.offsets, `group ${GROUP}'s committed offsets kept (${before.offsets})`);
    t.same(await topicIds(kube, [TOPIC, '__consumer_offsets']), idsBefore, `same topic ids (${Object.values(idsBefore).join(', ')})`);
    t.same(await metaProperties(kube), metaBefore, 'meta.properties unchanged on every volume (node.id, cluster.id, directory.id)');

    // Binaries first, features last: the roll left the finalized metadata.version at 3.9's, so rolling back to the 3.9
    // image was still possible; the feature upgrade is the point of no return.
    const mv = (text: string) => /Feature: metadata\.version\s+SupportedMinVersion: \S+\s+SupportedMaxVersion: (\S+)\s+FinalizedVersionLevel: (\S+)/.exec(text);
    t.match(mv(featuresBefore)?.[2], /^3\.9-/, `before: metadata.version ${mv(featuresBefore)?.[2]} (3.9 supports up to ${mv(featuresBefore)?.[1]})`);
    const rolledFeatures = await execIn(kube, 'kraft-0', 'kafka', tool(FEATURES, ['describe']));
    t.equal(
      mv(rolledFeatures)?.[2],
      mv(featuresBefore)?.[2],
      `after the roll: still ${mv(rolledFeatures)?.[2]} (4.2 supports up to ${mv(rolledFeatures)?.[1]})`,
    );
    const upgrade = await kube.tryRun(['exec', 'kraft-0', '-c', 'kafka', '--', ...tool(FEATURES, ['upgrade', '--metadata', '4.2'])]);
    t.equal(
      upgrade.code,
      0,
      `kafka-features upgrade --metadata 4.2: ${upgrade.stdout.trim().split('\n').at(-1) ?? ''} ${upgrade.code === 0 ? '' : upgrade.stderr.slice(-500)}`,
    );
    const finalFeatures = await execIn(kube, 'kraft-0', 'kafka', tool(FEATURES, ['describe']));
    t.match(mv(finalFeatures)?.[2], /^4\.2-/, `finalized metadata.version ${mv(finalFeatures)?.[2]}`);
    t.comment(
      finalFeatures
        .split('\n')
        .filter((l) => l.startsWith('Feature:'))
        .map((l) => l.replace(/\s+/g, ' '))
        .join(' | '),
    );
  },
);
