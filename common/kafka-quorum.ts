// Questions about a KRaft controller quorum over a controller listener: who leads (DescribeCluster, KIP-919) and
// who votes (DescribeQuorum, answered by the leader only). Shared by kafka-probe (controller ready) and
// kafka-entrypoint (the founding check, leaving the quorum). Sessions come from kafka-session.ts (TLS, SASL).
import { AgentError } from './errors.ts';
import * as m from './kafka-messages.ts';
import type { OpenSession, Session } from './kafka-session.ts';

// The version to send, or API_UNSUPPORTED naming what the listener lacks.
export const versionOf = (versions: m.ApiVersions, key: number, ours: m.VersionRange, name: string): number => {
  const v = m.pickVersion(versions.apis, key, ours);
  if (v === undefined)
    throw new AgentError('API_UNSUPPORTED', `this listener does not serve ${name} v${ours.min}-${ours.max} (a controller listener has no Metadata)`);
  return v;
};

// DescribeCluster with endpoint type 2 (controllers): the active controller, i.e. the quorum leader, and its endpoint.
export const describeControllers = async (s: Session): Promise<m.DescribeCluster> => {
  const v = versionOf(s.versions, m.API.DescribeCluster, m.DESCRIBE_CLUSTER_VERSIONS, 'DescribeCluster');
  return m.parseDescribeCluster(await s.conn.request(m.describeClusterRequest(v, 2)), v);
};

export const describeQuorum = async (s: Session): Promise<m.DescribeQuorum> => {
  const v = versionOf(s.versions, m.API.DescribeQuorum, m.DESCRIBE_QUORUM_VERSIONS, 'DescribeQuorum');
  return m.parseDescribeQuorum(await s.conn.request(m.describeQuorumRequest(v)), v);
};

export type QuorumView =
  | { readonly kind: 'ok'; readonly leaderId: number; readonly quorum: m.DescribeQuorum; readonly leader: Session }
  | { readonly kind: 'no-leader'; readonly detail: string }
  | { readonly kind: 'no-endpoint'; readonly detail: string };

// Ask the controller behind `first` who leads, then ask the leader for the quorum. `firstId` is the node id behind
// `first` when known, so a leader is not dialled twice. The caller closes `leader` when it is not `first`.
export const quorumView = async (open: OpenSession, first: Session, firstId?: number): Promise<QuorumView> => {
  const cluster = await describeControllers(first);
  if (cluster.errorCode !== 0)
    return { kind: 'no-leader', detail: `DescribeCluster error ${m.errorName(cluster.errorCode)} ${cluster.errorMessage ?? ''}`.trim() };
  if (cluster.controllerId < 0) return { kind: 'no-leader', detail: 'no quorum leader known yet' };
  let leader = first;
  if (cluster.controllerId !== firstId) {
    const node = cluster.nodes.find((n) => n.nodeId === cluster.controllerId);
    if (!node) return { kind: 'no-endpoint', detail: `leader ${cluster.controllerId} has no endpoint in DescribeCluster` };
    if (node.host !== first.conn.endpoint.host || node.port !== first.conn.endpoint.port) leader = await open({ host: node.host, port: node.port });
  }
  try {
    return { kind: 'ok', leaderId: cluster.controllerId, quorum: await describeQuorum(leader), leader };
  } catch (error) {
    if (leader !== first) leader.conn.close();
    throw error;
  }
};
