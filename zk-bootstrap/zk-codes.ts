// ZooKeeper error codes node-zookeeper-client 1.1.3 does not know, and the patch that keeps it from crashing on them.
// Its Exception.create throws `Unknown code: -13` inside the socket data handler, an uncaught exception that kills
// the process: a reconfig answered NEW_CONFIG_NO_QUORUM would take zk-bootstrap (and the JVM it supervises) down.
import Exception from 'node-zookeeper-client/lib/Exception.js';

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

// An error shaped like the library's own Exception (code, name, getCode) for a code it does not know.
class ExtraZkException extends Error {
  readonly code: number;
  readonly path: string | undefined;
  constructor(code: number, path: string | undefined) {
    super(`Exception: ${zkCodeName(code)}[${code}]${path ? `@${path}` : ''}`);
    this.name = zkCodeName(code);
    this.code = code;
    this.path = path;
  }
  getCode(): number {
    return this.code;
  }
  getName(): string {
    return this.name;
  }
  getPath(): string | undefined {
    return this.path;
  }
}

const libraryKnows = (code: number): boolean => Object.values(Exception).includes(code);

let patched = false;

// Route unknown codes around the library's validateCode; known codes keep the library's own Exception objects.
export const patchExceptionCodes = (): void => {
  if (patched) return;
  patched = true;
  const original = Exception.create;
  Exception.create = (code: number, path?: string) => (libraryKnows(code) ? original(code, path) : new ExtraZkException(code, path));
};
