// zk-bootstrap's vocabulary: every error code it ends with (its exit code, when it happens) and every log event it
// writes (what it means). Codes raised by common/ (CONFIG_INVALID, HEALTH_PORT_UNAVAILABLE, ...) are COMMON_CODES.
import { defineCodes, defineEvents } from '../common/catalogue.ts';
import { EXIT } from '../common/exit-codes.ts';

export const CODES = defineCodes({
  ZK_PEERS_UNREAD: [EXIT.failed, 'init: the peer list on stdin did not end within -timeout, or stdin could not be read'],
  ZK_PEERS_TOO_LARGE: [EXIT.usage, "init: stdin is larger than any peer list: it is not peer-finder's list of member names"],
  ZK_PEERS_WITHOUT_SELF: [EXIT.usage, "init: the peer list does not contain this pod: run init as peer-finder's -on-start hook"],
  ZK_PEERS_INVALID: [EXIT.usage, 'init: the peer list has no other valid member beside dropped names (never read as "alone")'],
  ZK_SECRET_UNREADABLE: [EXIT.usage, '-secret-file cannot be read'],
  ZK_SECRET_EMPTY: [EXIT.usage, '-secret-file is empty'],
  ZK_JAVA_TOO_OLD: [EXIT.usage, 'run: the server command runs a java that does not read JDK_JAVA_OPTIONS (the super digest goes there)'],
  ZK_ADDRESS_UNKNOWN: [EXIT.usage, "this member's address cannot be told: no -address, peer list, line on the volume or -domain"],
  ZK_MODE_MISMATCH: [EXIT.usage, 'the volume holds a member of the other -mode (static vs dynamic); nothing was changed'],
  ZK_ID_NOT_LISTED: [EXIT.usage, 'static mode: myid is not among the servers of ZOO_SERVERS or -replicas'],
  ZK_MYID_MISMATCH: [EXIT.usage, 'myid on the volume is not ordinal + -id-offset: the volume belongs to another member; nothing was changed'],
  ZK_NOT_INITIALISED: [EXIT.usage, 'run on an empty volume without a peer list: init has not run'],
  ZK_OBSERVER_ALONE: [EXIT.usage, 'the only member in DNS has -role=observer: an ensemble needs a participant first'],
  ZK_NO_ENSEMBLE_KNOWN: [EXIT.failed, 'data on the volume, this member not in its config, and no other member known'],
  ZK_ENSEMBLE_UNREACHABLE: [EXIT.failed, 'init: no member answered within -wait-timeout (waiting to join or found)'],
  ZK_NOT_SERVING: [EXIT.failed, 'run: the local server did not serve (sync with a leader) within -wait-timeout'],
  ZK_VOLUME_UNREADABLE: [EXIT.failed, 'a file on the volume (myid, zoo.cfg) cannot be read; nothing was written'],
  ZK_DIR_UNWRITABLE: [EXIT.failed, 'the data or conf dir (or the private dir of the digest file) is not a writable directory'],
  ZK_WRITE_FAILED: [EXIT.failed, 'a file on the volume cannot be written or removed (full, read-only)'],
  // ZooKeeper's own error codes come as ZK_<name> (zk-session.ts's zkError, any KeeperException.Code); these are the
  // ones zk-bootstrap retries or meets in practice. All end with exit 1.
  ZK_CONNECTION_LOSS: [EXIT.failed, 'the session with the server was lost mid-call; retried until -wait-timeout'],
  ZK_SESSION_EXPIRED: [EXIT.failed, 'the server refused or expired the session; retried until -wait-timeout'],
  ZK_RECONFIG_IN_PROGRESS: [EXIT.failed, 'another reconfig is in flight; retried until -wait-timeout'],
  ZK_NEW_CONFIG_NO_QUORUM: [EXIT.failed, 'the new config has no quorum connected yet; retried until -wait-timeout'],
  ZK_BAD_VERSION: [EXIT.failed, 'the config changed between read and reconfig; retried until -wait-timeout'],
  ZK_NO_AUTH: [EXIT.failed, 'reconfig refused: wrong super user or password (the server has another superDigest)'],
  ZK_RECONFIG_DISABLED: [EXIT.failed, 'reconfig refused: the server runs without reconfigEnabled=true'],
  ZK_BAD_ARGUMENTS: [EXIT.failed, 'reconfig refused: the server cannot use the request (a server line it will not take)'],
  ZK_MARSHALLING_ERROR: [EXIT.failed, "a reply zk-bootstrap's codec cannot read (short, oversized or malformed)"],
});

export const EVENTS = defineEvents({
  'zk-bootstrap.failed': 'the run ended with an error: code, message and its facts (the one error line)',
  'zk-bootstrap.peers-dropped': 'init: names in the peer list that are not host names were left out (count, first, reason)',
  'zk-bootstrap.plan': 'init/run: the next step for the volume (step, note, myid; waitingFor and retryMs while it waits)',
  'zk-bootstrap.wrote': 'the volume holds the config this member starts with (why, files written)',
  'zk-bootstrap.removed': "this member's stale line was removed from the ensemble before it re-joins as an observer",
  'zk-bootstrap.started': 'run: the server process started (pid, myid, mode)',
  'zk-bootstrap.health': 'run: the health endpoints serve (port, paths, checkTimeoutMs, role)',
  'zk-bootstrap.waiting': 'run: waiting for the local server to serve before promotion (address)',
  'zk-bootstrap.reconfig': 'run: reconfig sent to make this member what -role says (from: the config version)',
  'zk-bootstrap.member': 'run: the committed config lists this member with -role (version)',
  'zk-bootstrap.promote-failed': 'run: promotion failed for good; the server is stopped (code, error)',
  'zk-bootstrap.leave': 'leave: what leave does and why (note, version); static mode: nothing to do',
  'zk-bootstrap.left': 'leave: the committed config no longer lists this member (myid, version)',
  'zk-bootstrap.retry': 'a ZooKeeper call failed with a transient code and is retried (what, code, attempt, retryMs); first and every tenth',
});

export type ZkEvent = keyof typeof EVENTS;
