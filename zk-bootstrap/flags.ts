// zk-bootstrap's flags and the environment variables it reads, in one table that --help prints as is.
import type { FlagSpec } from '../common/flags.ts';

export const FLAGS: readonly FlagSpec[] = [
  { name: 'mode', kind: 'string', help: 'dynamic (join/leave by reconfig, the seed) or static (every server listed, no reconfig)', default: 'dynamic', env: 'ZK_MODE' },
  { name: 'role', kind: 'string', help: 'what this member should be: participant (votes) or observer', default: 'participant', env: 'ZK_ROLE' },
  { name: 'id-offset', kind: 'int', help: 'myid = pod ordinal + this (zoo-0 -> 1)', default: '1', env: 'ZK_ID_OFFSET' },
  { name: 'data-dir', kind: 'string', help: 'ZooKeeper dataDir on the persistent volume (myid, version-2/)', default: '/data', env: 'ZOO_DATA_DIR' },
  { name: 'data-log-dir', kind: 'string', help: 'ZooKeeper dataLogDir (transaction logs); empty = data dir', default: '', env: 'ZOO_DATA_LOG_DIR' },
  {
    name: 'conf-dir',
    kind: 'string',
    help: 'where zoo.cfg and zoo.cfg.dynamic live; must be on the persistent volume because ZooKeeper rewrites them (ZOO_CONF_DIR is not read: the official image sets it to /conf, which is no volume)',
    default: '<data-dir>/conf',
    env: 'ZK_CONF_DIR',
  },
  { name: 'client-port', kind: 'int', help: 'client port', default: '2181', env: 'ZK_CLIENT_PORT' },
  { name: 'quorum-port', kind: 'int', help: 'follower-to-leader port', default: '2888', env: 'ZK_SERVER_PORT' },
  { name: 'election-port', kind: 'int', help: 'leader election port', default: '3888', env: 'ZK_ELECTION_PORT' },
  { name: 'client-address', kind: 'string', help: 'address the client port binds', default: '0.0.0.0', env: 'ZK_CLIENT_ADDRESS' },
  {
    name: 'address',
    kind: 'string',
    help: "this member's address in its server line; default: its entry in the peer list (init), else the line init wrote, else <hostname>.<domain>",
    env: 'ZK_ADDRESS',
  },
  { name: 'domain', kind: 'string', help: 'DNS suffix after a pod name (zk.default.svc.cluster.local): static mode addresses, own address fallback', env: 'ZK_DOMAIN' },
  { name: 'replicas', kind: 'int', help: 'static mode: number of servers (<set>-0 .. <set>-N-1); ZOO_SERVERS lines replace it', env: 'ZK_REPLICAS' },
  { name: 'super-user', kind: 'string', help: 'digest user authorised for reconfig (the server gets its superDigest from zk-bootstrap run)', default: 'super', env: 'ZK_SUPER_USER' },
  { name: 'secret-file', kind: 'string', help: "file holding the super user's password (or env ZK_SUPER_SECRET; never a flag)", env: 'ZK_SUPER_SECRET_FILE' },
  { name: 'timeout', kind: 'duration', help: 'deadline of each ZooKeeper call (connect, sync, read, reconfig)', default: '5s', env: 'ZK_TIMEOUT' },
  {
    name: 'leave-settle',
    kind: 'duration',
    help: 'leave, pod 0 only: how long the config must stay unchanged before pod 0 stops as a voter while others remain',
    default: '3s',
    env: 'ZK_LEAVE_SETTLE',
  },
  {
    name: 'stop-grace',
    kind: 'duration',
    help: 'run: after SIGTERM (forwarded, or a failed promotion), how long the server may take to exit before it gets SIGKILL; keep it below terminationGracePeriodSeconds',
    default: '20s',
    env: 'ZK_STOP_GRACE',
  },
  {
    name: 'health-port',
    kind: 'int',
    help: "run: serve /livez, /readyz (zk-probe's live and ready verdicts, 200 or 503) and /status over HTTP on this port, all addresses, for kubelet's httpGet probes (no process per probe); 0 = off. Not a ZooKeeper port, nor the AdminServer's 8080 while it is on",
    default: '0',
    env: 'ZK_HEALTH_PORT',
  },
  {
    name: 'health-check-timeout',
    kind: 'duration',
    help: 'run: deadline of one /livez or /readyz check (a four-letter word to the local server); past it the answer is 503. Keep it below the probe timeoutSeconds',
    default: '2s',
    env: 'ZK_HEALTH_CHECK_TIMEOUT',
  },
  {
    name: 'wait-timeout',
    kind: 'duration',
    help: 'how long init/run/leave keep retrying (ensemble unreachable, reconfig in progress) before exiting 1',
    default: '10m',
    env: 'ZK_WAIT_TIMEOUT',
  },
];

// Variables of the official `zookeeper` image honoured in zoo.cfg, with that image's defaults.
export const ZOO_ENV: ReadonlyArray<readonly [string, string]> = [
  ['ZOO_TICK_TIME', 'tickTime (default 2000)'],
  ['ZOO_INIT_LIMIT', 'initLimit (default 5)'],
  ['ZOO_SYNC_LIMIT', 'syncLimit (default 2)'],
  ['ZOO_MAX_CLIENT_CNXNS', 'maxClientCnxns (default 60)'],
  ['ZOO_4LW_COMMANDS_WHITELIST', 'extra four-letter words; ruok, srvr and conf are always added (the probes need them)'],
  ['ZOO_ADMINSERVER_ENABLED', 'admin.enableServer (default true)'],
  ['ZOO_AUTOPURGE_PURGEINTERVAL', 'autopurge.purgeInterval in hours (default 0 = off)'],
  ['ZOO_AUTOPURGE_SNAPRETAINCOUNT', 'autopurge.snapRetainCount (default 3)'],
  ['ZOO_CFG_EXTRA', 'space-separated key=value lines appended to zoo.cfg (they win over the above; no server./dynamicConfigFile in dynamic mode)'],
  ['ZOO_SERVERS', 'static mode: space-separated server.N=host:quorum:election[:role][;client] entries, as in the official image'],
  ['ZK_SUPER_SECRET', "the super user's password (when no -secret-file)"],
  ['HOSTNAME', 'pod name <set>-<ordinal> (default: the system hostname)'],
];
