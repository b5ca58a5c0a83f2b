// What a Kafka health check concludes from the node's answers (kafka-probe's exec checks, kafka-entrypoint's
// /livez and /readyz): pure, so every case is a table row in the tests.
import { errorName, type ApiVersions, type DescribeQuorum, type Metadata } from './kafka-messages.ts';
import type { Verdict } from './probe-verdict.ts';

export type { Verdict };

// live: the listener answers ApiVersions (answered before authentication, cheap, no metadata involved).
export const liveVerdict = (versions: ApiVersions): Verdict =>
  versions.errorCode === 0
    ? { kind: 'ok', detail: `ApiVersions answered (${versions.apis.size} APIs)` }
    : { kind: 'fail', detail: `ApiVersions error ${errorName(versions.errorCode)}` };

// Broker ready: its own id is in the Metadata answer of its own listener. Kafka lists only registered, unfenced
// brokers there (KRaft) or live /brokers/ids registrations (ZooKeeper mode), so "some broker answered" is not enough
// (the seed's kafka-broker-api-versions probe passed, or looped forever, without this node being registered).
export const brokerVerdict = (metadata: Metadata, nodeId: number): Verdict => {
  const ids = metadata.brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  if (ids.includes(nodeId)) return { kind: 'ok', detail: `node ${nodeId} registered; live brokers ${ids.join(',')}; controller ${metadata.controllerId}` };
  return { kind: 'fail', detail: `node ${nodeId} not in metadata yet (starting or fenced); live brokers [${ids.join(',')}]` };
};

// Controller ready: a voter of the quorum whose log caught up with the leader recently. Strimzi's KafkaQuorumCheck
// uses the same rule: lastCaughtUpTimestamp within controller.quorum.fetch.timeout.ms of the leader's.
export const controllerVerdict = (quorum: DescribeQuorum, nodeId: number, maxLagMs: number): Verdict => {
  const code = quorum.errorCode || quorum.partitionErrorCode;
  if (code !== 0) return { kind: 'fail', detail: `DescribeQuorum error ${errorName(code)}` };
  if (quorum.leaderId === nodeId)
    return { kind: 'ok', detail: `node ${nodeId} leads the quorum (epoch ${quorum.leaderEpoch}, ${quorum.voters.length} voters)` };
  const self = quorum.voters.find((v) => v.replicaId === nodeId);
  if (!self) {
    const observer = quorum.observers.some((o) => o.replicaId === nodeId);
    return { kind: 'fail', detail: `node ${nodeId} is ${observer ? 'an observer, not yet a voter' : 'not in the quorum'} (leader ${quorum.leaderId})` };
  }
  const leader = quorum.voters.find((v) => v.replicaId === quorum.leaderId);
  const lag = leader ? Number(leader.lastCaughtUpTimestamp - self.lastCaughtUpTimestamp) : Number.POSITIVE_INFINITY;
  if (self.lastCaughtUpTimestamp < 0n || lag > maxLagMs) {
    return {
      kind: 'fail',
      detail: `node ${nodeId} is a voter but not caught up (${Number.isFinite(lag) ? `${lag} ms behind` : 'never caught up'}; leader ${quorum.leaderId})`,
    };
  }
  return { kind: 'ok', detail: `node ${nodeId} is a caught-up voter (leader ${quorum.leaderId}, epoch ${quorum.leaderEpoch}, lag ${lag} ms)` };
};

// A failed connection or request: refused, closed and timed out all mean "fail" (kubelet treats timeouts so).
export const errorVerdict = (code: string | undefined, message: string): Verdict => ({ kind: 'fail', detail: `${message}${code ? ` [${code}]` : ''}` });
