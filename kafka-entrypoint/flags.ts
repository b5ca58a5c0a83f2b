// The flags kafka-entrypoint accepts, with their env fallbacks; --help prints exactly these.
import type { FlagSpec } from '../common/flags.ts';

export const FLAGS: readonly FlagSpec[] = [
  { name: 'override', kind: 'list', help: 'Kafka property key=value, highest precedence; repeatable, as for kafka-server-start.sh. A literal ${HOSTNAME##*-} expands to the ordinal' },
  { name: 'config-file', kind: 'string', help: 'mounted server.properties, lowest user layer (below KAFKA_* env and --override)' },
  { name: 'mode', kind: 'string', help: 'zookeeper or kraft', default: 'zookeeper when zookeeper.connect is set, else kraft' },
  { name: 'quorum', kind: 'string', help: 'KRaft quorum: static (controller.quorum.voters) or dynamic (controller.quorum.bootstrap.servers, KIP-853)', default: 'dynamic when only controller.quorum.bootstrap.servers is set, else static' },
  { name: 'hostname', kind: 'string', help: 'pod name <set>-<ordinal>; the id is ordinal + offset', env: 'HOSTNAME', default: 'os.hostname()' },
  { name: 'service', kind: 'string', help: 'headless Service of this StatefulSet; with it, advertised.listeners use the pod FQDN <pod>.<service>.<namespace>.svc.<domain>' },
  { name: 'namespace', kind: 'string', help: 'pod namespace', env: 'POD_NAMESPACE', default: 'default' },
  { name: 'domain', kind: 'string', help: 'cluster domain', env: 'CLUSTER_DOMAIN', default: 'cluster.local' },
  { name: 'controller-set', kind: 'string', help: 'StatefulSet of the KRaft controllers', default: "this pod's set when it is a controller" },
  { name: 'controller-service', kind: 'string', help: 'headless Service of the controller set', default: '-service' },
  { name: 'controllers', kind: 'int', help: 'controller set size, 1 to 64: the static voters, or how many controllers controller.quorum.bootstrap.servers lists' },
  { name: 'broker-id-offset', kind: 'int', help: 'added to the ordinal for broker-only nodes (and ZooKeeper-mode brokers)', default: '0' },
  { name: 'controller-id-offset', kind: 'int', help: 'added to the ordinal for controller and combined nodes', default: '0' },
  { name: 'port', kind: 'int', help: 'broker listener port (PLAINTEXT) when listeners is not set', default: '9092' },
  { name: 'controller-port', kind: 'int', help: 'controller listener port (CONTROLLER) when listeners is not set', default: '9093' },
  { name: 'cluster-id', kind: 'string', help: 'KRaft cluster id (22-char Kafka Uuid)', env: 'CLUSTER_ID', default: 'derived from -cluster-id-seed' },
  { name: 'cluster-id-file', kind: 'string', help: 'file holding the cluster id (e.g. a mounted Secret)', env: 'CLUSTER_ID_FILE' },
  { name: 'cluster-id-seed', kind: 'string', help: 'stable text the cluster id is derived from when none is given', default: '<namespace>/<controller-set>' },
  { name: 'rack', kind: 'string', help: 'broker.rack for broker nodes', env: 'BROKER_RACK' },
  { name: 'rack-file', kind: 'string', help: 'file holding broker.rack (e.g. written by an init container or the downward API)', env: 'BROKER_RACK_FILE' },
  { name: 'data-dir', kind: 'string', help: 'the data volume mount (absolute, as every path flag); log.dirs defaults to <data-dir>/data (a subdirectory, so lost+found is no log dir)', default: '/var/lib/kafka' },
  { name: 'config-out', kind: 'string', help: 'where the rendered server.properties is written', default: '<data-dir>/server.properties' },
  { name: 'libs', kind: 'string', help: 'Kafka jars directory', env: 'KAFKA_LIBS', default: '$KAFKA_HOME/libs, else /opt/kafka/libs' },
  { name: 'java', kind: 'string', help: 'java binary', default: '$JAVA_HOME/bin/java, else java on PATH' },
  { name: 'quorum-check-timeout', kind: 'duration', help: 'how long the first controller of an empty dynamic quorum asks the others for a leader before founding one', default: '3s' },
  { name: 'add-scram', kind: 'list', help: "KRaft: SCRAM credential written at format time, as kafka-storage.sh's --add-scram, e.g. SCRAM-SHA-256=[name=alice,password=secret]; repeatable" },
  { name: 'controllers-file', kind: 'string', help: "KRaft controller, dynamic quorum: file with the controller set's desired size (e.g. a ConfigMap key, changed before scaling down); the entrypoint then supervises the JVM instead of exec-ing it and, after a SIGTERM stop, leaves the quorum when this pod's ordinal >= that size" },
  { name: 'brokers-file', kind: 'string', help: "broker: file with the broker set's desired size (e.g. a ConfigMap key, lowered before scaling down); the entrypoint then supervises the JVM and, on SIGTERM when this pod's ordinal >= that size, moves its replicas to the remaining brokers (throttled reassignment) before the JVM stops, and writes <data-dir>/drained.json" },
  { name: 'drain-throttle', kind: 'int', help: 'replication throttle while a drain moves replicas, bytes/s per broker (leader and follower.replication.throttled.rate); removed when the drain ends', default: '52428800 (50 MiB/s)' },
  { name: 'drain-timeout', kind: 'duration', help: 'how long a drain may wait for its reassignment before the JVM is stopped anyway (keep -drain-timeout + -stop-grace below terminationGracePeriodSeconds)', default: '4m' },
  { name: 'leave-timeout', kind: 'duration', help: 'how long leaving the quorum may take after the JVM stopped (keep it inside the grace period)', default: '20s' },
  { name: 'health-port', kind: 'int', help: "serve /livez, /readyz (kafka-probe live and ready: 200, else 503 with the probe's line) and /status on this port, all addresses, for httpGet probes that start no process; the entrypoint then supervises the JVM instead of exec-ing it. 0: off (exec kafka-probe)", env: 'KAFKA_HEALTH_PORT', default: '0' },
  { name: 'health-timeout', kind: 'duration', help: "deadline of one /livez or /readyz check, as kafka-probe's -timeout; keep it below the probe's timeoutSeconds", env: 'KAFKA_HEALTH_TIMEOUT', default: '2s' },
  { name: 'command-config', kind: 'string', help: "client properties file for the entrypoint's own Kafka calls (founding check, leaving the quorum, health checks) on SSL/SASL listeners, as Kafka tools' --command-config: security.protocol, sasl.mechanism (PLAIN, SCRAM-SHA-256/512), sasl.jaas.config, ssl.truststore.location (PEM), ...; secrets stay in the file", env: 'KAFKA_COMMAND_CONFIG' },
  { name: 'health-command-config', kind: 'string', help: 'old name of -command-config, still accepted', env: 'KAFKA_HEALTH_COMMAND_CONFIG' },
  { name: 'stop-grace', kind: 'duration', help: 'when the JVM is supervised (-health-port, -controllers-file): how long it may take to stop after SIGTERM before it gets SIGKILL; keep it below terminationGracePeriodSeconds (less -leave-timeout on controllers that leave)', env: 'KAFKA_STOP_GRACE', default: '20s' },
  { name: 'dry-run', kind: 'bool', help: 'print the effective config and the plan, write nothing, start nothing' },
];

export const flag = (name: string): FlagSpec => {
  const spec = FLAGS.find((f) => f.name === name);
  if (!spec) throw new Error(`no flag ${name}`);
  return spec;
};
