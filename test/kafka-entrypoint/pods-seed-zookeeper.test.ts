// The seed's acceptance steps on Kafka 3.9 in ZooKeeper mode: its own override list (broker.id=${HOSTNAME##*-}
// included, passed without a shell) through kafka-entrypoint, against a 3-member ZooKeeper ensemble.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Cluster, skipUnlessRoot, staticZkEnsemble } from '../harness/index.ts';
import { entrypointCommand, kafkaEnv, overrides, probe, roundTrip, waitReadyOrExplain, SEED_LINES } from './pod-specs.ts';
import { SMALL_BROKER } from './real-kafka.ts';

// The seed list verbatim, except the data dir (the seed's /var/lib/kafka mount is $(VOLUME) here) and its
// inter.broker.protocol.version=0.10.2-IV0, which Kafka 3.9 refuses at start ("log.message.format.version 3.0-IV1
// can only be used when inter.broker.protocol.version is set to version 0.11.0 or higher").
const SEED = readFileSync(new URL('./fixtures/seed-kafka-overrides.txt', import.meta.url), 'utf8')
  .split('\n').filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('inter.broker.protocol.version='))
  .map((l) => (l.startsWith('log.dir=') ? 'log.dir=$(VOLUME)' : l));

t.test("the seed's steps: 3 brokers from its override list, topic test (3 partitions, RF 2) round trip, scale to 4 registers broker 3", { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  const zoo = staticZkEnsemble(cluster);
  zoo.start();
  await zoo.waitReady(3, 120_000);
  cluster.service({ name: 'kafka-svc', publishNotReadyAddresses: true, ports: [{ name: 'server', port: 9093 }] });
  const kafka = cluster.statefulSet({
    name: 'kafka', serviceName: 'kafka-svc', replicas: 3, podManagementPolicy: 'OrderedReady',
    container: {
      name: 'kafka', env: kafkaEnv,
      // Small-machine settings go last so they win over the seed's 50 offsets partitions and 8 I/O threads.
      command: entrypointCommand('zookeeper', ['--service=kafka-svc', ...overrides(SEED), ...overrides(SMALL_BROKER), ...overrides(['offsets.topic.replication.factor=3'])]),
      readinessProbe: probe('ready'),
    },
  });
  kafka.start();
  await waitReadyOrExplain(t, kafka, 3, 300_000);
  for (const pod of kafka.pods) t.match(await readFile(`${pod.volumeDir}/server.properties`, 'utf8'), new RegExp(`^broker\\.id=${pod.ordinal}$`, 'm'), `${pod.name} is broker ${pod.ordinal}`);
  const client = await cluster.pod('client');
  const fqdn = (i: number) => `${kafka.pod(i).fqdn}:9093`;
  const rt = await roundTrip(client, fqdn(1), fqdn(0), 'test', 3, 2);
  t.same(rt.consumed, SEED_LINES, 'produced through kafka-1, consumed through kafka-0');
  if (rt.consumed.length === 0) t.comment(rt.detail);

  kafka.scale(4);
  await waitReadyOrExplain(t, kafka, 4, 300_000);
  t.match(await readFile(`${kafka.pod(3).volumeDir}/server.properties`, 'utf8'), /^broker\.id=3$/m);
  t.match(await readFile(`${kafka.pod(3).volumeDir}/meta.properties`, 'utf8'), /^broker\.id=3$/m, 'kafka-3 registered and wrote its meta.properties');
});
