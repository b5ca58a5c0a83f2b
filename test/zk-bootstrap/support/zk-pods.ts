// The seed's ZooKeeper StatefulSet with our agents, in harness pods: peer-finder runs `zk-bootstrap init` as its
// on-start hook, the main container is `zk-bootstrap run -- java ... QuorumPeerMain`, the probes are zk-probe (exec)
// or zk-bootstrap run's /readyz and /livez (httpGet, as deploy/zookeeper.yaml), `zk-bootstrap leave` the preStop
// hook. Plus what the tests observe from outside.
import { type Cluster, NODE, agentBundle, zookeeperServerCommand, waitFor, httpGet, type StatefulSet, type Pod, type HttpAnswer } from '../../harness/index.ts';
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
  /** exec: zk-probe ready/live (the default); http: GET /readyz and /livez on HEALTH_PORT from the node. */
  readonly probes?: 'exec' | 'http';
};

/** zk-bootstrap run's health port in these pods (8080 is ZooKeeper's AdminServer, on by default). */
export const HEALTH_PORT = 8081;
/** Its check deadline here, below the probes' 2 s timeout. */
export const HEALTH_CHECK_TIMEOUT_MS = 1000;

// One env for the init container, the main container and the hooks, as one ConfigMap/Secret would give them.
export const agentEnv = (options: ZkSetOptions): Record<string, string> => ({
  ZOO_DATA_DIR: '$(VOLUME)/data',
  ZK_SUPER_SECRET: SECRET,
  ZK_WAIT_TIMEOUT: '120s',
  ZOO_CFG_EXTRA: 'tickTime=500',
  ...(options.mode === 'static' ? { ZK_MODE: 'static', ZK_DOMAIN: 'zk.default.svc.cluster.local' } : {}),
  ...(options.probes === 'http' ? { ZK_HEALTH_PORT: String(HEALTH_PORT), ZK_HEALTH_CHECK_TIMEOUT: `${HEALTH_CHECK_TIMEOUT_MS}ms` } : {}),
  ...options.env,
});

const probeAction = (options: ZkSetOptions, check: 'ready' | 'live') =>
  options.probes === 'http' ? { httpGet: { port: HEALTH_PORT, path: check === 'ready' ? '/readyz' : '/livez' } } : { command: [NODE, PROBE, check] };

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
      readinessProbe: { ...probeAction(options, 'ready'), periodMs: 300, timeoutMs: 2000, failureThreshold: 1 },
      livenessProbe: { ...probeAction(options, 'live'), periodMs: 1000, timeoutMs: 2000, failureThreshold: 5 },
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

/** What kubelet's httpGet probe gets from zk-bootstrap run's endpoint in a pod: status, body, and how long it took. */
export const health = async (pod: Pod, path: '/readyz' | '/livez' | '/status'): Promise<HttpAnswer & { ms: number }> => {
  const started = Date.now();
  const answer = await httpGet(`http://${pod.ip}:${HEALTH_PORT}${path}`, 5000);
  return { ...answer, ms: Date.now() - started };
};

export const probe = async (pod: Pod, check: 'ready' | 'live'): Promise<number | null> => (await pod.exec([NODE, PROBE, check], { timeoutMs: 5000 })).exitCode;

/** pid of the JVM listening on 2181 in a pod (to pause it with SIGSTOP: a member that exists but does not answer). */
export const jvmPid = async (pod: Pod): Promise<number> => {
  const r = await pod.exec(['ss', '-Hltnp', 'sport = :2181']);
  const pid = /pid=(\d+)/.exec(r.stdout)?.[1];
  if (!pid) throw new Error(`no process listens on 2181 in ${pod.name}: ${r.stdout}${r.stderr}`);
  return Number(pid);
};
