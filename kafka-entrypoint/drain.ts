// Drain a scaled-away broker through its own still-running JVM (drain-plan.ts decides): read the cluster, set
// replication throttles, submit one reassignment, wait for it inside the deadline, remove the throttles it set, and
// write the drain marker on the volume. Run by the entrypoint between the pod's SIGTERM and the JVM's stop
// (common/supervise.ts beforeStop). kafkajs is loaded only here, so a normal start never loads it.
import { AgentError } from '../common/errors.ts';
import { replaceFileAtomically } from '../common/files.ts';
import { realLeaveEffects } from './leave.ts';
import { log } from '../common/log.ts';
import { endpointText, type Endpoint } from '../common/kafka-endpoint.ts';
import type tls from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import type { Security } from '../common/kafka-security.ts';
import { tlsOptions } from '../common/kafka-session.ts';
import { brokersFromText, drainIntent, drainPlan, markerText, type Broker, type DesiredBrokers, type Move, type Partition } from './drain-plan.ts';
import { CODES, EVENTS } from './catalogue.ts';

export type DrainSettings = {
  readonly ordinal: number;
  readonly nodeId: number;
  /** broker id = ordinal + offset: ids whose ordinal is at or past the count are leaving too. */
  readonly brokerIdOffset: number;
  readonly brokersFile: string;
  /** This broker's own listener on loopback (PLAINTEXT). */
  readonly endpoint: Endpoint;
  /** Bytes/s per broker while replicas move (leader and follower.replication.throttled.rate). */
  readonly throttleBytes: number;
  readonly timeoutMs: number;
  readonly markerFile: string;
  /** How the broker listener is spoken to (-command-config): TLS and SASL as for the entrypoint's other calls. */
  readonly security: Security;
};

/** The admin calls a drain makes; kafkajs's Admin has them, a test may fake them. */
export type DrainAdmin = {
  readonly brokers: () => Promise<readonly Broker[]>;
  readonly partitions: () => Promise<readonly Partition[]>;
  readonly minIsr: (topics: readonly string[]) => Promise<ReadonlyMap<string, number>>;
  /** Read-modify-write of dynamic configs (kafkajs 2.2.4 has no IncrementalAlterConfigs); returns the prior values. */
  readonly setConfigs: (
    kind: 'broker' | 'topic',
    name: string,
    set: ReadonlyMap<string, string | undefined>,
  ) => Promise<ReadonlyMap<string, string | undefined>>;
  readonly reassign: (moves: readonly Move[]) => Promise<void>;
  /** Partitions (topic-partition) still being reassigned among `moves`. */
  readonly ongoing: (moves: readonly Move[]) => Promise<readonly string[]>;
  readonly close: () => Promise<void>;
};

export type DrainEffects = {
  readonly readText: (file: string) => Promise<string | { readonly error: string }>;
  readonly writeText: (file: string, text: string) => Promise<void>;
  readonly admin: (endpoint: Endpoint, security: Security) => Promise<DrainAdmin>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
};

export type DrainOutcome = { readonly kind: 'kept' | 'nothing' | 'drained' | 'refused' | 'timed-out'; readonly detail: string; readonly code?: string };

const POLL_MS = 1000;
const key = (m: { topic: string; partition: number }): string => `${m.topic}-${m.partition}`;

// Topic throttle lists as kafka-reassign-partitions.sh writes them: the current replicas may be throttled as leaders,
// the added ones as followers ("partition:broker,...").
export const throttleLists = (moves: readonly Move[]): Map<string, { leader: string[]; follower: string[] }> => {
  const byTopic = new Map<string, { leader: string[]; follower: string[] }>();
  for (const m of moves) {
    const lists = byTopic.get(m.topic) ?? { leader: [], follower: [] };
    lists.leader.push(...m.from.map((id) => `${m.partition}:${id}`));
    lists.follower.push(...m.to.filter((id) => !m.from.includes(id)).map((id) => `${m.partition}:${id}`));
    byTopic.set(m.topic, lists);
  }
  return byTopic;
};

type Undo = { readonly kind: 'broker' | 'topic'; readonly name: string; readonly prior: ReadonlyMap<string, string | undefined> };

const setThrottles = async (admin: DrainAdmin, moves: readonly Move[], rate: number): Promise<Undo[]> => {
  const undo: Undo[] = [];
  const involved = new Set(moves.flatMap((m) => [...m.from, ...m.to]));
  for (const id of [...involved].toSorted((a, b) => a - b)) {
    const set = new Map([
      ['leader.replication.throttled.rate', String(rate)],
      ['follower.replication.throttled.rate', String(rate)],
    ]);
    undo.push({ kind: 'broker', name: String(id), prior: await admin.setConfigs('broker', String(id), set) });
  }
  for (const [topic, lists] of throttleLists(moves)) {
    const set = new Map([
      ['leader.replication.throttled.replicas', lists.leader.join(',')],
      ['follower.replication.throttled.replicas', lists.follower.join(',')],
    ]);
    undo.push({ kind: 'topic', name: topic, prior: await admin.setConfigs('topic', topic, set) });
  }
  return undo;
};

// Each throttle back to what it was before the drain (removed when it was unset).
const removeThrottles = async (admin: DrainAdmin, undo: readonly Undo[]): Promise<void> => {
  for (const u of undo) {
    try {
      await admin.setConfigs(u.kind, u.name, u.prior);
    } catch (error) {
      log.error(EVENTS['kafka-entrypoint.drain-throttle-left'], {
        code: CODES.DRAIN_THROTTLE_LEFT.code,
        resource: `${u.kind} ${u.name}`,
        keys: [...u.prior.keys()].join(','),
        error: (error as Error).message,
        hint: 'kafka-configs.sh --alter --delete-config ...',
      });
    }
  }
};

const readDesired = async (file: string, fx: DrainEffects): Promise<DesiredBrokers> => {
  const text = await fx.readText(file);
  if (typeof text === 'string') return brokersFromText(text);
  // deploy/ sets the key only for a scale-down: its absence is the normal case, not a fault.
  return {
    kind: 'unknown',
    reason: text.error.startsWith('ENOENT') ? `no count in ${file} (set only for a scale-down)` : `${file} cannot be read: ${text.error}`,
  };
};

export const drainBroker = async (s: DrainSettings, fx: DrainEffects): Promise<DrainOutcome> => {
  const desired = await readDesired(s.brokersFile, fx);
  const intent = drainIntent(s.ordinal, desired);
  log.info(EVENTS['kafka-entrypoint.drain-decision'], { nodeId: s.nodeId, decision: intent.kind, reason: intent.reason });
  if (intent.kind === 'keep' || desired.kind !== 'count') return { kind: 'kept', detail: intent.reason };
  const started = fx.now();
  const deadline = started + s.timeoutMs;
  const admin = await fx.admin(s.endpoint, s.security);
  try {
    const brokers = await admin.brokers();
    const partitions = await admin.partitions();
    const minIsr = await admin.minIsr([...new Set(partitions.map((p) => p.topic))]);
    const leaving = new Set(brokers.filter((b) => b.id - s.brokerIdOffset >= desired.count).map((b) => b.id));
    const plan = drainPlan({ nodeId: s.nodeId, brokers, partitions, minIsr, leaving });
    if (plan.kind === 'refuse') return { kind: 'refused', code: plan.code, detail: plan.message };
    const moves = plan.kind === 'move' ? plan.moves : [];
    if (plan.kind === 'move') {
      log.info(EVENTS['kafka-entrypoint.drain-moving'], {
        nodeId: s.nodeId,
        partitions: moves.length,
        throttleBytes: s.throttleBytes,
        shrunk: plan.shrunk.join(',') || undefined,
        via: endpointText(s.endpoint),
      });
      const undo = await setThrottles(admin, moves, s.throttleBytes);
      try {
        await admin.reassign(moves);
        for (;;) {
          const left = await admin.ongoing(moves);
          if (left.length === 0) break;
          if (fx.now() + POLL_MS > deadline) {
            return {
              kind: 'timed-out',
              code: 'DRAIN_TIMEOUT',
              detail: `${left.length} partition(s) still moving after ${s.timeoutMs} ms (${left.slice(0, 10).join(', ')}): the reassignment goes on without this broker; check with kafka-reassign-partitions.sh --verify, raise -drain-timeout and terminationGracePeriodSeconds`,
            };
          }
          await fx.sleep(POLL_MS);
        }
      } finally {
        await removeThrottles(admin, undo);
      }
    }
    const moved = moves.map(key);
    await fx.writeText(s.markerFile, markerText({ nodeId: s.nodeId, drainedAt: new Date(fx.now()).toISOString(), moved }));
    return plan.kind === 'nothing'
      ? { kind: 'nothing', detail: plan.reason }
      : { kind: 'drained', detail: `${moved.length} replica(s) moved in ${fx.now() - started} ms` };
  } finally {
    await admin.close().catch(() => {});
  }
};

// kafkajs's client options for a listener secured as -command-config says: TLS with the same PEM material as the
// session layer's, SASL PLAIN / SCRAM with the same credentials (kafkajs speaks all three mechanisms).
export const kafkajsSecurity = (security: Security): { ssl?: tls.ConnectionOptions | boolean; sasl?: SASLOptions } => ({
  ...((security.protocol === 'SSL' || security.protocol === 'SASL_SSL') && { ssl: tlsOptions(security.tls) ?? true }),
  ...(security.sasl && {
    sasl: { mechanism: security.sasl.mechanism.toLowerCase(), username: security.sasl.username, password: security.sasl.password } as SASLOptions,
  }),
});

// kafkajs behind DrainAdmin.
export const kafkajsAdmin = async (endpoint: Endpoint, security: Security): Promise<DrainAdmin> => {
  const { Kafka, logLevel, ConfigResourceTypes } = await import('kafkajs');
  const admin = new Kafka({
    clientId: 'kafka-entrypoint-drain',
    brokers: [endpointText(endpoint)],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3 },
    ...kafkajsSecurity(security),
  }).admin();
  await admin.connect();
  const typeOf = (kind: 'broker' | 'topic') => (kind === 'broker' ? ConfigResourceTypes.BROKER : ConfigResourceTypes.TOPIC);
  const dynamicSource = (kind: 'broker' | 'topic'): number => (kind === 'broker' ? 2 : 1);
  return {
    brokers: async () => {
      const { brokers } = await admin.describeCluster();
      const described = await admin.describeConfigs({
        resources: brokers.map((b) => ({ type: ConfigResourceTypes.BROKER, name: String(b.nodeId), configNames: ['broker.rack'] })),
        includeSynonyms: false,
      });
      const rackOf = new Map(
        described.resources.map((r) => [r.resourceName, r.configEntries.find((e) => e.configName === 'broker.rack')?.configValue || undefined]),
      );
      return brokers.map((b) => ({ id: b.nodeId, rack: rackOf.get(String(b.nodeId)) ?? undefined }));
    },
    partitions: async () => {
      const { topics } = await admin.fetchTopicMetadata();
      return topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionId, replicas: p.replicas })));
    },
    minIsr: async (topics) => {
      if (topics.length === 0) return new Map();
      const described = await admin.describeConfigs({
        resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['min.insync.replicas'] })),
        includeSynonyms: false,
      });
      return new Map(
        described.resources.map((r) => [r.resourceName, Number(r.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue ?? 1)]),
      );
    },
    setConfigs: async (kind, name, set) => {
      const [current] = (await admin.describeConfigs({ resources: [{ type: typeOf(kind), name }], includeSynonyms: false })).resources;
      const dynamic = (current?.configEntries ?? []).filter((e) => Number(e.configSource) === dynamicSource(kind));
      // AlterConfigs replaces every dynamic config of the resource: a password (never returned) would be erased.
      if (dynamic.some((e) => e.isSensitive))
        throw new AgentError(CODES.DRAIN_SENSITIVE_CONFIG, `${kind} ${name} has a dynamic password config that AlterConfigs would erase; not throttled`);
      const entries = new Map(dynamic.map((e) => [e.configName, e.configValue]));
      const prior = new Map([...set.keys()].map((k) => [k, entries.get(k)]));
      for (const [k, v] of set) {
        if (v === undefined) entries.delete(k);
        else entries.set(k, v);
      }
      await admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: typeOf(kind), name, configEntries: [...entries].map(([n, value]) => ({ name: n, value })) }],
      });
      return prior;
    },
    reassign: async (moves) => {
      const byTopic = new Map<string, { partition: number; replicas: number[] }[]>();
      for (const m of moves) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), { partition: m.partition, replicas: [...m.to] }]);
      await admin.alterPartitionReassignments({ topics: [...byTopic].map(([topic, partitionAssignment]) => ({ topic, partitionAssignment })) });
    },
    ongoing: async (moves) => {
      const topics = [...new Set(moves.map((m) => m.topic))].map((topic) => ({
        topic,
        partitions: moves.filter((m) => m.topic === topic).map((m) => m.partition),
      }));
      const answer = await admin.listPartitionReassignments({ topics });
      return answer.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p.partitionIndex}`));
    },
    close: () => admin.disconnect(),
  };
};

export const realDrainEffects: DrainEffects = {
  readText: realLeaveEffects.readText,
  writeText: async (file, text) => {
    replaceFileAtomically(file, text);
  },
  admin: kafkajsAdmin,
  sleep: realLeaveEffects.sleep,
  now: realLeaveEffects.now,
};
