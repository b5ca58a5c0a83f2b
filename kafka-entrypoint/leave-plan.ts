// Whether a stopping KRaft controller leaves the quorum (KIP-853 RemoveRaftVoter), and what to send. Pure.
//
// A scale-down and a restart look the same from inside the pod (SIGTERM, preStop), so the intent comes from outside:
// a file holding the controller set's desired size (a ConfigMap key, changed before `kubectl scale`). A controller
// whose ordinal is at or past that size is being removed; anything else (rolling update, eviction, crash) keeps its
// vote and comes back with its volume. When the file cannot be read the controller stays: a dead voter left behind
// is one `kafka-metadata-quorum remove-controller` away, a wrongly removed one is gone for good on Kafka < 4.2.
import { parseProperties } from '../common/java-properties.ts';
import { excerpt } from '../common/log.ts';
import { targetFromProperties } from '../common/kafka-target.ts';
import { parseEndpoints, type Endpoint } from '../common/kafka-endpoint.ts';
import { errorName, type DescribeQuorum } from '../common/kafka-messages.ts';
import type { Security } from '../common/kafka-security.ts';
import { parseMeta } from './storage-plan.ts';
import type { LeaveRefusal } from './catalogue.ts';

export type LeaveSettings = {
  /** The server.properties kafka-entrypoint wrote for this node. */
  readonly serverProperties: string;
  readonly ordinal: number;
  /** File with the controller set's desired size; undefined: leave unconditionally (by hand). */
  readonly controllersFile: string | undefined;
  readonly timeoutMs: number;
  /** How the controllers are spoken to (-command-config): their listener may be SSL or SASL. */
  readonly security: Security;
};

export type LeaveFacts = {
  readonly nodeId: number;
  readonly isController: boolean;
  readonly quorum: 'static' | 'dynamic';
  /** controller.quorum.bootstrap.servers: where the quorum is asked. */
  readonly bootstrap: readonly Endpoint[];
  /** This node's own controller listener, dialled on loopback. */
  readonly ownController: Endpoint | undefined;
  readonly metadataDir: string;
  readonly autoJoin: boolean;
};

// What leaving needs from the server.properties kafka-entrypoint wrote, or why it cannot be read.
export const leaveFacts = (serverProperties: string): LeaveFacts | string => {
  const parsed = parseProperties(serverProperties);
  if (!parsed.ok) return `line ${parsed.line}: ${parsed.reason}`;
  const p = parsed.props;
  const target = targetFromProperties(p);
  if (!target.ok) return target.problem;
  const bootstrapText = p.get('controller.quorum.bootstrap.servers');
  const bootstrap = bootstrapText === undefined ? [] : parseEndpoints(bootstrapText);
  if (bootstrap === undefined) return `controller.quorum.bootstrap.servers=${excerpt(bootstrapText ?? '')} is not host:port,...`;
  const metadataDir = p.get('metadata.log.dir') ?? (p.get('log.dirs') ?? p.get('log.dir') ?? '').split(',')[0]?.trim();
  if (!metadataDir) return 'log.dirs is missing';
  return {
    nodeId: target.target.nodeId,
    isController: target.target.roles.includes('controller'),
    quorum: bootstrap.length > 0 && !p.has('controller.quorum.voters') ? 'dynamic' : 'static',
    bootstrap,
    ownController: target.target.controller,
    metadataDir,
    autoJoin: p.get('controller.quorum.auto.join.enable') === 'true',
  };
};

/** The desired controller count: `unset` when no file was configured (an explicit `leave` by hand). */
export type Desired = { readonly kind: 'unset' } | { readonly kind: 'count'; readonly count: number } | { readonly kind: 'unknown'; readonly reason: string };

export const desiredFromText = (text: string): Desired => {
  const trimmed = text.trim();
  return /^\d{1,4}$/.test(trimmed) && Number(trimmed) >= 1
    ? { kind: 'count', count: Number(trimmed) }
    : { kind: 'unknown', reason: `${excerpt(trimmed, 40)} is not a whole number >= 1` };
};

export type LeaveIntent = { readonly kind: 'stay' | 'leave'; readonly reason: string };

export const leaveIntent = (facts: LeaveFacts, ordinal: number, desired: Desired): LeaveIntent => {
  if (!facts.isController) return { kind: 'stay', reason: 'not a controller' };
  if (facts.quorum === 'static') return { kind: 'stay', reason: 'static quorum: controller.quorum.voters is fixed' };
  if (desired.kind === 'unset') return { kind: 'leave', reason: 'asked to leave' };
  if (desired.kind === 'unknown')
    return { kind: 'stay', reason: `desired controller count unknown (${desired.reason}): cannot tell a scale-down from a restart, keeping the vote` };
  return ordinal >= desired.count
    ? { kind: 'leave', reason: `ordinal ${ordinal} >= ${desired.count} desired controllers: scale-down` }
    : { kind: 'stay', reason: `ordinal ${ordinal} < ${desired.count} desired controllers: a restart, not a scale-down` };
};

// This node's directory id and cluster id from meta.properties on its metadata log dir (empty when unreadable).
export const ownMeta = (metaText: string | undefined): { readonly directoryId?: string; readonly clusterId?: string } => {
  const meta = metaText === undefined ? undefined : parseMeta(metaText);
  if (typeof meta !== 'object') return {};
  return { ...(meta.directoryId !== undefined && { directoryId: meta.directoryId }), ...(meta.clusterId !== undefined && { clusterId: meta.clusterId }) };
};

export type RemovalStep =
  | { readonly kind: 'done'; readonly reason: string }
  | { readonly kind: 'retry'; readonly reason: string }
  | { readonly kind: 'refuse'; readonly code: LeaveRefusal; readonly reason: string }
  | { readonly kind: 'remove'; readonly voterId: number; readonly directoryId: string };

// From the leader's DescribeQuorum answer: done when this node no longer votes, never remove the last voter.
export const removalStep = (quorum: DescribeQuorum, nodeId: number, ownDirectory: string | undefined): RemovalStep => {
  const code = quorum.errorCode || quorum.partitionErrorCode;
  if (code !== 0) return { kind: 'retry', reason: `DescribeQuorum error ${errorName(code)}` };
  const self = quorum.voters.find((v) => v.replicaId === nodeId);
  if (!self) return { kind: 'done', reason: `node ${nodeId} is not a voter (voters ${quorum.voters.map((v) => v.replicaId).join(',')})` };
  if (quorum.voters.length === 1)
    return { kind: 'refuse', code: 'LAST_VOTER', reason: `node ${nodeId} is the last voter of the quorum; removing it would leave no quorum` };
  // The leader's entry names the incarnation that votes; a scale-down removes this node id whatever disk it had.
  const directoryId = self.directoryId ?? ownDirectory;
  if (directoryId === undefined)
    return { kind: 'refuse', code: 'NO_DIRECTORY_ID', reason: `node ${nodeId}: no directory id in DescribeQuorum or meta.properties` };
  return { kind: 'remove', voterId: nodeId, directoryId };
};

// What a RemoveRaftVoter answer means: sent (confirm on the next round), retry, or a refusal to report.
export const removalAnswer = (errorCode: number, message: string | null): RemovalStep | { readonly kind: 'sent' } => {
  if (errorCode === 0) return { kind: 'sent' };
  const detail = `RemoveRaftVoter error ${errorName(errorCode)}${message ? `: ${message}` : ''}`;
  // Another voter change in flight, a new leader without a high watermark yet, or a leader change: ask again.
  // VOTER_NOT_FOUND is also asked again: the next DescribeQuorum tells "already gone" from "last voter".
  if ([6, 7, 41, 127].includes(errorCode)) return { kind: 'retry', reason: detail };
  return { kind: 'refuse', code: 'REMOVE_REFUSED', reason: detail };
};
