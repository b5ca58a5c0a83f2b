// The seed scenario on a real Kubernetes, then day-2 on the same deployment: `kubectl rollout restart` of ZooKeeper
// and of Kafka under an acks=all producer, with no acknowledged message lost.
import t from 'tap';
import { TOPICS, kafkaTool, replaySeedScenarioOnKubernetes, seedRestarts } from '../fixtures/seed-scenario-k8s.ts';
import { execIn, podStatuses, probeDurations, waitPodsReady } from '../fixtures/kube.ts';
import { clusterDns, clusterKafka, produceStream } from './kafka-stream.ts';
import { skipUnlessCluster, testNamespace } from './support.ts';

t.test('the seed scenario on a real Kubernetes, then rolling restarts of ZooKeeper and Kafka under acks=all', { skip: skipUnlessCluster }, async (t) => {
  const kube = await testNamespace(t, 'seed');
  const r = await replaySeedScenarioOnKubernetes(kube, (line) => t.comment(line));
  t.same(r.zkOrder, ['zoo-0', 'zoo-1', 'zoo-2'], 'ZooKeeper pods turned Ready in order (kubelet httpGet readiness probes on zk-bootstrap run)');
  t.ok(r.zkRoot.includes('zookeeper'), 'zkCli ls / on zoo-0 lists /zookeeper');
  t.same(r.brokerIds, [0, 1, 2], 'brokers 0..2 registered in ZooKeeper: broker.id from the ordinal');
  t.equal(r.topic.length, 3, 'topic test has 3 partitions');
  t.ok(
    r.topic.every((p) => p.replicas.length === 2),
    'each with 2 replicas',
  );
  t.same(r.consumed, ['I like kafka', 'hello world'].sort(), 'lines produced on kafka-1 arrive at the consumer on kafka-0');
  t.same(r.brokersAfterScale, [0, 1, 2, 3], 'kafka-3 joins with broker id 3');
  t.same(
    Object.values(await seedRestarts(kube)).filter((n) => n > 0),
    [],
    'no container was restarted by a probe',
  );
  // A figure, not an assertion: what one probe costs as kubelet runs it (ZooKeeper's exec through containerd,
  // Kafka's httpGet to the resident entrypoint).
  for (const [probe, d] of Object.entries(await probeDurations(kube))) t.comment(`probe as kubelet runs it: ${probe} mean ${d.meanMs} ms over ${d.count}`);

  // Day 2 on the same deployment: every member replaced, one at a time, while a producer keeps writing.
  await execIn(
    kube,
    'kafka-0',
    'kafka',
    kafkaTool(TOPICS, ['--create', '--topic', 'stream', '--partitions', '3', '--replication-factor', '3', '--config', 'min.insync.replicas=2']),
  );
  const brokers = [0, 1, 2, 3].map((i) => `kafka-${i}.kafka-svc.${kube.namespace}.svc.cluster.local:9093`);
  const kafka = clusterKafka(await clusterDns(kube, 'kafka-0', 'kafka'), brokers, 'k8s-seed-test');
  const stream = await produceStream(kafka, 'stream');
  for (const [set, selector, pods] of [
    ['zoo', 'app.kubernetes.io/name=zookeeper', ['zoo-0', 'zoo-1', 'zoo-2']],
    ['kafka', 'app.kubernetes.io/name=kafka', ['kafka-0', 'kafka-1', 'kafka-2', 'kafka-3']],
  ] as const) {
    const before = await podStatuses(kube, selector);
    const started = Date.now();
    await kube.run(['rollout', 'restart', 'statefulset', set]);
    await kube.run(['rollout', 'status', 'statefulset', set, '--timeout=900s'], { timeoutMs: 960_000 });
    await waitPodsReady(kube, selector, pods, 300_000);
    const after = await podStatuses(kube, selector);
    t.ok(
      after.every((p) => !before.some((b) => b.uid === p.uid)),
      `every ${set} pod was replaced`,
    );
    t.comment(`rollout restart of ${set}: ${Date.now() - started} ms; ${stream.acked()} messages acknowledged so far`);
  }
  const check = await stream.stopAndCheck(kafka, 120_000);
  if (check.detail) t.comment(`lost: ${check.detail}`);
  t.same(check.lost, [], `${check.acked} acknowledged messages (acks=all) across both restarts, none lost (${check.failedSends} sends failed, not counted)`);
  t.ok(check.acked > 20, `a stream of messages (${check.acked})`);
});
