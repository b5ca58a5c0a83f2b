// Ready-made workloads built from the test fixtures: the harness's own checks and a base for agent tests.
import { NODE, REPO_ROOT, zookeeperServerCommand } from './servers.ts';
import type { Cluster } from './cluster.ts';
import type { StatefulSet } from './statefulset.ts';

export const fixture = (name: string): string => `${REPO_ROOT}/test/fixtures/${name}`;

// A static ZooKeeper ensemble (service zk, set zoo), Parallel, ready when `srvr` shows leader or follower.
export const staticZkEnsemble = (cluster: Cluster, replicas = 3): StatefulSet => {
  cluster.service({ name: 'zk', publishNotReadyAddresses: true, ports: [{ name: 'client', port: 2181 }, { name: 'peer', port: 2888 }] });
  return cluster.statefulSet({
    name: 'zoo', serviceName: 'zk', replicas, podManagementPolicy: 'Parallel',
    initContainers: [{ name: 'config', command: [NODE, fixture('zk-static-config.ts'), String(replicas)] }],
    container: {
      name: 'zookeeper',
      command: zookeeperServerCommand('$(VOLUME)/zoo.cfg'),
      readinessProbe: { command: [NODE, fixture('four-letter-word.ts'), 'srvr', 'Mode: (leader|follower)'], periodMs: 300, timeoutMs: 2000, failureThreshold: 1 },
    },
  });
};
