// ZooKeeper's error codes by name, for the ZK_<NAME> codes of zk-admin.ts. A code newer than this table is an error
// value `ZK_CODE_<n>`, never a crash (node-zookeeper-client 1.1.3 threw `Unknown code: -13` in its socket handler).

// KeeperException.Code of ZooKeeper 3.9 (org.apache.zookeeper.KeeperException), by wire value.
export const ZK_CODES: Readonly<Record<number, string>> = {
  [-1]: 'SYSTEM_ERROR',
  [-2]: 'RUNTIME_INCONSISTENCY',
  [-3]: 'DATA_INCONSISTENCY',
  [-4]: 'CONNECTION_LOSS',
  [-5]: 'MARSHALLING_ERROR',
  [-6]: 'UNIMPLEMENTED',
  [-7]: 'OPERATION_TIMEOUT',
  [-8]: 'BAD_ARGUMENTS',
  [-12]: 'UNKNOWN_SESSION',
  [-13]: 'NEW_CONFIG_NO_QUORUM',
  [-14]: 'RECONFIG_IN_PROGRESS',
  [-100]: 'API_ERROR',
  [-101]: 'NO_NODE',
  [-102]: 'NO_AUTH',
  [-103]: 'BAD_VERSION',
  [-108]: 'NO_CHILDREN_FOR_EPHEMERALS',
  [-110]: 'NODE_EXISTS',
  [-111]: 'NOT_EMPTY',
  [-112]: 'SESSION_EXPIRED',
  [-113]: 'INVALID_CALLBACK',
  [-114]: 'INVALID_ACL',
  [-115]: 'AUTH_FAILED',
  [-118]: 'SESSION_MOVED',
  [-119]: 'NOT_READONLY',
  [-120]: 'EPHEMERAL_ON_LOCAL_SESSION',
  [-121]: 'NO_WATCHER',
  [-122]: 'REQUEST_TIMEOUT',
  [-123]: 'RECONFIG_DISABLED',
  [-124]: 'SESSION_CLOSED_REQUIRE_SASL_AUTH',
  [-125]: 'QUOTA_EXCEEDED',
  [-127]: 'THROTTLED_OP',
};

/** The name of a ZooKeeper error code; codes newer than this table get `CODE_<n>` instead of a crash. */
export const zkCodeName = (code: number): string => ZK_CODES[code] ?? `CODE_${code}`;

/** The codes zk-bootstrap's client raises itself (a lost socket, a malformed reply, a refused session). */
export const CODE = { CONNECTION_LOSS: -4, MARSHALLING_ERROR: -5, SESSION_EXPIRED: -112 } as const;
