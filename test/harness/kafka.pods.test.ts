import t from 'tap';
import {
  Cluster,
  skipUnlessRoot,
  NODE,
  kafkaServerCommand,
  kafkaStorageCommand,
  staticZkEnsemble,
  fixture,
  kafkaRoundTrip,
  SEED_LINES,
  type Container,
} from './index.ts';
// --norc: with a socket as stdin (Node's pipes) bash sources ~/.bashrc like under sshd, and a stale pyenv rehash
// lock there stalls every probe for a minute.
const apiVersionsProbe = { command: ['bash', '--norc', '-c', 'exec 3<>/dev/tcp/127.0.0.1/9092'], periodMs: 500, timeoutMs: 2000 };

type Test = { same: (found: unknown, wanted: unknown, msg: string) => unknown; comment: (...message: unknown[]) => void };

// One broker pod set up by the init containers, then the seed's round trip through it from a client pod.
const singleBrokerRoundTrip = async (t: Test, cluster: Cluster, mode: 'kraft' | 'zookeeper', initContainers: Container[]): Promise<void> => {
  cluster.service({ name: 'kafka', publishNotReadyAddresses: true, ports: [{ name: 'broker', port: 9092 }] });
  const kafka = cluster.statefulSet({
    name: 'kafka',
    serviceName: 'kafka',
    replicas: 1,
    initContainers,
    container: { name: 'kafka', command: kafkaServerCommand(mode, '$(VOLUME)/server.properties'), readinessProbe: apiVersionsProbe },
  });
  kafka.start();
  await kafka.waitReady(1, 120_000);
  const client = await cluster.pod('client');
  const broker = `${kafka.pod(0).fqdn}:9092`;
  const { consumed, detail } = await kafkaRoundTrip(client, broker, broker, 'roundtrip', 3, 1);
  t.same(consumed, SEED_LINES, 'consumed what was produced');
  if (consumed.length === 0) t.comment(detail);
};

t.test('a single-node Kafka KRaft broker in a pod takes a produce/consume round trip with kafkajs', { skip: skipUnlessRoot }, async (t) => {
  await singleBrokerRoundTrip(t, await Cluster.create(t), 'kraft', [
    { name: 'config', command: [NODE, fixture('kafka-config.ts'), 'kraft', 'kafka'] },
    { name: 'format', command: kafkaStorageCommand(['format', '--ignore-formatted', '-t', 'MkU3OEVBNTcwNTJENDM2Qk', '-c', '$(VOLUME)/server.properties']) },
  ]);
});

t.test('a Kafka 3.9 broker in ZooKeeper mode against the ensemble takes the same round trip', { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  const zoo = staticZkEnsemble(cluster);
  zoo.start();
  await zoo.waitReady(3, 90_000);
  const zkConnect = zoo.pods.map((p) => `${p.fqdn}:2181`).join(',');
  await singleBrokerRoundTrip(t, cluster, 'zookeeper', [{ name: 'config', command: [NODE, fixture('kafka-config.ts'), 'zookeeper', 'kafka', zkConnect] }]);
});
