// kafka-entrypoint's flags and their env fallbacks, declared once (type, typed default, bounds, help): readConfig and
// `leave` read them with one readInputs call each and --help prints them, so help shows exactly what is accepted.
import { inputs, type Options, type TextOptions } from '../common/inputs.ts';
import { KAFKA_DURATION_RANGE } from '../common/kafka-durations.ts';
import { DNS1123_LABEL_MAX, dns1123LabelProblem, dns1123SubdomainProblem } from '../common/k8s-names.ts';
import { plainTextProblem } from '../common/values.ts';
import { executableProblem } from './names.ts';
import { MAX_NODE_ID } from './server-properties.ts';
import { MIGRATION_PHASES } from './migration-plan.ts';

/** A Raft quorum past a handful of voters only slows every commit; 64 keeps the voter list a few KB. */
export const MAX_CONTROLLERS = 64;

// Nothing the entrypoint waits for takes an hour (common/kafka-durations.ts).
const duration = (name: string, help: string, fallback: number, env?: string) =>
  inputs.duration(name, { ...KAFKA_DURATION_RANGE, default: fallback, help, ...(env !== undefined && { env }) });

// A DNS-1123 label (a Service, StatefulSet or namespace name): it reaches advertised.listeners and the voter list.
// Empty is refused, never read as "unset".
const label = <O extends TextOptions>(name: string, o: O) => ({
  ...inputs.text(name, { emptyIsUnset: false, ...o }),
  accepts: 'DNS-1123 label',
  parse: (text: string) => {
    const why = plainTextProblem(text, DNS1123_LABEL_MAX) ?? dns1123LabelProblem(text);
    return why === undefined ? text : { refused: `a DNS-1123 label (this one ${why})` };
  },
});

// The data volume; log.dirs and -config-out default under it.
export const DEFAULT_DATA_DIR = '/var/lib/kafka';
export const DEFAULT_SERVER_PROPERTIES = `${DEFAULT_DATA_DIR}/server.properties`;

const path = <O extends Options<string>>(name: string, o: O) => inputs.path(name, o);

// -command-config and its old name: one file for the entrypoint's own Kafka calls (command-config.ts).
export const COMMAND_CONFIG_SPECS = {
  commandConfig: path('command-config', {
    help: "client properties file for the entrypoint's own Kafka calls (founding check, leaving the quorum, health checks) on SSL/SASL listeners, as Kafka tools' --command-config: security.protocol, sasl.mechanism (PLAIN, SCRAM-SHA-256/512), sasl.jaas.config, ssl.truststore.location (PEM), ...; secrets stay in the file",
    env: 'KAFKA_COMMAND_CONFIG',
  }),
  healthCommandConfig: path('health-command-config', { help: 'old name of -command-config, still accepted', env: 'KAFKA_HEALTH_COMMAND_CONFIG' }),
};

const hostname = inputs.text('hostname', { help: 'pod name <set>-<ordinal>; the id is ordinal + offset', env: 'HOSTNAME', defaultText: 'os.hostname()' });
const controllersFileHelp =
  "KRaft controller, dynamic quorum: file with the controller set's desired size (e.g. a ConfigMap key, changed before scaling down); the entrypoint then supervises the JVM instead of exec-ing it and, after a SIGTERM stop, leaves the quorum when this pod's ordinal >= that size";
const LEAVE_TIMEOUT_MS = 20_000;

export const SPECS = {
  override: inputs.list('override', {
    help: 'Kafka property key=value, highest precedence; repeatable, as for kafka-server-start.sh. A literal ${HOSTNAME##*-} expands to the ordinal',
  }),
  configFile: path('config-file', { help: 'mounted server.properties, lowest user layer (below KAFKA_* env and --override)' }),
  mode: inputs.oneOf('mode', ['zookeeper', 'kraft'], {
    help: 'zookeeper or kraft',
    defaultText: 'zookeeper when zookeeper.connect is set, else kraft',
    emptyIsUnset: false,
  }),
  migrationPhase: inputs.oneOf('migration-phase', MIGRATION_PHASES, {
    env: 'KAFKA_MIGRATION_PHASE',
    emptyIsUnset: false,
    help: 'ZooKeeper-to-KRaft migration (Kafka 3.9, docs/migration.md), the same on both sets: controllers (KRaft controllers join in migration mode), brokers (ZooKeeper-mode brokers register with them), kraft-brokers (brokers run as KRaft; refused until the metadata is migrated), finalize (controllers leave migration mode; refused while a broker is in ZooKeeper mode). Unset outside a migration',
  }),
  quorum: inputs.oneOf('quorum', ['static', 'dynamic'], {
    help: 'KRaft quorum: static (controller.quorum.voters) or dynamic (controller.quorum.bootstrap.servers, KIP-853)',
    defaultText: 'dynamic when only controller.quorum.bootstrap.servers is set, else static',
    emptyIsUnset: false,
  }),
  hostname,
  service: label('service', {
    help: 'headless Service of this StatefulSet; with it, advertised.listeners use the pod FQDN <pod>.<service>.<namespace>.svc.<domain>',
  }),
  namespace: label('namespace', { help: 'pod namespace', env: 'POD_NAMESPACE', default: 'default', emptyIsUnset: true }),
  // A DNS suffix; a trailing root dot is accepted and dropped.
  domain: {
    ...inputs.text('domain', { help: 'cluster domain', env: 'CLUSTER_DOMAIN', default: 'cluster.local' }),
    accepts: 'DNS-1123 subdomain',
    parse: (text: string) => {
      const why = dns1123SubdomainProblem(text.replace(/\.$/, ''));
      return why === undefined ? text.replace(/\.$/, '') : { refused: `a DNS-1123 subdomain (this one ${why})` };
    },
  },
  controllerSet: label('controller-set', { help: 'StatefulSet of the KRaft controllers', defaultText: "this pod's set when it is a controller" }),
  controllerService: label('controller-service', { help: 'headless Service of the controller set', defaultText: '-service' }),
  controllers: inputs.int('controllers', {
    min: 1,
    max: MAX_CONTROLLERS,
    help: 'controller set size: the static voters, or how many controllers controller.quorum.bootstrap.servers lists',
  }),
  brokerIdOffset: inputs.int('broker-id-offset', {
    min: 0,
    max: MAX_NODE_ID,
    default: 0,
    help: 'added to the ordinal for broker-only nodes (and ZooKeeper-mode brokers)',
  }),
  controllerIdOffset: inputs.int('controller-id-offset', {
    min: 0,
    max: MAX_NODE_ID,
    default: 0,
    help: 'added to the ordinal for controller and combined nodes',
  }),
  port: inputs.port('port', { default: 9092, help: 'broker listener port (PLAINTEXT) when listeners is not set' }),
  controllerPort: inputs.port('controller-port', { default: 9093, help: 'controller listener port (CONTROLLER) when listeners is not set' }),
  clusterId: inputs.text('cluster-id', { help: 'KRaft cluster id (22-char Kafka Uuid)', env: 'CLUSTER_ID', defaultText: 'derived from -cluster-id-seed' }),
  clusterIdFile: path('cluster-id-file', { help: 'file holding the cluster id (e.g. a mounted Secret)', env: 'CLUSTER_ID_FILE' }),
  clusterIdSeed: inputs.text('cluster-id-seed', {
    max: 253,
    help: 'stable text the cluster id is derived from when none is given',
    defaultText: '<namespace>/<controller-set>',
  }),
  rack: inputs.text('rack', { max: 255, help: 'broker.rack for broker nodes', env: 'BROKER_RACK' }),
  rackFile: path('rack-file', { help: 'file holding broker.rack (e.g. written by an init container or the downward API)', env: 'BROKER_RACK_FILE' }),
  dataDir: path('data-dir', {
    default: DEFAULT_DATA_DIR,
    help: 'the data volume mount (absolute, as every path flag); log.dirs defaults to <data-dir>/data (a subdirectory, so lost+found is no log dir)',
  }),
  configOut: path('config-out', { help: 'where the rendered server.properties is written', defaultText: '<data-dir>/server.properties' }),
  libs: path('libs', { help: 'Kafka jars directory', env: 'KAFKA_LIBS', defaultText: '$KAFKA_HOME/libs, else /opt/kafka/libs' }),
  java: {
    ...inputs.text('java', { emptyIsUnset: false, check: executableProblem, help: 'java binary', defaultText: '$JAVA_HOME/bin/java, else java on PATH' }),
    accepts: 'command or absolute path',
  },
  quorumCheckTimeout: duration(
    'quorum-check-timeout',
    'how long the first controller of an empty dynamic quorum asks the others for a leader before founding one',
    3000,
  ),
  // Checked in config.ts (scramProblems): a refusal here would echo the password.
  addScram: inputs.list('add-scram', {
    help: "KRaft: SCRAM credential written at format time, as kafka-storage.sh's --add-scram, e.g. SCRAM-SHA-256=[name=alice,password=secret]; repeatable",
  }),
  controllersFile: path('controllers-file', { help: controllersFileHelp }),
  brokersFile: path('brokers-file', {
    help: "broker: file with the broker set's desired size (e.g. a ConfigMap key, lowered before scaling down); the entrypoint then supervises the JVM and, on SIGTERM when this pod's ordinal >= that size, moves its replicas to the remaining brokers (throttled reassignment) before the JVM stops, and writes <data-dir>/drained.json",
  }),
  drainThrottle: inputs.int('drain-throttle', {
    min: 1024,
    max: 999_999_999_999,
    default: 52_428_800,
    defaultText: '52428800 (50 MiB/s)',
    help: 'replication throttle while a drain moves replicas, bytes/s per broker (leader and follower.replication.throttled.rate); removed when the drain ends',
  }),
  drainTimeout: duration(
    'drain-timeout',
    'how long a drain may wait for its reassignment before the JVM is stopped anyway (keep -drain-timeout + -stop-grace below terminationGracePeriodSeconds)',
    240_000,
  ),
  leaveTimeout: duration('leave-timeout', 'how long leaving the quorum may take after the JVM stopped (keep it inside the grace period)', LEAVE_TIMEOUT_MS),
  healthPort: inputs.port('health-port', {
    allowZero: true,
    default: 0,
    env: 'KAFKA_HEALTH_PORT',
    help: "serve /livez, /readyz (kafka-probe live and ready: 200, else 503 with the probe's line) and /status on this port, all addresses, for httpGet probes that start no process; the entrypoint then supervises the JVM instead of exec-ing it. 0: off (exec kafka-probe)",
  }),
  healthTimeout: duration(
    'health-timeout',
    "deadline of one /livez or /readyz check, as kafka-probe's -timeout; keep it below the probe's timeoutSeconds",
    2000,
    'KAFKA_HEALTH_TIMEOUT',
  ),
  ...COMMAND_CONFIG_SPECS,
  stopGrace: duration(
    'stop-grace',
    'when the JVM is supervised (-health-port, -controllers-file): how long it may take to stop after SIGTERM before it gets SIGKILL; keep it below terminationGracePeriodSeconds (less -leave-timeout on controllers that leave)',
    20_000,
    'KAFKA_STOP_GRACE',
  ),
  dryRun: inputs.bool('dry-run', { default: false, help: 'print the effective config and the plan, write nothing, start nothing' }),
  logFormat: inputs.logFormat(),
};

// `kafka-entrypoint leave`.
export const LEAVE_SPECS = {
  config: path('config', {
    default: DEFAULT_SERVER_PROPERTIES,
    help: 'the server.properties kafka-entrypoint wrote (node.id, roles, listeners, quorum, log dirs)',
  }),
  controllersFile: path('controllers-file', {
    help: "file with the controller set's desired size: leave only when this pod's ordinal >= it; without it, leave unconditionally",
  }),
  hostname,
  timeout: duration('timeout', 'how long to keep asking the quorum before giving up', LEAVE_TIMEOUT_MS),
  ...COMMAND_CONFIG_SPECS,
  logFormat: inputs.logFormat(),
};
