// kafka-entrypoint's vocabulary: every error code it ends with (its exit code, when it happens) and every log event it
// writes (what it means), declared once for main, `leave`, --help, the README and the tests. Codes raised by common/
// (CONFIG_INVALID, HEALTH_PORT_UNAVAILABLE, FILE_WRITE_FAILED, ...) are COMMON_CODES.
import { COMMON_CODES, defineCodes, defineEvents } from '../common/catalogue.ts';
import { EXIT } from '../common/exit-codes.ts';

export const CODES = defineCodes({
  // The storage plan's refusals (storage-plan.ts): the volume is left untouched.
  META_UNREADABLE: [EXIT.failed, 'a meta.properties on a log dir cannot be read or parsed; fix or move it by hand'],
  META_WRONG_MODE: [EXIT.usage, 'meta.properties was written in the other mode (ZooKeeper vs KRaft) than this node runs in'],
  NODE_ID_MISMATCH: [EXIT.usage, "meta.properties belongs to another node id: not this pod's volume, or the id offset flags changed"],
  CLUSTER_ID_MISMATCH: [EXIT.usage, 'meta.properties belongs to another cluster id than the configured or derived one (the message names CLUSTER_ID=<id>)'],
  METADATA_DIR_LOST: [EXIT.failed, 'the metadata log dir has no meta.properties while another log dir is formatted: restore it'],
  LOG_DIR_NOT_EMPTY: [EXIT.usage, 'a log dir without meta.properties is not empty: the entrypoint formats only empty dirs'],
  QUORUM_UNKNOWN: [EXIT.failed, 'a controller answered the founding check but no session could be opened on its listener: fix -command-config'],
  // The ZooKeeper-to-KRaft migration's start checks (migration-plan.ts): nothing is written or started.
  MIGRATION_NO_CLUSTER: [EXIT.usage, 'migration: zookeeper.connect names a ZooKeeper without /cluster/id (wrong ensemble or chroot)'],
  MIGRATION_CLUSTER_ID_MISMATCH: [EXIT.usage, "migration: the configured cluster id is not the migrated cluster's (ZooKeeper /cluster/id)"],
  MIGRATION_NOT_DONE: [EXIT.usage, 'migration: a KRaft broker, or finalizing, before the controllers migrated the metadata'],
  MIGRATION_ZK_BROKERS_LEFT: [EXIT.usage, 'migration: finalizing while a broker still runs in ZooKeeper mode (/brokers/ids)'],
  // The volume and the JVM (effects.ts).
  LOG_DIR_UNREADABLE: [EXIT.failed, 'a log dir cannot be listed (permissions, not a directory)'],
  CONFIG_WRITE_FAILED: [EXIT.failed, 'the directory of -config-out cannot be created (volume not mounted or read-only)'],
  JAVA_NOT_FOUND: [EXIT.usage, 'the java of -java / JAVA_HOME is not an executable file, or java is not on PATH'],
  STORAGE_FORMAT_FAILED: [EXIT.failed, 'kafka.tools.StorageTool format exited non-zero (its output is above)'],
  STORAGE_FORMAT_INTERRUPTED: [EXIT.failed, 'a stop signal arrived while formatting: passed on to the StorageTool; the next start formats again'],
  EXEC_UNSUPPORTED: [EXIT.failed, 'this Node has no process.execve (Node 24 or later needed)'],
  EXEC_FAILED: [EXIT.failed, 'execve of java returned instead of replacing the process'],
  // The drain of a scaled-away broker (-brokers-file: drain.ts, drain-plan.ts, drain-main.ts). Only a start on a
  // drained volume ends the entrypoint; the others are logged before the JVM stops and a refusal makes it exit 2.
  DRAINED_BROKER_RETURNS: [EXIT.usage, 'a broker drained on a scale-down starts again on its old log dirs: delete its PVC first'],
  DRAIN_BELOW_MIN_ISR: [EXIT.usage, 'drain refused, nothing moved: moving would leave a partition below min.insync.replicas (exit 2 after the clean stop)'],
  DRAIN_LAST_REPLICA: [EXIT.usage, 'drain refused, nothing moved: this broker holds the only replica of a partition (exit 2 after the clean stop)'],
  DRAIN_TIMEOUT: [EXIT.failed, 'logged: the reassignment was still running at -drain-timeout; the JVM stops anyway'],
  DRAIN_SENSITIVE_CONFIG: [EXIT.failed, 'logged: a broker or topic has a dynamic password config that setting a throttle would erase'],
  DRAIN_THROTTLE_LEFT: [EXIT.failed, 'logged: a replication throttle could not be removed after the drain'],
  DRAIN_FAILED: [EXIT.failed, 'logged: the drain failed for another reason; the JVM stops anyway'],
  // `leave` (leave.ts, leave-plan.ts).
  LEAVE_NO_CONFIG: [EXIT.usage, 'leave: the server.properties of -config is missing, unreadable or lacks node.id, roles or listeners'],
  LEAVE_WHILE_RUNNING: [EXIT.failed, 'leave: this controller still runs with auto-join enabled and would add itself back'],
  LAST_VOTER: [EXIT.failed, 'leave: this controller is the last voter; removing it would leave no quorum'],
  NO_DIRECTORY_ID: [EXIT.failed, 'leave: neither DescribeQuorum nor meta.properties gives this voter its directory id'],
  REMOVE_REFUSED: [EXIT.failed, 'leave: the quorum leader refused RemoveRaftVoter'],
  LEAVE_TIMEOUT: [EXIT.failed, 'leave: still a voter after -timeout (-leave-timeout after a supervised stop)'],
});

/** The common codes kafka-entrypoint can end with. */
export const USED_COMMON_CODES = {
  CONFIG_INVALID: COMMON_CODES.CONFIG_INVALID,
  HOSTNAME_NO_ORDINAL: COMMON_CODES.HOSTNAME_NO_ORDINAL,
  FILE_NOT_REGULAR: COMMON_CODES.FILE_NOT_REGULAR,
  FILE_TOO_LARGE: COMMON_CODES.FILE_TOO_LARGE,
  FILE_WRITE_FAILED: COMMON_CODES.FILE_WRITE_FAILED,
  HEALTH_PORT_UNAVAILABLE: COMMON_CODES.HEALTH_PORT_UNAVAILABLE,
  ZK_UNREACHABLE: COMMON_CODES.ZK_UNREACHABLE,
  ZK_TIMEOUT: COMMON_CODES.ZK_TIMEOUT,
};

// Which codes each command ends with, for its --help (`leave` has its own).
const LEAVE_ONLY = new Set(['LEAVE_NO_CONFIG', 'LEAVE_WHILE_RUNNING', 'LAST_VOTER', 'NO_DIRECTORY_ID', 'REMOVE_REFUSED', 'LEAVE_TIMEOUT']);
export const START_CODES = Object.values(CODES).filter((c) => !LEAVE_ONLY.has(c.code));
export const LEAVE_CODES = Object.values(CODES).filter((c) => LEAVE_ONLY.has(c.code));

export type StorageRefusal =
  'META_UNREADABLE' | 'META_WRONG_MODE' | 'NODE_ID_MISMATCH' | 'CLUSTER_ID_MISMATCH' | 'METADATA_DIR_LOST' | 'LOG_DIR_NOT_EMPTY' | 'QUORUM_UNKNOWN';
export type LeaveRefusal = 'LAST_VOTER' | 'NO_DIRECTORY_ID' | 'REMOVE_REFUSED';

export const EVENT_TEXT = {
  'kafka-entrypoint.node': 'who this pod is: mode, roles, broker.id or node.id, fqdn, quorum, clusterId, clusterIdSource',
  'kafka-entrypoint.service-links-ignored': 'Kubernetes service-link variables (KAFKA_PORT, ...) that were not read as properties: names',
  'kafka-entrypoint.config': 'one line of the effective server.properties and where it came from: key, value (secrets redacted), source',
  'kafka-entrypoint.config-warning': 'a setting Kafka would refuse or ignore, named before the JVM starts: warning',
  'kafka-entrypoint.migration-checked': "a migration phase's start check passed: phase, check, clusterId (ZooKeeper's), state",
  'kafka-entrypoint.quorum-asked': 'the founding check: whether another controller already has a quorum: exists, answers',
  'kafka-entrypoint.storage-plan': 'what is done with the log dirs: plan (start, format), quorumFlag, reason',
  'kafka-entrypoint.would-format': '-dry-run: the StorageTool command that would run (secrets redacted): command',
  'kafka-entrypoint.would-start': '-dry-run: how the JVM would run: run (exec, supervise), command, why',
  'kafka-entrypoint.health-endpoints': 'the health endpoints are served: port, paths, checkTimeoutMs',
  'kafka-entrypoint.config-written': 'server.properties written (or unchanged): file, result',
  'kafka-entrypoint.storage-formatting': 'kafka.tools.StorageTool format runs: dirs, quorumFlag',
  'kafka-entrypoint.exec': 'the process becomes the JVM: java, main, config',
  'kafka-entrypoint.supervise': 'the JVM runs as a child: java, main, config, why',
  'kafka-entrypoint.jvm-exited': 'the supervised JVM exited: code, stopSignal',
  'kafka-entrypoint.drain-decision': 'drain: whether this broker drains before it stops: nodeId, decision, reason',
  'kafka-entrypoint.drain-moving': 'drain: the throttled reassignment started: nodeId, partitions, throttleBytes, shrunk, via',
  'kafka-entrypoint.drain-done': 'drain finished: outcome (kept, nothing, drained), detail',
  'kafka-entrypoint.drain-refused': 'drain refused, nothing moved; the container exits 2 after the clean stop: code, detail',
  'kafka-entrypoint.drain-timed-out': 'drain still moving at -drain-timeout; the JVM stops anyway: code, detail',
  'kafka-entrypoint.drain-failed': 'drain failed; the JVM stops anyway: code, message, hint',
  'kafka-entrypoint.drain-throttle-left': 'a replication throttle could not be removed: code, resource, keys, error, hint',
  'kafka-entrypoint.leave-decision': 'leave: whether this controller leaves: nodeId, decision (leave, stay), reason',
  'kafka-entrypoint.leave-removing': 'leave: RemoveRaftVoter sent to the leader: nodeId, directoryId, leader',
  'kafka-entrypoint.leave-retrying': 'leave: the quorum could not be asked or answered for now; retried until the timeout: reason',
  'kafka-entrypoint.leave-done': 'leave finished: outcome (left, not-a-voter, stays), detail',
  'kafka-entrypoint.leave-failed': 'leaving after a supervised stop failed; a dead voter is left behind: code, message, hint',
  'kafka-entrypoint.failed': 'the one error line before a non-zero exit: code, message and the facts',
} as const;
export const EVENTS = defineEvents(EVENT_TEXT);
