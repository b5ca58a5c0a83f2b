// zk-bootstrap's flags and their env fallbacks, declared once (type, typed default, bounds, help): readConfig reads
// them with one readInputs call and --help prints them, so help shows exactly what is accepted.
import { inputs, type Options } from '../common/inputs.ts';
import { isHostName } from '../common/k8s-names.ts';
import { isHostAddress } from '../common/zk-4lw-parse.ts';
import { isAbsolutePath } from './zoo-values.ts';
import { MAX_MYID } from './zoo-env.ts';

// An absolute path that is also one zoo.cfg token (printable ASCII, no space, no backslash): common's path rules
// (empty refused, trailing slash dropped) and then zoo.cfg's.
const zooPath = <O extends Options<string>>(name: string, o: O) => {
  const base = inputs.path(name, o);
  const parse = (text: string) => {
    const value = base.parse(text);
    return typeof value === 'string' && !isAbsolutePath(text) ? { refused: 'an absolute path of printable ASCII without spaces or backslashes' } : value;
  };
  return { ...base, parse };
};

const HOST_NAME = "a host name (letters, digits, '-', '.'; labels of at most 63, 253 in all)";

// A name that ends up in a server line or a connect string: host name, IPv4 or [IPv6] (isHostAddress), nothing else.
const zooHost = <O extends Options<string>>(name: string, o: O) => ({
  ...inputs.host(name, o),
  parse: (text: string) => (isHostAddress(text) ? text : { refused: `${HOST_NAME}, an IPv4 address or [IPv6]` }),
});

/** The super user's name goes into `digest <user>:<password>`: no ':' and no space. */
const SUPER_USER = /^[\x21-\x39\x3b-\x7e]{1,128}$/;

const duration = (name: string, help: string, fallback: number, env: string) =>
  inputs.duration(name, { min: 1, example: '5s or 2m', default: fallback, help, env, emptyIsUnset: false });

export const SPECS = {
  mode: inputs.oneOf('mode', ['dynamic', 'static'], {
    help: 'dynamic (join/leave by reconfig, the seed) or static (every server listed, no reconfig)',
    default: 'dynamic',
    env: 'ZK_MODE',
    emptyIsUnset: false,
  }),
  role: inputs.oneOf('role', ['participant', 'observer'], {
    help: 'what this member should be: participant (votes) or observer',
    default: 'participant',
    env: 'ZK_ROLE',
    emptyIsUnset: false,
  }),
  idOffset: inputs.int('id-offset', { min: 0, max: MAX_MYID, help: 'myid = pod ordinal + this (zoo-0 -> 1)', default: 1, env: 'ZK_ID_OFFSET' }),
  dataDir: zooPath('data-dir', { help: 'ZooKeeper dataDir on the persistent volume (myid, version-2/)', default: '/data', env: 'ZOO_DATA_DIR' }),
  dataLogDir: zooPath('data-log-dir', {
    help: 'ZooKeeper dataLogDir (transaction logs); unset or empty = the data dir',
    env: 'ZOO_DATA_LOG_DIR',
    emptyIsUnset: true,
  }),
  confDir: zooPath('conf-dir', {
    help: 'where zoo.cfg and zoo.cfg.dynamic live; must be on the persistent volume because ZooKeeper rewrites them (ZOO_CONF_DIR is not read: the official image sets it to /conf, which is no volume)',
    defaultText: '<data-dir>/conf',
    env: 'ZK_CONF_DIR',
  }),
  clientPort: inputs.port('client-port', { help: 'client port', default: 2181, env: 'ZK_CLIENT_PORT' }),
  quorumPort: inputs.port('quorum-port', { help: 'follower-to-leader port', default: 2888, env: 'ZK_SERVER_PORT' }),
  electionPort: inputs.port('election-port', { help: 'leader election port', default: 3888, env: 'ZK_ELECTION_PORT' }),
  clientAddress: zooHost('client-address', { help: 'address the client port binds', default: '0.0.0.0', env: 'ZK_CLIENT_ADDRESS' }),
  address: zooHost('address', {
    help: "this member's address in its server line; default: its entry in the peer list (init), else the line init wrote, else <hostname>.<domain>",
    env: 'ZK_ADDRESS',
  }),
  // A DNS suffix, so a host name only (no IP); a trailing root dot is accepted and dropped.
  domain: {
    ...inputs.host('domain', {
      help: 'DNS suffix after a pod name (zk.default.svc.cluster.local): static mode addresses, own address fallback',
      env: 'ZK_DOMAIN',
    }),
    accepts: 'host name',
    parse: (text: string) => (isHostName(text.replace(/\.$/, '')) ? text.replace(/\.$/, '') : { refused: HOST_NAME }),
  },
  replicas: inputs.int('replicas', {
    min: 1,
    max: MAX_MYID,
    help: 'static mode: number of servers (<set>-0 .. <set>-N-1); ZOO_SERVERS lines replace it',
    env: 'ZK_REPLICAS',
  }),
  superUser: {
    ...inputs.text('super-user', {
      help: 'digest user authorised for reconfig (the server gets its superDigest from zk-bootstrap run)',
      default: 'super',
      env: 'ZK_SUPER_USER',
      emptyIsUnset: false,
    }),
    accepts: "1-128 printable ASCII, no ':'",
    parse: (text: string) => (SUPER_USER.test(text) ? text : { refused: "1-128 printable ASCII characters without ':' or spaces" }),
  },
  secretFile: zooPath('secret-file', { help: "file holding the super user's password (or env ZK_SUPER_SECRET; never a flag)", env: 'ZK_SUPER_SECRET_FILE' }),
  timeout: duration('timeout', 'deadline of each ZooKeeper call (connect, sync, read, reconfig)', 5000, 'ZK_TIMEOUT'),
  leaveSettle: duration(
    'leave-settle',
    'leave, pod 0 only: how long the config must stay unchanged before pod 0 stops as a voter while others remain',
    3000,
    'ZK_LEAVE_SETTLE',
  ),
  stopGrace: duration(
    'stop-grace',
    'run: after SIGTERM (forwarded, or a failed promotion), how long the server may take to exit before it gets SIGKILL; keep it below terminationGracePeriodSeconds',
    20_000,
    'ZK_STOP_GRACE',
  ),
  healthPort: inputs.port('health-port', {
    allowZero: true,
    help: "run: serve /livez, /readyz (zk-probe's live and ready verdicts, 200 or 503) and /status over HTTP on this port, all addresses, for kubelet's httpGet probes (no process per probe); 0 = off. Not a ZooKeeper port, nor the AdminServer's 8080 while it is on",
    default: 0,
    env: 'ZK_HEALTH_PORT',
  }),
  healthCheckTimeout: duration(
    'health-check-timeout',
    'run: deadline of one /livez or /readyz check (a four-letter word to the local server); past it the answer is 503. Keep it below the probe timeoutSeconds',
    2000,
    'ZK_HEALTH_CHECK_TIMEOUT',
  ),
  waitTimeout: duration(
    'wait-timeout',
    'how long init/run/leave keep retrying (ensemble unreachable, reconfig in progress) before exiting 1',
    600_000,
    'ZK_WAIT_TIMEOUT',
  ),
  logFormat: inputs.logFormat(),
};

// Variables of the official `zookeeper` image honoured in zoo.cfg, with that image's defaults (read by zoo-env.ts:
// env-only settings, not flags), and the env that has no flag.
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
