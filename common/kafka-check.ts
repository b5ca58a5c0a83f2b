// One health check of a Kafka node over the Kafka protocol: open a session (kafka-session.ts: TLS, SASL), ask what
// the check needs and conclude. kafka-probe runs it once per exec; kafka-entrypoint runs it per /livez and /readyz
// request, so both give the same verdict from the same code.
import { isAgentError } from './errors.ts';
import * as m from './kafka-messages.ts';
import { quorumView, versionOf } from './kafka-quorum.ts';
import { connectTo, openSession, sessionsWith, type CallOptions, type Session, type SessionOptions } from './kafka-session.ts';
import { WireError, type Reader } from './kafka-wire.ts';
import type { KafkaCheck } from './kafka-target.ts';
import { liveVerdict, brokerVerdict, controllerVerdict, errorVerdict, type Verdict } from './kafka-verdict.ts';

// Without SASL the Metadata request rides along with ApiVersions (one round trip); v12 is served by every broker
// this project supports (Kafka 2.8 to 4.x), and the ApiVersions answer still decides whether the reply is usable.
const brokerCheck = async (config: KafkaCheck, o: SessionOptions): Promise<Verdict> => {
  if (config.security.sasl) {
    const { conn, versions } = await openSession(config.endpoint, o);
    try {
      const v = versionOf(versions, m.API.Metadata, m.METADATA_VERSIONS, 'Metadata');
      return brokerVerdict(m.parseMetadata(await conn.request(m.metadataRequest(v))), config.nodeId);
    } finally {
      conn.close();
    }
  }
  const conn = await connectTo(config.endpoint, o);
  try {
    const v = m.METADATA_VERSIONS.min;
    const [readVersions, readMetadata] = conn.send([m.apiVersionsRequest(3, o.clientId), m.metadataRequest(v)]) as [
      () => Promise<Reader>,
      () => Promise<Reader>,
    ];
    versionOf(m.parseApiVersions(await readVersions(), 3), m.API.Metadata, { min: v, max: v }, 'Metadata');
    const md = await readMetadata();
    return brokerVerdict(m.parseMetadata(md), config.nodeId);
  } finally {
    conn.close();
  }
};

// DescribeQuorum is answered by the leader only: ask this controller who leads (DescribeCluster, KIP-919) first.
const controllerCheck = async (first: Session, config: KafkaCheck, o: SessionOptions): Promise<Verdict> => {
  const view = await quorumView(sessionsWith(o), first, config.nodeId);
  if (view.kind === 'no-endpoint') return { kind: 'unknown', detail: view.detail };
  if (view.kind === 'no-leader') return { kind: 'fail', detail: `node ${config.nodeId}: ${view.detail}` };
  if (view.leader !== first) view.leader.conn.close();
  const verdict = controllerVerdict(view.quorum, config.nodeId, config.maxLagMs);
  if (verdict.kind !== 'ok' || config.zookeeperMigration === undefined) return verdict;
  // Loaded only for a migrating controller: a probe of any other node pays nothing for the ZooKeeper client.
  const { readKafkaZnodes, migrationReadyVerdict } = await import('./kafka-migration.ts');
  const migration = migrationReadyVerdict(await readKafkaZnodes(config.zookeeperMigration, Math.max(o.deadline - Date.now(), 1)));
  return { kind: migration.kind, detail: `${verdict.detail}; ${migration.detail}` };
};

// The check under the caller's deadline, client id and abort signal; never throws (a failure is a verdict).
export const checkKafka = async (config: KafkaCheck, call: CallOptions): Promise<Verdict> => {
  const o: SessionOptions = { ...call, security: config.security };
  try {
    if (config.check === 'ready' && config.role === 'broker') return await brokerCheck(config, o);
    const first = await openSession(config.endpoint, o);
    try {
      return config.check === 'live' ? liveVerdict(first.versions) : await controllerCheck(first, config, o);
    } finally {
      first.conn.close();
    }
  } catch (error) {
    if (isAgentError(error)) return errorVerdict(error.code, error.message);
    if (error instanceof WireError) return { kind: 'unknown', detail: `unreadable answer: ${error.message}` };
    return { kind: 'unknown', detail: (error as Error).message };
  }
};
