// The seed scenario (shared/docs/seed-scenario.md) with our agents and images' commands, step by step, in harness
// pods: used by the main job (replay.ts, which prints it) and by seed-scenario.pods.test.ts (which asserts it).
import { readFileSync } from 'node:fs';
import { NODE, fixture, waitFor, type Cluster, type Pod } from '../harness/index.ts';
import { zkStatefulSet } from '../fixtures/zk-pods.ts';
import { entrypointCommand, kafkaEnv, overrides, healthProbe, HEALTH_PORT } from '../fixtures/pod-specs.ts';
import { SMALL_BROKER } from '../fixtures/real-kafka.ts';

export type Say = (text: string) => void;

// The seed's --override list verbatim, except its data dir (/var/lib/kafka is the pod's volume here) and its
// inter.broker.protocol.version=0.10.2-IV0, a pin from its Kafka 0.10 days that Kafka 3.9 refuses at start
// (kafka-entrypoint names it in a warning and tells to remove it).
const SEED_OVERRIDES = readFileSync(new URL('../fixtures/seed-kafka-overrides.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('inter.broker.protocol.version='))
  .map((l) => (l.startsWith('log.dir=') ? 'log.dir=$(VOLUME)' : l));

const inPod = async (pod: Pod, argv: string[]): Promise<string> => {
  const r = await pod.exec([NODE, ...argv], { timeoutMs: 120_000 });
  if (r.exitCode !== 0) throw new Error(`${pod.name}: ${argv.slice(0, 3).join(' ')} exited ${r.exitCode}: ${r.stderr.slice(-1500)}`);
  return r.stdout.trim().split('\n').at(-1) ?? '';
};

export type SeedResult = {
  zkRoot: string[];
  zkOrder: string[];
  brokerIds: number[];
  topic: Array<{ partition: number; leader: number; replicas: number[] }>;
  consumed: string[];
  brokersAfterScale: number[];
  /** broker.id from the meta.properties Kafka wrote on each pod's volume: which pod registered as which broker. */
  brokerIdByPod: Record<string, number>;
};

export const replaySeedScenario = async (cluster: Cluster, say: Say): Promise<SeedResult> => {
  say('1. ZooKeeper: StatefulSet zoo (3, OrderedReady), peer-finder -> zk-bootstrap init, zk-bootstrap run (httpGet /readyz, /livez)');
  const zoo = zkStatefulSet(cluster, { replicas: 3, probes: 'http' });
  const readyOrder: string[] = [];
  zoo.start();
  // Record the order in which pods first turn Ready while waiting for all three (OrderedReady must show 0, 1, 2).
  await waitFor(
    'zoo: 3 ready pods',
    () => {
      for (const pod of zoo.pods) if (pod.ready && !readyOrder.includes(pod.name)) readyOrder.push(pod.name);
      return readyOrder.length >= 3;
    },
    { timeoutMs: 180_000, intervalMs: 20 },
  );
  say(`   ready in this order: ${readyOrder.join(', ')}`);
  await zoo.waitReady(3, 120_000);

  say('2. zkCli ls / on zoo-0');
  const zkRoot = JSON.parse(await inPod(zoo.pod(0), [fixture('zk-ls.ts'), 'localhost:2181', '/'])) as string[];
  say(`   ${JSON.stringify(zkRoot)}`);

  say('3. Kafka: StatefulSet kafka (3) with the seed overrides through a resident kafka-entrypoint (httpGet /readyz)');
  cluster.service({ name: 'kafka-svc', publishNotReadyAddresses: true, ports: [{ name: 'server', port: 9093 }] });
  const kafka = cluster.statefulSet({
    name: 'kafka',
    serviceName: 'kafka-svc',
    replicas: 3,
    podManagementPolicy: 'OrderedReady',
    container: {
      name: 'kafka',
      env: kafkaEnv,
      // Small-machine settings last so they win over the seed's 50 offsets partitions and 8 I/O threads.
      command: entrypointCommand('zookeeper', [
        '--service=kafka-svc',
        `--health-port=${HEALTH_PORT}`,
        ...overrides(SEED_OVERRIDES),
        ...overrides(SMALL_BROKER),
        ...overrides(['offsets.topic.replication.factor=3']),
      ]),
      readinessProbe: healthProbe('/readyz'),
    },
  });
  kafka.start();
  await kafka.waitReady(3, 300_000);
  const broker = (i: number) => `${kafka.pod(i).fqdn}:9093`;
  const brokerIds = JSON.parse(await inPod(kafka.pod(0), [fixture('kafka-client.ts'), broker(0), 'brokers'])) as number[];
  say(`   registered brokers: ${JSON.stringify(brokerIds)}`);

  say('4. topic test: 3 partitions, replication factor 2');
  const topic = JSON.parse(await inPod(kafka.pod(0), [fixture('kafka-client.ts'), broker(0), 'create-topic', 'test', '3', '2']));
  say(`   ${JSON.stringify(topic)}`);

  say('5. producer on kafka-1, consumer on kafka-0');
  await inPod(kafka.pod(1), [fixture('kafka-client.ts'), broker(1), 'produce', 'test', 'I like kafka', 'hello world']);
  const consumed = JSON.parse(await inPod(kafka.pod(0), [fixture('kafka-client.ts'), broker(0), 'consume', 'test', '2'])) as string[];
  say(`   consumed: ${JSON.stringify(consumed)}`);

  say('6. scale Kafka to 4');
  kafka.scale(4);
  await kafka.waitReady(4, 300_000);
  const brokersAfterScale = JSON.parse(await inPod(kafka.pod(3), [fixture('kafka-client.ts'), broker(3), 'brokers'])) as number[];
  say(`   registered brokers: ${JSON.stringify(brokersAfterScale)}`);
  const brokerIdByPod = Object.fromEntries(
    kafka.pods.map((p) => [p.name, Number(/^broker\.id=(\d+)$/m.exec(readFileSync(`${p.volumeDir}/meta.properties`, 'utf8'))?.[1])]),
  );
  say(`   broker.id per pod: ${JSON.stringify(brokerIdByPod)}`);
  return { zkRoot, zkOrder: readyOrder, brokerIds, topic, consumed, brokersAfterScale, brokerIdByPod };
};
