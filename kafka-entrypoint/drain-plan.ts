// Whether a stopping broker drains, and where each replica it holds goes. Pure.
//
// As for controllers (leave-plan.ts), a scale-down and a restart look the same from inside the pod, so the intent
// comes from outside: -brokers-file holds the broker set's desired size (a ConfigMap key lowered before
// `kubectl scale`). A broker whose ordinal is at or past it drains before its JVM stops; anything else keeps its
// replicas and comes back with its volume. Every broker at or past the count is a source, never a target, so
// scaling 5 -> 3 moves each replica once (kafka-4 drains first, then kafka-3).
import { desiredFromText } from './leave-plan.ts';

export type Broker = { readonly id: number; readonly rack: string | undefined };
export type Partition = { readonly topic: string; readonly partition: number; readonly replicas: readonly number[] };
export type Move = { readonly topic: string; readonly partition: number; readonly from: readonly number[]; readonly to: readonly number[] };

export type DrainFacts = {
  readonly nodeId: number;
  /** The live brokers (this one included) with their broker.rack. */
  readonly brokers: readonly Broker[];
  readonly partitions: readonly Partition[];
  /** min.insync.replicas per topic (the topic's, else the broker default). */
  readonly minIsr: ReadonlyMap<string, number>;
  /** Broker ids at or past the desired count: they receive nothing. */
  readonly leaving: ReadonlySet<number>;
};

export type DrainPlan =
  | { readonly kind: 'nothing'; readonly reason: string }
  | { readonly kind: 'move'; readonly moves: readonly Move[]; readonly shrunk: readonly string[] }
  | { readonly kind: 'refuse'; readonly code: 'DRAIN_BELOW_MIN_ISR' | 'DRAIN_LAST_REPLICA'; readonly partitions: readonly string[]; readonly message: string };

export type DesiredBrokers = { readonly kind: 'count'; readonly count: number } | { readonly kind: 'unknown'; readonly reason: string };

// The same file format as -controllers-file's.
export const brokersFromText = (text: string): DesiredBrokers => desiredFromText(text) as DesiredBrokers;

export type DrainIntent = { readonly kind: 'drain' | 'keep'; readonly reason: string };

// An unreadable count keeps the replicas: a broker stopped without a drain comes back with its volume, a drained
// one on a mere restart has moved its data for nothing (and is then refused at its next start, drain-marker).
export const drainIntent = (ordinal: number, desired: DesiredBrokers): DrainIntent => {
  if (desired.kind === 'unknown')
    return { kind: 'keep', reason: `desired broker count unknown (${desired.reason}): cannot tell a scale-down from a restart, no drain` };
  return ordinal >= desired.count
    ? { kind: 'drain', reason: `ordinal ${ordinal} >= ${desired.count} desired brokers: scale-down` }
    : { kind: 'keep', reason: `ordinal ${ordinal} < ${desired.count} desired brokers: a restart, not a scale-down` };
};

const name = (p: Partition): string => `${p.topic}-${p.partition}`;

// The target for one replica: not already a replica; the leaving replica's rack first (keeps the spread as it is),
// else a rack no other replica uses; then the broker holding fewest replicas after the moves so far; then lowest id.
const pick = (
  candidates: readonly Broker[],
  replicas: readonly number[],
  rackOf: ReadonlyMap<number, string | undefined>,
  leavingRack: string | undefined,
  load: Map<number, number>,
): Broker | undefined => {
  const usedRacks = new Set(replicas.map((id) => rackOf.get(id)).filter((r) => r !== undefined));
  const score = (b: Broker): number => (leavingRack !== undefined && b.rack === leavingRack ? 0 : b.rack !== undefined && !usedRacks.has(b.rack) ? 1 : 2);
  return candidates
    .filter((b) => !replicas.includes(b.id))
    .toSorted((a, b) => score(a) - score(b) || (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0) || a.id - b.id)[0];
};

/**
 * Replace this broker in every replica list it is in, in place (the leader order is kept: a preferred leader that
 * leaves is replaced at the head). When no broker is left to take a replica, the partition shrinks by one if it
 * keeps at least min.insync.replicas (and one) replicas; otherwise nothing moves at all and the plan says which
 * partitions and why, so that a partial move never leaves some partitions drained and others not.
 */
export const drainPlan = (f: DrainFacts): DrainPlan => {
  const rackOf = new Map(f.brokers.map((b) => [b.id, b.rack]));
  const targets = f.brokers.filter((b) => b.id !== f.nodeId && !f.leaving.has(b.id)).toSorted((a, b) => a.id - b.id);
  const load = new Map<number, number>(targets.map((b) => [b.id, 0]));
  for (const p of f.partitions) for (const id of p.replicas) if (load.has(id)) load.set(id, (load.get(id) ?? 0) + 1);
  const held = f.partitions.filter((p) => p.replicas.includes(f.nodeId)).toSorted((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  if (held.length === 0) return { kind: 'nothing', reason: `broker ${f.nodeId} holds no replica` };
  const moves: Move[] = [];
  const shrunk: string[] = [];
  const lastReplica: string[] = [];
  const belowMinIsr: string[] = [];
  for (const p of held) {
    const target = pick(targets, p.replicas, rackOf, rackOf.get(f.nodeId), load);
    if (target) {
      load.set(target.id, (load.get(target.id) ?? 0) + 1);
      moves.push({ topic: p.topic, partition: p.partition, from: p.replicas, to: p.replicas.map((id) => (id === f.nodeId ? target.id : id)) });
      continue;
    }
    const to = p.replicas.filter((id) => id !== f.nodeId);
    const minIsr = f.minIsr.get(p.topic) ?? 1;
    if (to.length === 0) lastReplica.push(name(p));
    else if (to.length < minIsr) belowMinIsr.push(`${name(p)} (RF ${p.replicas.length}, min.insync.replicas ${minIsr})`);
    else {
      shrunk.push(`${name(p)} RF ${p.replicas.length}->${to.length}`);
      moves.push({ topic: p.topic, partition: p.partition, from: p.replicas, to });
    }
  }
  const remaining = `${targets.length} broker(s) remain (${targets.map((b) => b.id).join(',') || 'none'})`;
  if (lastReplica.length > 0) {
    return {
      kind: 'refuse',
      code: 'DRAIN_LAST_REPLICA',
      partitions: lastReplica,
      message: `broker ${f.nodeId} holds the only replica of ${list(lastReplica)} and ${remaining}: raise the broker count in -brokers-file back, or delete the topic first`,
    };
  }
  if (belowMinIsr.length > 0) {
    return {
      kind: 'refuse',
      code: 'DRAIN_BELOW_MIN_ISR',
      partitions: belowMinIsr,
      message: `draining broker ${f.nodeId} would leave ${list(belowMinIsr)} below min.insync.replicas, ${remaining}: raise the broker count in -brokers-file back, or lower the topics' replication factor first`,
    };
  }
  return { kind: 'move', moves, shrunk };
};

const list = (names: readonly string[]): string => (names.length <= 10 ? names.join(', ') : `${names.slice(0, 10).join(', ')} and ${names.length - 10} more`);

/** What is written on the volume after a complete drain: when, which broker, what moved. */
export type DrainMarker = { readonly nodeId: number; readonly drainedAt: string; readonly moved: readonly string[] };

export const markerText = (m: DrainMarker): string => `${JSON.stringify(m, null, 1)}\n`;

export const parseMarker = (text: string): DrainMarker | undefined => {
  try {
    const m = JSON.parse(text) as Partial<DrainMarker>;
    return typeof m.nodeId === 'number' && typeof m.drainedAt === 'string' && Array.isArray(m.moved) ? (m as DrainMarker) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * A start on a volume that was drained: its partition dirs are copies of replicas now held elsewhere. Refused (exit 2)
 * rather than served: which stray replicas Kafka deletes on its own differs by version and mode, and a broker that
 * leads a stale copy loses acknowledged data. The fix is a fresh volume, or removing the marker to keep the data.
 */
export const returningProblem = (marker: DrainMarker, markerPath: string, pvcHint: string): string =>
  `broker ${marker.nodeId} was drained at ${marker.drainedAt} (${marker.moved.length} replica(s) moved away) and its volume still holds the old log dirs: ` +
  `delete the volume (${pvcHint}) so it starts empty, or remove ${markerPath} to serve the old data knowingly`;

// At start: the refusal message when the volume holds a drain marker and log dirs that were formatted before it.
export const returningCheck = (markerText: string | undefined, hasOldLogDirs: boolean, markerPath: string, pvcHint: string): string | undefined => {
  if (markerText === undefined || !hasOldLogDirs) return undefined;
  const marker = parseMarker(markerText) ?? { nodeId: -1, drainedAt: 'an unknown time (unreadable marker)', moved: [] };
  return returningProblem(marker, markerPath, pvcHint);
};
