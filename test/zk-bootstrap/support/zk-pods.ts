// The seed's ZooKeeper StatefulSet with our agents, in harness pods: peer-finder runs `zk-bootstrap init` as its
// on-start hook, the main container is `zk-bootstrap run -- java ... QuorumPeerMain`, zk-probe is the readiness and
// liveness probe, `zk-bootstrap leave` the preStop hook. Plus what the tests observe from outside.
import { type Cluster, NODE, agentBundle, zookeeperServerCommand, waitFor, type StatefulSet, type Pod } from '../../harness/index.ts';
import { membersOf } from '../../fixtures/zk-client.ts';

export { ask, modeOf, membersOf, voters, connect, create, getData, children } from '../../fixtures/zk-client.ts';

export const SECRET = 'pods-secret';
const BOOTSTRAP = agentBundle('zk-bootstrap');
const PROBE = agentBundle('zk-probe');
const PEER_FINDER = agentBundle('peer-finder');

export type ZkSetOptions = {
  readonly replicas: number;
  readonly mode?: 'dynamic' | 'static';
  readonly policy?: 'OrderedReady' | 'Parallel';
  readonly env?: Readonly<Record<string, string>>;
};

// One env for the init container, the main container and the hooks, as one ConfigMap/Secret would give them.
const agentEnv = (options: ZkSetOptions): Record<string, string> => ({
  ZOO_DATA_DIR: '$(VOLUME)/data',
  ZK_SUPER_SECRET: SECRET,
  ZK_WAIT_TIMEOUT: '120s',
  ZOO_CFG_EXTRA: 'tickTime=500',
  ...(options.mode === 'static' ? { ZK_MODE: 'static', ZK_DOMAIN: 'zk.default.svc.cluster.local' } : {}),
  ...options.env,
});

export const zkStatefulSet = (cluster: Cluster, options: ZkSetOptions): StatefulSet => {
  cluster.service({ name: 'zk', publishNotReadyAddresses: true, ports: [{ name: 'client', port: 2181 }, { name: 'peer', port: 2888 }, { name: 'leader-election', port: 3888 }] });
  const env = agentEnv(options);
  const bootstrap = options.mode === 'static'
    ? [] // static mode: `run` writes the config itself, no peer list needed
    : [{ name: 'bootstrap', command: [NODE, PEER_FINDER, `-on-start=${NODE} ${BOOTSTRAP} init`, '-service=zk'], env }];
  return cluster.statefulSet({
    name: 'zoo',
    serviceName: 'zk',
    replicas: options.replicas,
    podManagementPolicy: options.policy ?? 'OrderedReady',
    initContainers: bootstrap,
    container: {
      name: 'zookeeper',
      // A recreated pod gets a new IP: the JVM's default 30 s positive DNS cache would keep peers dialling the old
      // one (measured: ~35 s per kill -9 rejoin in these pods); 5 s is what the manifest should set too.
      command: [NODE, BOOTSTRAP, 'run', ...(options.mode === 'static' ? [`-replicas=${options.env?.ZK_REPLICAS ?? options.replicas}`] : []), '--', ...zookeeperServerCommand('$(VOLUME)/data/conf/zoo.cfg', ['-Dsun.net.inetaddr.ttl=5'])],
      env,
      readinessProbe: { command: [NODE, PROBE, 'ready'], periodMs: 300, timeoutMs: 2000, failureThreshold: 1 },
      livenessProbe: { command: [NODE, PROBE, 'live'], periodMs: 1000, timeoutMs: 2000, failureThreshold: 5 },
      preStop: { command: [NODE, BOOTSTRAP, 'leave'] }, // runs with the container's env, as kubelet runs it
      terminationGracePeriodMs: 30_000,
    },
  });
};

export const waitMembers = (set: StatefulSet, want: string, timeoutMs = 90_000): Promise<boolean> =>
  waitFor(`every pod of zoo to report members ${want}`, async () => {
    const seen = await Promise.all(set.pods.map((p) => membersOf(p)));
    return seen.length > 0 && seen.every((m) => m === want);
  }, { timeoutMs, intervalMs: 200 });

export const probe = async (pod: Pod, check: 'ready' | 'live'): Promise<number | null> => (await pod.exec([NODE, PROBE, check], { timeoutMs: 5000 })).exitCode;

/** pid of the JVM listening on 2181 in a pod (to pause it with SIGSTOP: a member that exists but does not answer). */
export const jvmPid = async (pod: Pod): Promise<number> => {
  const r = await pod.exec(['ss', '-Hltnp', 'sport = :2181']);
  const pid = /pid=(\d+)/.exec(r.stdout)?.[1];
  if (!pid) throw new Error(`no process listens on 2181 in ${pod.name}: ${r.stdout}${r.stderr}`);
  return Number(pid);
};
