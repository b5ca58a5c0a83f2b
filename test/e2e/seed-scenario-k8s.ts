// The seed scenario (shared/docs/seed-scenario.md) on a real Kubernetes: deploy/ applied as users apply it, our
// images started by a real kubelet, and every console step run with the real ZooKeeper and Kafka tools through
// `kubectl exec`, as the seed's write-up did. Used by the main job (replay.ts --kubernetes / --kubeconfig) and by
// test/k8s/seed.k8s.test.ts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../harness/wait.ts';
import { execIn, podStatuses, waitPodsReady, type Kubectl } from '../k8s/kube.ts';
import type { Say } from './seed-scenario.ts';

const DEPLOY = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../deploy');

// A tool JVM beside the server inside the same 1 GiB container: a small heap, and C1 only (these run for seconds).
const toolJava = (libs: string, main: string, args: readonly string[]): string[] => ['java', '-Xmx128m', '-XX:TieredStopAtLevel=1', '-cp', `${libs}/*`, main, ...args];
export const zkCli = (args: readonly string[]) => toolJava('/opt/zookeeper/libs', 'org.apache.zookeeper.ZooKeeperMain', ['-server', 'localhost:2181', ...args]);
/** A Kafka tool (TopicCommand, the console producer/consumer) against the pod's own listener. */
export const kafkaTool = (main: string, args: readonly string[], bootstrap = 'localhost:9093') => toolJava('/opt/kafka/libs', main, ['--bootstrap-server', bootstrap, ...args]);
export const TOPICS = 'org.apache.kafka.tools.TopicCommand';
export const CONSOLE_CONSUMER = 'org.apache.kafka.tools.consumer.ConsoleConsumer';

/** zkCli prints its own logging first; the answer to `ls` is the last line that is a bracketed list. */
const lastList = (out: string): string[] => {
  const line = out.split('\n').reverse().find((l) => /^\[.*\]$/.test(l.trim()));
  if (line === undefined) throw new Error(`no list in zkCli output: ${out.slice(-500)}`);
  return line.trim().slice(1, -1).split(',').map((s) => s.trim()).filter(Boolean);
};

export type SeedK8sResult = {
  zkOrder: string[];
  zkRoot: string[];
  brokerIds: number[];
  topic: Array<{ partition: number; leader: number; replicas: number[] }>;
  consumed: string[];
  brokersAfterScale: number[];
};

const ZK = 'app.kubernetes.io/name=zookeeper';
const KAFKA = 'app.kubernetes.io/name=kafka';

const brokerIds = async (kube: Kubectl): Promise<number[]> =>
  lastList(await execIn(kube, 'zoo-0', 'zookeeper', zkCli(['ls', '/brokers/ids']))).map(Number).sort((a, b) => a - b);

// `kafka-topics --describe` lines: "Topic: test Partition: 0 Leader: 1 Replicas: 1,2 Isr: 1,2 ...".
export const parseDescribe = (out: string): SeedK8sResult['topic'] =>
  [...out.matchAll(/Partition:\s*(\d+)\s+Leader:\s*(-?\d+)\s+Replicas:\s*([\d,]+)/g)].map((m) => ({
    partition: Number(m[1]),
    leader: Number(m[2]),
    replicas: (m[3] ?? '').split(',').map(Number),
  }));

export const replaySeedScenarioOnKubernetes = async (kube: Kubectl, say: Say): Promise<SeedK8sResult> => {
  say(`1. ZooKeeper: kubectl apply -f deploy/zookeeper.yaml (namespace ${kube.namespace})`);
  await kube.run(['apply', '-f', path.join(DEPLOY, 'zookeeper.yaml')]);
  const zk = await waitPodsReady(kube, ZK, ['zoo-0', 'zoo-1', 'zoo-2'], 300_000);
  // Kubelet stamps when each pod's Ready condition turned true: the order OrderedReady produced.
  const zkOrder = [...zk].sort((a, b) => (a.readySince ?? '').localeCompare(b.readySince ?? '')).map((p) => p.name);
  say(`   ready in this order: ${zkOrder.join(', ')}`);

  say('2. zkCli ls / on zoo-0 (kubectl exec)');
  const zkRoot = lastList(await execIn(kube, 'zoo-0', 'zookeeper', zkCli(['ls', '/'])));
  say(`   ${JSON.stringify(zkRoot)}`);

  say('3. Kafka: kubectl apply -f deploy/kafka.yaml');
  await kube.run(['apply', '-f', path.join(DEPLOY, 'kafka.yaml')]);
  await waitPodsReady(kube, KAFKA, ['kafka-0', 'kafka-1', 'kafka-2'], 400_000);
  const ids = await brokerIds(kube);
  say(`   registered brokers: ${JSON.stringify(ids)}`);

  say('4. kafka-topics --create --topic test --partitions 3 --replication-factor 2 (on kafka-0)');
  await execIn(kube, 'kafka-0', 'kafka', kafkaTool(TOPICS, ['--create', '--topic', 'test', '--partitions', '3', '--replication-factor', '2']));
  const topic = parseDescribe(await execIn(kube, 'kafka-0', 'kafka', kafkaTool(TOPICS, ['--describe', '--topic', 'test'])));
  say(`   ${JSON.stringify(topic)}`);

  say('5. console producer on kafka-1, console consumer on kafka-0');
  await execIn(kube, 'kafka-1', 'kafka', kafkaTool('kafka.tools.ConsoleProducer', ['--topic', 'test', '--producer-property', 'acks=all']), { input: 'I like kafka\nhello world\n' });
  const consumedText = await execIn(
    kube,
    'kafka-0',
    'kafka',
    kafkaTool(CONSOLE_CONSUMER, ['--topic', 'test', '--from-beginning', '--max-messages', '2', '--timeout-ms', '90000']),
    { timeoutMs: 150_000 },
  );
  const consumed = consumedText.split('\n').filter((l) => l !== '').sort();
  say(`   consumed: ${JSON.stringify(consumed)}`);

  say('6. kubectl scale statefulset kafka --replicas=4');
  await kube.run(['scale', 'statefulset', 'kafka', '--replicas=4']);
  await waitPodsReady(kube, KAFKA, ['kafka-0', 'kafka-1', 'kafka-2', 'kafka-3'], 300_000);
  const brokersAfterScale = await waitFor('broker 3 registered in ZooKeeper', async () => {
    const now = await brokerIds(kube);
    return now.includes(3) ? now : undefined;
  }, { timeoutMs: 60_000, intervalMs: 1000 });
  say(`   registered brokers: ${JSON.stringify(brokersAfterScale)}`);
  return { zkOrder, zkRoot, brokerIds: ids, topic, consumed, brokersAfterScale };
};

/** Pods of the seed with their restart counts: a probe that kills a healthy server shows up here. */
export const seedRestarts = async (kube: Kubectl): Promise<Record<string, number>> =>
  Object.fromEntries((await podStatuses(kube, 'app.kubernetes.io/name in (zookeeper,kafka)')).map((p) => [p.name, p.restarts]));
