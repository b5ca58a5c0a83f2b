import t from 'tap';
import { Cluster, skipUnlessRoot, NODE, kafkaServerCommand, kafkaStorageCommand, staticZkEnsemble, fixture, type Pod } from './index.ts';
const apiVersionsProbe = { command: ['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/9092'], periodMs: 500, timeoutMs: 2000 };

const roundTrip = async (client: Pod, produceTo: string, consumeFrom: string, topic: string, replication: number) => {
  const r = await client.exec([NODE, fixture('kafka-roundtrip.ts'), `${produceTo}:9092`, `${consumeFrom}:9092`, topic, '3', String(replication), 'I like kafka', 'hello world'], { timeoutMs: 120_000 });
  return { consumed: r.exitCode === 0 ? (JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '[]') as string[]) : [], detail: r.stderr.slice(-2000) };
};

t.test('a single-node Kafka KRaft broker in a pod takes a produce/consume round trip with kafkajs', { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  cluster.service({ name: 'kafka', publishNotReadyAddresses: true, ports: [{ name: 'broker', port: 9092 }] });
  const kafka = cluster.statefulSet({
    name: 'kafka', serviceName: 'kafka', replicas: 1,
    initContainers: [
      { name: 'config', command: [NODE, fixture('kafka-config.ts'), 'kraft', 'kafka'] },
      { name: 'format', command: kafkaStorageCommand(['format', '--ignore-formatted', '-t', 'MkU3OEVBNTcwNTJENDM2Qk', '-c', '$(VOLUME)/server.properties']) },
    ],
    container: { name: 'kafka', command: kafkaServerCommand('kraft', '$(VOLUME)/server.properties'), readinessProbe: apiVersionsProbe },
  });
  kafka.start();
  await kafka.waitReady(1, 120_000);
  const client = await cluster.pod('client');
  const fqdn = kafka.pod(0).fqdn as string;
  const { consumed, detail } = await roundTrip(client, fqdn, fqdn, 'roundtrip', 1);
  t.same(consumed, ['I like kafka', 'hello world'].sort(), 'consumed what was produced');
  if (consumed.length === 0) t.comment(detail);
});

t.test('a Kafka 3.9 broker in ZooKeeper mode against the ensemble takes the same round trip', { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  const zoo = staticZkEnsemble(cluster);
  zoo.start();
  await zoo.waitReady(3, 90_000);
  cluster.service({ name: 'kafka', publishNotReadyAddresses: true, ports: [{ name: 'broker', port: 9092 }] });
  const zkConnect = zoo.pods.map((p) => `${p.fqdn}:2181`).join(',');
  const kafka = cluster.statefulSet({
    name: 'kafka', serviceName: 'kafka', replicas: 1,
    initContainers: [{ name: 'config', command: [NODE, fixture('kafka-config.ts'), 'zookeeper', 'kafka', zkConnect] }],
    container: { name: 'kafka', command: kafkaServerCommand('zookeeper', '$(VOLUME)/server.properties'), readinessProbe: apiVersionsProbe },
  });
  kafka.start();
  await kafka.waitReady(1, 120_000);
  const client = await cluster.pod('client');
  const fqdn = kafka.pod(0).fqdn as string;
  const { consumed, detail } = await roundTrip(client, fqdn, fqdn, 'roundtrip', 1);
  t.same(consumed, ['I like kafka', 'hello world'].sort(), 'consumed what was produced');
  if (consumed.length === 0) t.comment(detail);
});
