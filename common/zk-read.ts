// Reading znodes on a session of zk-session.ts: the data of one node and the names under one, with a missing node
// as `undefined` (a fact to decide on, not an error). kafka-entrypoint's migration checks read Kafka's znodes this way.
import { zkError, type ZkSession } from './zk-session.ts';
import * as wire from './zk-wire.ts';
import { CODE } from './zk-codes.ts';
import { isAgentError } from './errors.ts';

const missingAsUndefined = async <T>(call: Promise<T>): Promise<T | undefined> => {
  try {
    return await call;
  } catch (error) {
    if (isAgentError(error) && error.code === 'ZK_NO_NODE') return undefined;
    throw error;
  }
};

/** The data of `path` as UTF-8 text, or undefined when there is no such node. */
export const readData = async (session: ZkSession, path: string): Promise<string | undefined> =>
  missingAsUndefined(
    session
      .call(`getData ${path}`, (xid) => wire.getDataRequest(xid, path))
      .then((reply) => {
        const data = wire.replyData(reply.body);
        if (data === undefined) throw zkError(CODE.MARSHALLING_ERROR, `getData ${path}`, session.connectString);
        return data.toString('utf8');
      }),
  );

/** The names of the children of `path`, sorted, or undefined when there is no such node. */
export const readChildren = async (session: ZkSession, path: string): Promise<string[] | undefined> =>
  missingAsUndefined(
    session
      .call(`getChildren ${path}`, (xid) => wire.getChildrenRequest(xid, path))
      .then((reply) => {
        const names = wire.replyChildren(reply.body);
        if (names === undefined) throw zkError(CODE.MARSHALLING_ERROR, `getChildren ${path}`, session.connectString);
        return names.sort();
      }),
  );
