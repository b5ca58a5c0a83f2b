// Ready-made workloads built from the test fixtures: the harness's own checks and a base for agent tests.
import { NODE, REPO_ROOT, zookeeperServerCommand } from './servers.ts';
import type { Cluster } from './cluster.ts';
import type { StatefulSet } from './statefulset.ts';
import type { Pod } from './pod.ts';

export const fixture = (name: string): string => `${REPO_ROOT}/test/fixtures/${name}`;

// A static ZooKeeper ensemble (service zk, set zoo), Parallel, ready when `srvr` shows leader or follower.
export const staticZkEnsemble = (cluster: Cluster, replicas = 3): StatefulSet => {
  cluster.service({
    name: 'zk',
    publishNotReadyAddresses: true,
    ports: [
      { name: 'client', port: 2181 },
      { name: 'peer', port: 2888 },
    ],
  });
  return cluster.statefulSet({
    name: 'zoo',
    serviceName: 'zk',
    replicas,
    podManagementPolicy: 'Parallel',
    initContainers: [{ name: 'config', command: [NODE, fixture('zk-static-config.ts'), String(replicas)] }],
    container: {
      name: 'zookeeper',
      command: zookeeperServerCommand('$(VOLUME)/zoo.cfg'),
      readinessProbe: {
        command: [NODE, fixture('four-letter-word.ts'), 'srvr', 'Mode: (leader|follower|standalone)'],
        periodMs: 300,
        timeoutMs: 2000,
        failureThreshold: 1,
      },
    },
  });
};

export const SEED_LINES: readonly string[] = ['I like kafka', 'hello world'];

// The seed's console steps with kafkajs (test/fixtures/kafka-client.ts) in a client pod: create the topic and produce
// the seed's lines through one broker, consume them through another. The consumed lines sorted, or [] and why.
export const kafkaRoundTrip = async (
  client: Pod,
  produceTo: string,
  consumeFrom: string,
  topic: string,
  partitions: number,
  replication: number,
): Promise<{ consumed: string[]; detail: string }> => {
  const step = async (broker: string, args: readonly string[]): Promise<string> => {
    const r = await client.exec([NODE, fixture('kafka-client.ts'), broker, ...args], { timeoutMs: 120_000 });
    if (r.exitCode !== 0) throw new Error(`kafka-client ${broker} ${args[0]} exited ${r.exitCode}: ${r.stderr.slice(-1500)}`);
    return r.stdout.trim().split('\n').at(-1) ?? '';
  };
  try {
    await step(produceTo, ['create-topic', topic, String(partitions), String(replication)]);
    await step(produceTo, ['produce', topic, ...SEED_LINES]);
    return { consumed: JSON.parse(await step(consumeFrom, ['consume', topic, String(SEED_LINES.length)])) as string[], detail: '' };
  } catch (error) {
    return { consumed: [], detail: (error as Error).message };
  }
};
