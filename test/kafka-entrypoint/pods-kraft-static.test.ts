// Three combined KRaft nodes (Kafka 4.2) with a static quorum, all from kafka-entrypoint, in harness pods.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { Cluster, skipUnlessRoot, kafkaRoundTrip, SEED_LINES } from '../harness/index.ts';
import { entrypointCommand, kafkaEnv, probe } from './pod-specs.ts';

t.test('3 combined nodes with static voters: ids from ordinals, round trip, a restarted node keeps id and data, SIGTERM is clean', { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  cluster.service({ name: 'kafka', publishNotReadyAddresses: true, ports: [{ name: 'broker', port: 9092 }, { name: 'controller', port: 9093 }] });
  const kafka = cluster.statefulSet({
    name: 'kafka', serviceName: 'kafka', replicas: 3,
    // A static quorum needs a majority up before any node is ready: OrderedReady would wait forever on kafka-0.
    podManagementPolicy: 'Parallel',
    container: {
      name: 'kafka', env: kafkaEnv, terminationGracePeriodMs: 60_000,
      command: entrypointCommand('kraft', ['--service=kafka', '--controllers=3']),
      readinessProbe: probe('ready'),
    },
  });
  kafka.start();
  await kafka.waitReady(3, 240_000);
  for (const pod of kafka.pods) {
    const props = await readFile(`${pod.volumeDir}/server.properties`, 'utf8');
    t.match(props, new RegExp(`^node\\.id=${pod.ordinal}$`, 'm'), `${pod.name} has node.id ${pod.ordinal}`);
    t.match(props, new RegExp(`^advertised\\.listeners=PLAINTEXT://${pod.fqdn?.replaceAll('.', '\\.')}:9092$`, 'm'));
  }
  const client = await cluster.pod('client');
  const fqdn = (i: number) => `${kafka.pod(i).fqdn}:9092`;
  const first = await kafkaRoundTrip(client, fqdn(0), fqdn(2), 'test', 3, 2);
  t.same(first.consumed, SEED_LINES, 'produced on kafka-0, consumed on kafka-2');
  if (first.consumed.length === 0) t.comment(first.detail);

  const meta = await readFile(`${kafka.pod(1).volumeDir}/data/meta.properties`, 'utf8');
  const stopped = Date.now();
  await kafka.deletePod(1); // preStop none: SIGTERM, then the 60 s grace period
  const took = Date.now() - stopped;
  t.ok(took < 60_000, `kafka-1 shut down within the grace period (${took} ms)`);
  await kafka.waitReady(3, 180_000);
  const logs = kafka.pod(1).logs();
  t.match(logs, /storage plan=start reason="metadata log dir .* is formatted"/, 'the recreated pod was not reformatted');
  t.equal(await readFile(`${kafka.pod(1).volumeDir}/data/meta.properties`, 'utf8'), meta, 'meta.properties unchanged');
  const again = await kafkaRoundTrip(client, fqdn(1), fqdn(0), 'test', 3, 2);
  t.same(again.consumed.filter((l) => SEED_LINES.includes(l)).length >= 2, true, 'the topic still takes a round trip through the restarted node');
});
