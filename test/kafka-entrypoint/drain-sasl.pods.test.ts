// The scale-down drain on brokers whose only listener is SASL_PLAINTEXT (PLAIN), Kafka 4.2 KRaft in harness pods:
// the drain's admin client speaks to it with the credentials of -command-config, as the founding check, `leave` and
// the health checks do. kafka-2 of 3 brokers moves its replicas under an acks=all producer; nothing is lost.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Cluster, skipUnlessRoot, waitFor } from '../harness/index.ts';
import { kraftBrokers, waitReadyOrExplain } from '../fixtures/pod-specs.ts';
import { clusterKafka, produceStream } from '../k8s/kafka-stream.ts';

const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule required';
const SASL_BROKER = [
  'listeners=SASL_PLAINTEXT://:9092',
  'listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
  'inter.broker.listener.name=SASL_PLAINTEXT',
  'sasl.enabled.mechanisms=PLAIN',
  'sasl.mechanism.inter.broker.protocol=PLAIN',
  `listener.name.sasl_plaintext.plain.sasl.jaas.config=${PLAIN} username="admin" password="admin-secret" user_admin="admin-secret" user_entrypoint="entry-secret";`,
  'default.replication.factor=2',
];

t.test('a drain through a SASL_PLAINTEXT broker listener with -command-config: replicas moved, nothing lost', { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  const desired = path.join(cluster.dir, 'kafka-replicas');
  writeFileSync(desired, '3\n');
  const client = path.join(cluster.dir, 'client.properties');
  writeFileSync(client, `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=${PLAIN} username="entrypoint" password="entry-secret";\n`);
  const { ctrl, brokers } = kraftBrokers(cluster, {
    brokers: 3,
    args: ['--broker-id-offset=100', `--brokers-file=${desired}`, `--command-config=${client}`, '--drain-timeout=90s'],
    overrides: SASL_BROKER,
    probeArgs: [`--command-config=${client}`],
  });
  ctrl.start();
  brokers.start();
  await waitReadyOrExplain(t, ctrl, 1, 300_000);
  await waitReadyOrExplain(t, brokers, 3, 300_000);

  const kafka = clusterKafka(
    cluster.dnsIps[0] as string,
    brokers.pods.slice(0, 2).map((p) => `${p.fqdn}:9092`),
    'drain-sasl-test',
    { mechanism: 'plain', username: 'admin', password: 'admin-secret' },
  );
  const admin = kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'stream', numPartitions: 6, replicationFactor: 2 }] });
  const on102 = async (): Promise<number[]> =>
    ((await admin.fetchTopicMetadata({ topics: ['stream'] })).topics[0]?.partitions ?? []).filter((p) => p.replicas.includes(102)).map((p) => p.partitionId);
  t.ok((await on102()).length > 0, 'broker 102 holds replicas');

  const stream = await produceStream(kafka, 'stream');
  t.teardown(() => stream.stop());
  await waitFor('the producer is acknowledged', () => stream.acked() >= 30 || undefined, { timeoutMs: 60_000 });
  const leaving = brokers.pod(2);
  writeFileSync(desired, '2\n');
  brokers.scale(2);
  await waitReadyOrExplain(t, brokers, 2, 180_000);
  const logs = leaving.logs();
  const done = /kafka-entrypoint\.drain-done outcome=drained detail="(\d+) replica\(s\) moved in (\d+) ms"/.exec(logs);
  t.ok(
    done,
    `the drain spoke SASL and completed: ${
      done?.[0] ??
      logs
        .split('\n')
        .filter((l) => l.includes('drain'))
        .join('\n')
    }`,
  );
  t.same(await on102(), [], 'no replica left on broker 102');
  const check = await stream.stopAndCheck(kafka, 60_000);
  t.same(check.lost, [], `0 of ${check.acked} acknowledged messages lost ${check.detail}`);
});
