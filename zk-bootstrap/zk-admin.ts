// The ZooKeeper admin operations zk-bootstrap needs, in-process (no zkCli, no second JVM): a session with
// super-user digest auth, sync, getConfig, and reconfig (opcode 16), which node-zookeeper-client 1.1.3 lacks.
// Every call has its own deadline: the library has none and retries a dead server forever.
import zookeeper from 'node-zookeeper-client';
import jute, { type Response, type Serializable } from 'node-zookeeper-client/lib/jute/index.js';
import { AgentError } from '../common/errors.ts';
import { patchExceptionCodes, zkCodeName } from './zk-codes.ts';

patchExceptionCodes();

const OP_SYNC = 9;
const OP_RECONFIG = 16;

export type DigestAuth = { readonly user: string; readonly secret: string };

export type SessionOptions = {
  readonly connectString: string;
  readonly timeoutMs: number;
  readonly auth?: DigestAuth | undefined;
};

export type ZkSession = {
  readonly connectString: string;
  readonly timeoutMs: number;
  readonly client: zookeeper.Client;
  close(): void;
};

/** A ZooKeeper error code as AgentError: `ZK_<NAME>` with the wire code in context. */
export const zkError = (error: unknown, what: string, connectString: string): AgentError => {
  if (error instanceof AgentError) return error;
  const code = typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : undefined;
  const name = code === undefined ? 'CLIENT_ERROR' : zkCodeName(code);
  return new AgentError(`ZK_${name}`, `${what} on ${connectString} failed: ${name}${code === undefined ? ` (${String(error)})` : ''}`, {
    context: { connectString, zkCode: code },
    cause: error,
  });
};

// Run one callback-style call with a deadline; on timeout the session stays usable for the caller to close.
const withDeadline = <T>(session: ZkSession, what: string, call: (done: (error: unknown, value?: T) => void) => void): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new AgentError('ZK_TIMEOUT', `${what} on ${session.connectString}: no answer within ${session.timeoutMs}ms`, {
        context: { connectString: session.connectString, timeoutMs: session.timeoutMs },
      }));
    }, session.timeoutMs);
    call((error, value) => {
      clearTimeout(timer);
      if (error) reject(zkError(error, what, session.connectString));
      else resolve(value as T);
    });
  });

type ConnectionManagerInternals = { connect(): void; socket?: { destroy(): void }; connectTimeoutHandler?: NodeJS.Timeout };

// Close the session and drop its connection now. The library's close() only queues CLOSE_SESSION and waits for the
// server to hang up, and reconnects in between: a member that accepts TCP but never answers (a SIGSTOPped server)
// kept zk-bootstrap alive ~2 minutes past its deadline (hostile-input issue 13 item 2).
export const destroyClient = (client: zookeeper.Client): void => {
  const manager = (client as unknown as { connectionManager: ConnectionManagerInternals }).connectionManager;
  client.close(); // CLOSE_SESSION is written at once when connected: a healthy server ends the session cleanly
  manager.connect = () => {}; // no reconnect, whatever its timers or socket events still do
  clearTimeout(manager.connectTimeoutHandler);
  manager.socket?.destroy();
};

// Connect (and authenticate as the super user, when given) within timeoutMs, or fail with ZK_UNREACHABLE.
export const openSession = (options: SessionOptions): Promise<ZkSession> =>
  new Promise((resolve, reject) => {
    const client = zookeeper.createClient(options.connectString, { sessionTimeout: Math.max(options.timeoutMs * 2, 4000), spinDelay: 200, retries: 0 });
    // Digest auth never fails at login: a wrong secret authenticates another identity and reconfig answers NO_AUTH.
    if (options.auth) client.addAuthInfo('digest', Buffer.from(`${options.auth.user}:${options.auth.secret}`));
    const session: ZkSession = { connectString: options.connectString, timeoutMs: options.timeoutMs, client, close: () => destroyClient(client) };
    const timer = setTimeout(() => {
      destroyClient(client);
      reject(new AgentError('ZK_UNREACHABLE', `no ZooKeeper session with ${options.connectString} within ${options.timeoutMs}ms (down, or not serving: no quorum)`, {
        context: { connectString: options.connectString, timeoutMs: options.timeoutMs },
      }));
    }, options.timeoutMs);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve(session);
    });
    client.connect();
  });

// A request the library does not know, sent through its own queue. The header reports `parseAs` to the library's
// reply dispatcher (which picks the reply type from header.type) but serialises the real opcode.
const queueRaw = (session: ZkSession, opcode: number, parseAs: number, payload: Serializable, done: (error: unknown, reply?: Response) => void): void => {
  const header = new jute.protocol.RequestHeader();
  header.type = parseAs;
  header.serialize = (buffer: Buffer, offset: number): number => {
    buffer.writeInt32BE(header.xid, offset);
    buffer.writeInt32BE(opcode, offset + 4);
    return 8;
  };
  const manager = (session.client as unknown as { connectionManager: { queue(request: unknown, cb: typeof done): void } }).connectionManager;
  manager.queue(new jute.Request(header, payload), done);
};

const ustringLength = (value: string | null): number => 4 + (value === null ? 0 : Buffer.byteLength(value));
const writeUstring = (buffer: Buffer, offset: number, value: string | null): number => {
  if (value === null) {
    buffer.writeInt32BE(-1, offset);
    return 4;
  }
  const bytes = Buffer.from(value, 'utf8');
  buffer.writeInt32BE(bytes.length, offset);
  bytes.copy(buffer, offset + 4);
  return 4 + bytes.length;
};

// sync(path): the server we talk to catches up with the leader, so a following read is not stale.
export const sync = (session: ZkSession, path = '/'): Promise<void> =>
  withDeadline(session, 'sync', (done) => {
    const payload: Serializable = { byteLength: () => ustringLength(path), serialize: (b, o) => writeUstring(b, o, path) };
    // Parsed as DELETE: a reply the library reads no payload from (the path echo is skipped by length framing).
    queueRaw(session, OP_SYNC, jute.OP_CODES.DELETE as number, payload, (error) => done(error));
  });

export type EnsembleConfig = { readonly text: string; readonly version: string | undefined };

const configFrom = (data: Buffer | undefined): EnsembleConfig => {
  const text = (data ?? Buffer.alloc(0)).toString('utf8');
  return { text, version: /^version=([0-9a-fA-F]+)\s*$/m.exec(text)?.[1] };
};

// getConfig as the Java client does it: sync, then read /zookeeper/config (world-readable, no auth needed).
export const getConfig = async (session: ZkSession): Promise<EnsembleConfig> => {
  await sync(session, '/zookeeper/config');
  const data = await withDeadline<Buffer>(session, 'getConfig', (done) => session.client.getData('/zookeeper/config', (e, d) => done(e, d)));
  return configFrom(data);
};

export type ReconfigRequest = {
  /** Comma-separated `server.<id>=...` specs to add (incremental mode). */
  readonly joining?: string | undefined;
  /** Comma-separated ids to remove (incremental mode). */
  readonly leaving?: string | undefined;
  /** Full new membership (non-incremental mode); excludes joining/leaving. */
  readonly newMembers?: string | undefined;
  /** Expected current config version (hex, as in `version=`); -1 (any) when undefined. */
  readonly fromConfig?: string | undefined;
};

// reconfig (ReconfigRequest, opcode 16). The reply has GetDataResponse's shape: the new config and its Stat.
export const reconfig = (session: ZkSession, request: ReconfigRequest): Promise<EnsembleConfig> => {
  const joining = request.joining ?? null;
  const leaving = request.leaving ?? null;
  const newMembers = request.newMembers ?? null;
  const configId = request.fromConfig === undefined ? -1n : BigInt(`0x${request.fromConfig}`);
  const payload: Serializable = {
    byteLength: () => ustringLength(joining) + ustringLength(leaving) + ustringLength(newMembers) + 8,
    serialize: (buffer, offset) => {
      let at = offset;
      at += writeUstring(buffer, at, joining);
      at += writeUstring(buffer, at, leaving);
      at += writeUstring(buffer, at, newMembers);
      buffer.writeBigInt64BE(configId, at);
      return at + 8 - offset;
    },
  };
  const what = `reconfig${joining ? ` add ${joining}` : ''}${leaving ? ` remove ${leaving}` : ''}${newMembers ? ` members ${newMembers}` : ''}`;
  return withDeadline<Response>(session, what, (done) => queueRaw(session, OP_RECONFIG, jute.OP_CODES.GET_DATA as number, payload, done)).then(
    (reply) => configFrom(reply.payload?.data),
  );
};
