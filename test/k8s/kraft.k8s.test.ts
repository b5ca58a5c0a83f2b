// deploy/kafka-kraft.yaml (Kafka 4.x, KRaft, 3 combined nodes) on a real Kubernetes: a round trip with the real
// console tools, then `kubectl rollout restart` under an acks=all producer with no acknowledged message lost.
import t from 'tap';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSOLE_CONSUMER, TOPICS, kafkaTool, parseDescribe } from '../fixtures/seed-scenario-k8s.ts';
import { execIn, podStatuses, waitPodsReady } from '../fixtures/kube.ts';
import { clusterDns, clusterKafka, produceStream } from './kafka-stream.ts';
import { checkResidentAgents, skipUnlessCluster, testNamespace } from './support.ts';

const KRAFT = 'app.kubernetes.io/name=kraft';
const MANIFEST = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../deploy/kafka-kraft.yaml');
const PODS = ['kraft-0', 'kraft-1', 'kraft-2'];
const tool = (main: string, args: readonly string[]) => kafkaTool(main, args, 'localhost:9092');

t.test('deploy/kafka-kraft.yaml on a real cluster: round trip, then a rolling restart under acks=all loses nothing', { skip: skipUnlessCluster }, async (t) => {
  const kube = await testNamespace(t, 'kraft');
  await kube.run(['apply', '-f', MANIFEST]);
  await waitPodsReady(kube, KRAFT, PODS, 400_000);

  await execIn(
    kube,
    'kraft-0',
    'kafka',
    tool(TOPICS, ['--create', '--topic', 'test', '--partitions', '3', '--replication-factor', '3', '--config', 'min.insync.replicas=2']),
  );
  const topic = parseDescribe(await execIn(kube, 'kraft-0', 'kafka', tool(TOPICS, ['--describe', '--topic', 'test'])));
  t.same(
    topic.map((p) => p.replicas.length),
    [3, 3, 3],
    'topic test: 3 partitions, 3 replicas each',
  );
  await execIn(kube, 'kraft-1', 'kafka', tool('org.apache.kafka.tools.ConsoleProducer', ['--topic', 'test', '--producer-property', 'acks=all']), {
    input: 'I like kafka\nhello world\n',
  });
  const consumed = await execIn(
    kube,
    'kraft-0',
    'kafka',
    tool(CONSOLE_CONSUMER, ['--topic', 'test', '--from-beginning', '--max-messages', '2', '--timeout-ms', '90000']),
    { timeoutMs: 150_000 },
  );
  t.same(consumed.split('\n').filter(Boolean).sort(), ['I like kafka', 'hello world'].sort(), 'produced on kraft-1, consumed on kraft-0');
  await checkResidentAgents(t, kube, PODS, 'kafka', 'kafka');

  const kafka = clusterKafka(
    await clusterDns(kube, 'kraft-0', 'kafka'),
    PODS.map((p) => `${p}.kraft.${kube.namespace}.svc.cluster.local:9092`),
    'k8s-kraft-test',
  );
  const stream = await produceStream(kafka, 'test');
  const before = await podStatuses(kube, KRAFT);
  const started = Date.now();
  await kube.run(['rollout', 'restart', 'statefulset', 'kraft']);
  await kube.run(['rollout', 'status', 'statefulset', 'kraft', '--timeout=900s'], { timeoutMs: 960_000 });
  await waitPodsReady(kube, KRAFT, PODS, 300_000);
  const after = await podStatuses(kube, KRAFT);
  t.ok(
    after.every((p) => !before.some((b) => b.uid === p.uid)),
    'every pod was replaced',
  );
  t.comment(`rollout restart of 3 KRaft nodes: ${Date.now() - started} ms, ${stream.acked()} messages acknowledged meanwhile`);
  const r = await stream.stopAndCheck(kafka, 120_000);
  t.same(r.lost, [], `${r.acked} acknowledged messages (acks=all), none lost (${r.failedSends} sends failed and were not counted)`);
  if (r.detail) t.comment(`lost: ${r.detail}`);
  t.ok(r.acked > 20, `a stream of messages (${r.acked})`);
});
