// ZooKeeper to KRaft without an operator (issue 11 item 1), in harness pods: a ZooKeeper, 3 Kafka 3.9 brokers in
// ZooKeeper mode with a 29-partition topic (30 with __consumer_offsets) and a committed consumer group, taken
// through the four -migration-phase steps by rolling both StatefulSets, then rolled onto Kafka 4.2, all under an
// acks=all producer. Each unsafe step is tried on the way and refused with its code, exit 2, nothing written.
import t from 'tap';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Cluster, skipUnlessRoot, staticZkEnsemble, waitFor, NODE, agentBundle, kafkaLibs, type Pod, type StatefulSetSpec } from '../harness/index.ts';
import { entrypointCommand, kafkaEnv, kafkaTool, overrides, probe, waitReadyOrExplain } from '../fixtures/pod-specs.ts';
import { clusterKafka, produceStream } from '../k8s/kafka-stream.ts';
import { failure } from '../fixtures/log-lines.ts';

const CONTROLLER_ID = 3000;
// What the deploy/ migration overlays give both sets: who the controllers are, and their id offset.
const QUORUM = [
  '--controller-set=kafka-controller',
  '--controller-service=kafka-controller',
  '--controllers=1',
  `--controller-id-offset=${CONTROLLER_ID}`,
  '--quorum=static',
];
const PARTITIONS = 29;

type Phase = 'controllers' | 'brokers' | 'kraft-brokers' | 'finalize';

// The topic's id as Kafka's own tool prints it (kafkajs does not expose topic ids).
const topicId = async (client: Pod, bootstrap: string): Promise<string | undefined> =>
  /TopicId:\s*(\S+)/.exec(
    (await kafkaTool(client, 'zookeeper', 'TopicCommand', ['--bootstrap-server', bootstrap, '--describe', '--topic', 'stream'])).stdout,
  )?.[1];

t.test('3 ZooKeeper-mode brokers -> migrated -> KRaft -> Kafka 4.2 under an acks=all producer: nothing lost, same ids', { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  const zoo = staticZkEnsemble(cluster, 1);
  zoo.start();
  await waitReadyOrExplain(t, zoo, 1, 90_000);
  const zkConnect = `${zoo.pod(0).fqdn}:2181`;
  const zkEnv = { ...kafkaEnv, KAFKA_ZOOKEEPER_CONNECT: zkConnect };
  cluster.service({ name: 'kafka', publishNotReadyAddresses: true, ports: [{ name: 'broker', port: 9092 }] });
  cluster.service({ name: 'kafka-controller', publishNotReadyAddresses: true, ports: [{ name: 'controller', port: 9093 }] });

  const brokerCommand = (version: 'zookeeper' | 'kraft') =>
    entrypointCommand(version, ['--service=kafka', ...QUORUM, ...overrides(['default.replication.factor=2'])]);
  const brokers = cluster.statefulSet({
    name: 'kafka',
    serviceName: 'kafka',
    replicas: 3,
    podManagementPolicy: 'Parallel',
    container: { name: 'kafka', env: zkEnv, command: brokerCommand('zookeeper'), readinessProbe: probe('ready'), terminationGracePeriodMs: 60_000 },
  });
  brokers.start();
  await waitReadyOrExplain(t, brokers, 3, 300_000);

  const kafka = clusterKafka(
    cluster.dnsIps[0] as string,
    brokers.pods.map((p) => `${p.fqdn}:9092`),
    'migration-test',
  );
  const admin = kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'stream', numPartitions: PARTITIONS, replicationFactor: 2 }] });
  const client = await cluster.pod('client');
  const bootstrap = `${brokers.pod(0).fqdn}:9092`;
  const idsBefore = { cluster: (await admin.describeCluster()).clusterId, topic: await topicId(client, bootstrap) };
  t.ok(idsBefore.topic, `topic id ${idsBefore.topic}, cluster id ${idsBefore.cluster}`);

  const stream = await produceStream(kafka, 'stream');
  t.teardown(() => stream.stop());
  // A committed consumer group: its offsets must survive the move (they live in __consumer_offsets, not ZooKeeper).
  await waitFor(
    () => 'the producer is acknowledged',
    () => stream.acked() >= 50 || undefined,
    { timeoutMs: 60_000 },
  );
  const committed = (await admin.fetchTopicOffsets('stream')).map((p) => ({ partition: p.partition, offset: p.high }));
  await admin.setOffsets({ groupId: 'app', topic: 'stream', partitions: committed });

  // Refused steps: the entrypoint run once in the client pod as a pod of the set would be, on a fresh volume.
  const attempt = async (hostname: string, phase: Phase, env: Record<string, string> = {}, args: string[] = []) => {
    const dataDir = path.join(cluster.dir, `attempt-${hostname}-${phase}-${Date.now()}`);
    mkdirSync(dataDir);
    const r = await client.exec(
      [NODE, agentBundle('kafka-entrypoint'), `--hostname=${hostname}`, `--data-dir=${dataDir}`, `--libs=${kafkaLibs('zookeeper')}`, ...args],
      { env: { KAFKA_MIGRATION_PHASE: phase, KAFKA_ZOOKEEPER_CONNECT: zkConnect, ...env }, timeoutMs: 30_000 },
    );
    return {
      exitCode: r.exitCode,
      code: failure(r.stderr)?.fields.code,
      message: failure(r.stderr)?.fields.message ?? r.stderr,
      written: readdirSync(dataDir),
    };
  };
  const asController = ['--service=kafka-controller', ...QUORUM];
  const controllerEnv = { KAFKA_PROCESS_ROLES: 'controller' };

  const phaseWindows: string[] = [];
  const roll = async (set: typeof brokers, what: string, change: (spec: StatefulSetSpec) => StatefulSetSpec) => {
    const from = Date.now();
    const failedBefore = stream.failures().length;
    await set.rollingUpdate(change, 300_000);
    const acks = stream.ackTimes().filter((a) => a >= from);
    let gap = 0;
    for (let i = 1; i < acks.length; i++) gap = Math.max(gap, (acks[i] as number) - (acks[i - 1] as number));
    phaseWindows.push(`${what}: ${Date.now() - from} ms, ${stream.failures().length - failedBefore} failed sends, longest gap between acks ${gap} ms`);
  };
  const withPhase =
    (phase: Phase | undefined, extra: Record<string, string> = {}) =>
    (spec: StatefulSetSpec): StatefulSetSpec => {
      const { KAFKA_MIGRATION_PHASE: _drop, ...env } = spec.container.env ?? {};
      return { ...spec, container: { ...spec.container, env: { ...env, ...(phase ? { KAFKA_MIGRATION_PHASE: phase } : {}), ...extra } } };
    };

  // Phase 1: the KRaft controllers join in migration mode (not Ready: nothing is migrated yet).
  const controllers = cluster.statefulSet({
    name: 'kafka-controller',
    serviceName: 'kafka-controller',
    replicas: 1,
    podManagementPolicy: 'Parallel',
    container: {
      name: 'kafka',
      env: { ...zkEnv, ...controllerEnv, KAFKA_MIGRATION_PHASE: 'controllers' },
      command: entrypointCommand('zookeeper', asController),
      readinessProbe: probe('ready'),
      terminationGracePeriodMs: 60_000,
    },
  });
  const started = Date.now();
  controllers.start();
  await waitFor(
    () => `the controller's migration check: ${controllers.pods[0]?.logs().slice(-1500)}`,
    () => /kafka-entrypoint\.migration-checked/.test(controllers.pods[0]?.logs() ?? '') || undefined,
    { timeoutMs: 120_000 },
  );
  t.match(controllers.pod(0).logs(), new RegExp(`clusterId=${idsBefore.cluster}`), "the controller took ZooKeeper's cluster id");

  await t.test('refused before the metadata is migrated: a KRaft broker; finalizing', async (t) => {
    const kraft = await attempt('kafka-0', 'kraft-brokers', {}, ['--service=kafka', ...QUORUM]);
    t.match(kraft, { exitCode: 2, code: 'MIGRATION_NOT_DONE', written: [] }, kraft.message);
    const fin = await attempt('kafka-controller-0', 'finalize', controllerEnv, asController);
    t.match(fin, { exitCode: 2, code: 'MIGRATION_NOT_DONE', written: [] }, fin.message);
    const mixed = await attempt('kafka-controller-0', 'controllers', { ...controllerEnv, CLUSTER_ID: 'MkU3OEVBNTcwNTJENDM2Qg' }, asController);
    t.match(mixed, { exitCode: 2, code: 'MIGRATION_CLUSTER_ID_MISMATCH', written: [] }, mixed.message);
    t.match(mixed.message, new RegExp(`CLUSTER_ID=${idsBefore.cluster}`), 'the fix names the migrated id');
  });

  // Phase 2: the brokers register with the controllers; once all have, the controller copies the metadata.
  await roll(brokers, 'brokers', withPhase('brokers'));
  await waitReadyOrExplain(t, controllers, 1, 180_000);
  t.comment(`metadata migrated ${Date.now() - started} ms after the controller started`);

  await t.test('refused while brokers run in ZooKeeper mode: finalizing', async (t) => {
    const fin = await attempt('kafka-controller-0', 'finalize', controllerEnv, asController);
    t.match(fin, { exitCode: 2, code: 'MIGRATION_ZK_BROKERS_LEFT', written: [] }, fin.message);
    t.match(fin.message, /brokers 0,1,2 still run in ZooKeeper mode/);
  });

  // Phase 3: the brokers run as KRaft brokers (same ids, same volumes).
  await roll(brokers, 'kraft-brokers', withPhase('kraft-brokers'));
  for (const pod of brokers.pods) t.match(pod.logs(), /kafka-entrypoint\.node mode=kraft roles=broker node\.id=\d/, `${pod.name} runs as a KRaft broker`);

  // Phase 4: finalize: the controllers leave migration mode (the check sees no ZooKeeper-mode broker).
  await roll(controllers, 'finalize', withPhase('finalize'));

  // Then Kafka 4.2: the phase and ZooKeeper go, the cluster id is pinned, the images (here: the jars) change.
  // Outside a migration a broker set names its role (the deploy/migration/kraft Component does the same).
  const toKraft =
    (command: string[], roles: Record<string, string> = {}) =>
    (spec: StatefulSetSpec): StatefulSetSpec => {
      const { KAFKA_MIGRATION_PHASE: _p, KAFKA_ZOOKEEPER_CONNECT: _z, ...env } = spec.container.env ?? {};
      return { ...spec, container: { ...spec.container, command, env: { ...env, ...roles, CLUSTER_ID: idsBefore.cluster } } };
    };
  await roll(controllers, 'controllers to 4.2', toKraft(entrypointCommand('kraft', asController)));
  await roll(brokers, 'brokers to 4.2', toKraft(brokerCommand('kraft'), { KAFKA_PROCESS_ROLES: 'broker' }));
  const totalMs = Date.now() - started;

  const check = await stream.stopAndCheck(kafka, 120_000);
  t.same(check.lost, [], `0 of ${check.acked} acknowledged messages lost ${check.detail}`);
  const after = await admin.describeCluster();
  t.equal(after.clusterId, idsBefore.cluster, 'same cluster id');
  t.same(after.brokers.map((b) => b.nodeId).sort(), [0, 1, 2], 'same broker ids');
  t.equal(await topicId(client, `${brokers.pod(0).fqdn}:9092`), idsBefore.topic, 'same topic id');
  const offsets = await admin.fetchOffsets({ groupId: 'app', topics: ['stream'] });
  t.same(
    (offsets[0]?.partitions ?? []).map((p) => ({ partition: p.partition, offset: p.offset })).sort((a, b) => a.partition - b.partition),
    committed.sort((a, b) => a.partition - b.partition),
    'committed offsets kept',
  );
  for (const pod of brokers.pods) t.notOk(existsSync(`${pod.volumeDir}/data/bootstrap.checkpoint`), `${pod.name}: its volume was never formatted`);
  t.comment(
    `migration of 3 brokers, ${PARTITIONS + 1} partitions: ${totalMs} ms from the controller's start to Kafka 4.2; ${check.acked} acked, ${check.failedSends} failed sends`,
  );
  for (const w of phaseWindows) t.comment(w);
});
