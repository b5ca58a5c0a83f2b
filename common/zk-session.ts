// A ZooKeeper client session over a socket of our own, with the bytes from zk-wire.ts (why not node-zookeeper-client:
// README.md, "The ZooKeeper client"): connect to one of the connect string's servers, the handshake, digest auth, one
// request at a time matched to its reply, each with its own deadline, and close. A session is short-lived (open, one or
// two calls, close) and ends within its session timeout, so it sends no pings.
import { connect, type Socket } from 'node:net';
import { AgentError } from './errors.ts';
import { CODE, zkCodeName } from './zk-codes.ts';
import * as wire from './zk-wire.ts';
import { COMMON_CODES } from './catalogue.ts';

export type DigestAuth = { readonly user: string; readonly secret: string };

export type SessionOptions = {
  readonly connectString: string;
  readonly timeoutMs: number;
  readonly auth?: DigestAuth | undefined;
};

export type ZkSession = {
  readonly connectString: string;
  readonly timeoutMs: number;
  /** One request and its reply (err 0), or the error: server codes as ZK_<NAME>, a lost socket as ZK_CONNECTION_LOSS. */
  call(what: string, request: (xid: number) => Buffer): Promise<wire.Reply>;
  close(): void;
};

/** A ZooKeeper error code as AgentError: `ZK_<NAME>` with the wire code in context. */
export const zkError = (code: number, what: string, connectString: string): AgentError =>
  new AgentError(`ZK_${zkCodeName(code)}`, `${what} on ${connectString} failed: ${zkCodeName(code)}`, { context: { connectString, zkCode: code } });

const RETRY_PAUSE_MS = 200; // between two connection attempts, as node-zookeeper-client's spinDelay

// `host:port` pairs of a connect string (`[v6]:port` too); a missing port is ZooKeeper's 2181.
export const serverAddresses = (connectString: string): Array<{ host: string; port: number }> =>
  connectString
    .split(',')
    .filter((s) => s !== '')
    .map((s) => {
      const m = /^\[?(.*?)\]?(?::(\d+))?$/.exec(s.trim()) as RegExpExecArray;
      return { host: m[1] as string, port: m[2] === undefined ? 2181 : Number(m[2]) };
    });

type Pending = { readonly what: string; readonly resolve: (reply: wire.Reply) => void; readonly reject: (error: AgentError) => void };

// One connected (and authenticated, when asked) socket as a session: replies matched to requests by xid.
const sessionOn = (socket: Socket, connectString: string, timeoutMs: number, leftover: Buffer): ZkSession => {
  const pending = new Map<number, Pending>();
  let buffered = leftover;
  let xid = 0;
  let lost: AgentError | undefined;
  const loseAll = (code: number, why: string): void => {
    lost ??= new AgentError(`ZK_${zkCodeName(code)}`, `the session with ${connectString} ended: ${why}`, { context: { connectString, zkCode: code } });
    for (const p of pending.values()) p.reject(lost);
    pending.clear();
    socket.destroy();
  };
  const onData = (chunk: Buffer): void => {
    const { frames, rest, tooLarge } = wire.splitFrames(Buffer.concat([buffered, chunk]));
    buffered = rest;
    for (const body of frames) {
      const reply = wire.reply(body);
      if (reply === undefined) return loseAll(CODE.MARSHALLING_ERROR, 'a reply shorter than its header');
      const p = pending.get(reply.xid);
      if (p === undefined) continue; // a ping, a watch event, or a call that already timed out
      pending.delete(reply.xid);
      if (reply.err === 0) p.resolve(reply);
      else p.reject(zkError(reply.err, p.what, connectString));
    }
    if (tooLarge) loseAll(CODE.MARSHALLING_ERROR, `a reply larger than ${wire.MAX_FRAME_BYTES} bytes`);
  };
  socket.on('data', onData);
  socket.on('close', () => loseAll(CODE.CONNECTION_LOSS, 'connection closed'));
  socket.on('error', () => {}); // 'close' follows
  onData(Buffer.alloc(0));
  return {
    connectString,
    timeoutMs,
    call: (what, request) =>
      new Promise<wire.Reply>((resolve, reject) => {
        if (lost) return reject(lost);
        const id = ++xid;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(
            new AgentError(COMMON_CODES.ZK_TIMEOUT, `${what} on ${connectString}: no answer within ${timeoutMs}ms`, { context: { connectString, timeoutMs } }),
          );
        }, timeoutMs);
        const settle =
          <T>(fn: (value: T) => void) =>
          (value: T): void => {
            clearTimeout(timer);
            fn(value);
          };
        pending.set(id, { what, resolve: settle(resolve), reject: settle(reject) });
        socket.write(request(id));
      }),
    // CLOSE_SESSION ends the session on a healthy server at once; the socket goes when it is written, and a server
    // that never reads it (SIGSTOPped) cannot keep the process alive: the socket is unref'd and destroyed within 1 s.
    close: () => {
      if (socket.destroyed) return;
      socket.unref();
      socket.end(wire.closeRequest(++xid), () => socket.destroy());
      setTimeout(() => socket.destroy(), 1000).unref();
    },
  };
};

type Attempt = { ok: true; session: ZkSession } | { ok: false; final: AgentError | undefined };

// One server: TCP, the handshake, and the auth reply when auth is given; within attemptMs.
const attempt = (address: { host: string; port: number }, options: SessionOptions, attemptMs: number): Promise<Attempt> =>
  new Promise((resolve) => {
    const socket = connect(address);
    socket.setNoDelay(true);
    let buffered: Buffer = Buffer.alloc(0);
    let connected = false;
    // The handshake's listeners go before the session's own are added (hence a thunk).
    const finish = (result: () => Attempt): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      const value = result();
      if (!value.ok) socket.destroy();
      resolve(value);
    };
    const failed = (final?: AgentError) => (): Attempt => ({ ok: false, final });
    const onClose = (): void => finish(failed());
    const timer = setTimeout(onClose, attemptMs);
    socket.on('error', () => {}); // 'close' follows
    socket.once('close', onClose);
    socket.once('connect', () => {
      // Digest auth never fails at login: a wrong secret authenticates another identity and reconfig answers NO_AUTH.
      socket.write(
        options.auth
          ? Buffer.concat([wire.connectRequest(sessionTimeoutMs(options)), wire.authRequest(options.auth.user, options.auth.secret)])
          : wire.connectRequest(sessionTimeoutMs(options)),
      );
    });
    // One frame of the handshake: the ConnectResponse, then (with auth) the reply on xid -4.
    const handshake = (body: Buffer): 'more' | 'ready' | Attempt => {
      if (!connected) {
        const answer = wire.connectResponse(body);
        if (answer === undefined) return { ok: false, final: undefined };
        if (answer.timeoutMs <= 0) return { ok: false, final: zkError(CODE.SESSION_EXPIRED, 'connect', options.connectString) };
        connected = true;
        return options.auth ? 'more' : 'ready';
      }
      const reply = wire.reply(body);
      if (reply?.xid !== wire.XID.auth) return 'more';
      return reply.err === 0 ? 'ready' : { ok: false, final: zkError(reply.err, 'digest auth', options.connectString) };
    };
    const onData = (chunk: Buffer): void => {
      const all = Buffer.concat([buffered, chunk]);
      const { frames, rest, tooLarge } = wire.splitFrames(all);
      buffered = rest;
      let consumed = 0;
      for (const body of frames) {
        consumed += 4 + body.length;
        const step = handshake(body);
        if (step === 'ready') return finish(() => ({ ok: true, session: sessionOn(socket, options.connectString, options.timeoutMs, all.subarray(consumed)) }));
        if (step !== 'more') return finish(() => step);
      }
      if (tooLarge) finish(failed());
    };
    socket.on('data', onData);
  });

// Long enough for the calls of one session: the server expires it only after this much silence.
const sessionTimeoutMs = (options: SessionOptions): number => Math.max(options.timeoutMs * 2, 4000);

// Connect (and authenticate as the super user, when given) within timeoutMs, or fail with ZK_UNREACHABLE. The servers
// are tried in turn from a random one, each for its share of the deadline (a silent one must not take it all).
export const openSession = async (options: SessionOptions): Promise<ZkSession> => {
  const servers = serverAddresses(options.connectString);
  const deadline = Date.now() + options.timeoutMs;
  const share = Math.max(Math.floor(options.timeoutMs / Math.max(servers.length, 1)), 250);
  let next = Math.floor(Math.random() * servers.length);
  while (servers.length > 0 && Date.now() < deadline) {
    const server = servers[next++ % servers.length] as { host: string; port: number };
    const result = await attempt(server, options, Math.min(share, deadline - Date.now()));
    if (result.ok) return result.session;
    if (result.final) throw result.final;
    const pause = Math.min(RETRY_PAUSE_MS, deadline - Date.now());
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
  }
  throw new AgentError(
    COMMON_CODES.ZK_UNREACHABLE,
    `no ZooKeeper session with ${options.connectString} within ${options.timeoutMs}ms (down, or not serving: no quorum)`,
    {
      context: { connectString: options.connectString, timeoutMs: options.timeoutMs },
    },
  );
};
