// The bytes of the seven ZooKeeper client messages our agents send (jute, big-endian, every message behind a 4-byte
// length): the session handshake, digest auth, sync, getData, getChildren, reconfig (opcode 16) and closeSession, and
// the replies they read. Pure: no sockets (zk-session.ts owns them). Field order from zookeeper.jute (org.apache.zookeeper.proto),
// the same in 3.8 and 3.9.

export const OP = { getData: 4, getChildren: 8, sync: 9, reconfig: 16, auth: 100, closeSession: -11 } as const;
/** Reserved xids: watch notifications, pings and auth replies carry these instead of a request's. */
export const XID = { notification: -1, ping: -2, auth: -4 } as const;
/** A reply frame longer than this is refused (ZooKeeper's own jute.maxbuffer default is 1 MiB less a little). */
export const MAX_FRAME_BYTES = 1024 * 1024 + 1024;

// A field list written once: its length is known before the buffer is allocated.
type Field =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'long'; readonly value: bigint }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'bytes'; readonly value: Uint8Array | null };

const int = (value: number): Field => ({ kind: 'int', value });
const long = (value: bigint): Field => ({ kind: 'long', value });
const bool = (value: boolean): Field => ({ kind: 'bool', value });
const bytes = (value: Uint8Array | null): Field => ({ kind: 'bytes', value });
// jute's ustring: an int length (-1 for null) and UTF-8 bytes.
const ustring = (value: string | null): Field => bytes(value === null ? null : Buffer.from(value, 'utf8'));

const size = (f: Field): number => (f.kind === 'int' ? 4 : f.kind === 'long' ? 8 : f.kind === 'bool' ? 1 : 4 + (f.value?.length ?? 0));

// One length-prefixed frame holding the fields in order.
const frame = (fields: readonly Field[]): Buffer => {
  const length = fields.reduce((sum, f) => sum + size(f), 0);
  const out = Buffer.alloc(4 + length);
  let at = out.writeInt32BE(length, 0);
  for (const f of fields) {
    if (f.kind === 'int') at = out.writeInt32BE(f.value, at);
    else if (f.kind === 'long') at = out.writeBigInt64BE(f.value, at);
    else if (f.kind === 'bool') at = out.writeUInt8(f.value ? 1 : 0, at);
    else if (f.value === null) at = out.writeInt32BE(-1, at);
    else at = out.writeInt32BE(f.value.length, at) + Buffer.from(f.value).copy(out, at + 4);
  }
  return out;
};

/** ConnectRequest: protocol 0, no zxid seen, the session timeout asked for, a new session (id 0, empty password), not read-only. */
export const connectRequest = (sessionTimeoutMs: number): Buffer =>
  frame([int(0), long(0n), int(sessionTimeoutMs), long(0n), bytes(Buffer.alloc(16)), bool(false)]);

/** AuthPacket (type 0, scheme `digest`, `user:password`): the server answers on xid -4. */
export const authRequest = (user: string, secret: string): Buffer =>
  frame([int(XID.auth), int(OP.auth), int(0), ustring('digest'), bytes(Buffer.from(`${user}:${secret}`, 'utf8'))]);

export const syncRequest = (xid: number, path: string): Buffer => frame([int(xid), int(OP.sync), ustring(path)]);

/** GetDataRequest without a watch. */
export const getDataRequest = (xid: number, path: string): Buffer => frame([int(xid), int(OP.getData), ustring(path), bool(false)]);

/** GetChildrenRequest without a watch. */
export const getChildrenRequest = (xid: number, path: string): Buffer => frame([int(xid), int(OP.getChildren), ustring(path), bool(false)]);

export type ReconfigFields = {
  readonly joining: string | null;
  readonly leaving: string | null;
  readonly newMembers: string | null;
  readonly configId: bigint;
};

/** ReconfigRequest: incremental (joining/leaving) or a full member list, and the config version expected (-1: any). */
export const reconfigRequest = (xid: number, r: ReconfigFields): Buffer =>
  frame([int(xid), int(OP.reconfig), ustring(r.joining), ustring(r.leaving), ustring(r.newMembers), long(r.configId)]);

export const closeRequest = (xid: number): Buffer => frame([int(xid), int(OP.closeSession)]);

/** The complete frames at the head of `pending` and the bytes left over; `tooLarge` when a frame announces more than MAX_FRAME_BYTES. */
export const splitFrames = (pending: Buffer): { frames: Buffer[]; rest: Buffer; tooLarge: boolean } => {
  const frames: Buffer[] = [];
  let at = 0;
  while (pending.length - at >= 4) {
    const length = pending.readInt32BE(at);
    if (length < 0 || length > MAX_FRAME_BYTES) return { frames, rest: Buffer.alloc(0), tooLarge: true };
    if (pending.length - at - 4 < length) break;
    frames.push(pending.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return { frames, rest: pending.subarray(at), tooLarge: false };
};

/** ConnectResponse: a timeout of 0 or less means the server refused the session (expired). Undefined when too short. */
export const connectResponse = (body: Buffer): { timeoutMs: number; sessionId: bigint } | undefined =>
  body.length < 16 ? undefined : { timeoutMs: body.readInt32BE(4), sessionId: body.readBigInt64BE(8) };

export type Reply = { readonly xid: number; readonly zxid: bigint; readonly err: number; readonly body: Buffer };

/** ReplyHeader (xid, zxid, err) and the body after it; undefined when shorter than a header. */
export const reply = (frameBody: Buffer): Reply | undefined =>
  frameBody.length < 16
    ? undefined
    : { xid: frameBody.readInt32BE(0), zxid: frameBody.readBigInt64BE(4), err: frameBody.readInt32BE(12), body: frameBody.subarray(16) };

/** The data of a GetDataResponse (also reconfig's reply); the Stat after it is not read. Undefined when malformed. */
export const replyData = (body: Buffer): Buffer | undefined => {
  if (body.length < 4) return undefined;
  const length = body.readInt32BE(0);
  if (length === -1) return Buffer.alloc(0);
  return length < 0 || body.length - 4 < length ? undefined : body.subarray(4, 4 + length);
};

/** The names of a GetChildrenResponse (a jute vector of ustrings). Undefined when malformed. */
export const replyChildren = (body: Buffer): string[] | undefined => {
  if (body.length < 4) return undefined;
  const count = body.readInt32BE(0);
  if (count === -1) return [];
  if (count < 0 || count > body.length) return undefined;
  const names: string[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    if (body.length - at < 4) return undefined;
    const length = body.readInt32BE(at);
    if (length < 0 || body.length - at - 4 < length) return undefined;
    names.push(body.toString('utf8', at + 4, at + 4 + length));
    at += 4 + length;
  }
  return names;
};
