// The ZooKeeper admin operations zk-bootstrap needs, in-process (no zkCli, no second JVM): sync, getConfig and
// reconfig (opcode 16) on a session of zk-session.ts (super-user digest auth when given). Every call has its deadline.
import { zkError, type ZkSession } from '../common/zk-session.ts';
import * as wire from '../common/zk-wire.ts';
import { CODE } from '../common/zk-codes.ts';

export { openSession, zkError, type DigestAuth, type SessionOptions, type ZkSession } from '../common/zk-session.ts';

// sync(path): the server we talk to catches up with the leader, so a following read is not stale.
export const sync = async (session: ZkSession, path = '/'): Promise<void> => {
  await session.call('sync', (xid) => wire.syncRequest(xid, path));
};

export type EnsembleConfig = { readonly text: string; readonly version: string | undefined };

const configFrom = (reply: wire.Reply, what: string, connectString: string): EnsembleConfig => {
  const data = wire.replyData(reply.body);
  if (data === undefined) throw zkError(CODE.MARSHALLING_ERROR, what, connectString);
  const text = data.toString('utf8');
  return { text, version: /^version=([0-9a-fA-F]+)\s*$/m.exec(text)?.[1] };
};

// getConfig as the Java client does it: sync, then read /zookeeper/config (world-readable, no auth needed).
export const getConfig = async (session: ZkSession): Promise<EnsembleConfig> => {
  await sync(session, '/zookeeper/config');
  const reply = await session.call('getConfig', (xid) => wire.getDataRequest(xid, '/zookeeper/config'));
  return configFrom(reply, 'getConfig', session.connectString);
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
export const reconfig = async (session: ZkSession, request: ReconfigRequest): Promise<EnsembleConfig> => {
  const fields: wire.ReconfigFields = {
    joining: request.joining ?? null,
    leaving: request.leaving ?? null,
    newMembers: request.newMembers ?? null,
    configId: request.fromConfig === undefined ? -1n : BigInt.asIntN(64, BigInt(`0x${request.fromConfig}`)),
  };
  const what = `reconfig${fields.joining ? ` add ${fields.joining}` : ''}${fields.leaving ? ` remove ${fields.leaving}` : ''}${fields.newMembers ? ` members ${fields.newMembers}` : ''}`;
  const reply = await session.call(what, (xid) => wire.reconfigRequest(xid, fields));
  return configFrom(reply, what, session.connectString);
};
