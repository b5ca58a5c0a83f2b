// One health check of a Kafka node over the Kafka protocol: open the (TLS) connection, authenticate, ask what the
// check needs and conclude. kafka-probe runs it once per exec; kafka-entrypoint runs it per /livez and /readyz
// request, so both give the same verdict from the same code.
import type tls from 'node:tls';
import { AgentError, isAgentError } from './errors.ts';
import { readTextBounded } from './files.ts';
import { KafkaConnection, type Endpoint } from './kafka-connection.ts';
import * as m from './kafka-messages.ts';
import { quorumView, versionOf, type Session } from './kafka-quorum.ts';
import { WireError, type Reader } from './kafka-wire.ts';
import type { KafkaCheck } from './kafka-target.ts';
import type { Security } from './kafka-security.ts';
import { scramSession } from './kafka-scram.ts';
import { liveVerdict, brokerVerdict, controllerVerdict, errorVerdict, type Verdict } from './kafka-verdict.ts';

// PEM material: a certificate chain is kilobytes; the cap only stops a FIFO or a wrong path from hanging the probe.
const readPem = (file: string): string => {
  try {
    return readTextBounded(file, 'PEM file', 'utf8');
  } catch (e) {
    if (isAgentError(e)) throw e;
    throw new AgentError('TLS_FILE_UNREADABLE', `cannot read ${file.slice(0, 200)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
};

const tlsOptions = async (security: Security): Promise<tls.ConnectionOptions | undefined> => {
  const t = security.tls;
  if (!t) return undefined;
  const keystore = t.keystoreFile === undefined ? undefined : readPem(t.keystoreFile);
  return {
    ca: t.ca ?? (t.caFile === undefined ? undefined : readPem(t.caFile)),
    cert: t.cert ?? keystore,
    key: t.key ?? keystore,
    ...(t.keyPassword !== undefined && { passphrase: t.keyPassword }),
    ...(!t.verifyHostname && { checkServerIdentity: () => undefined }),
  };
};

const fail = (code: string, message: string): never => {
  throw new AgentError(code, message);
};

const authenticate = async (conn: KafkaConnection, security: Security): Promise<void> => {
  const sasl = security.sasl;
  if (!sasl) return;
  const hs = m.parseSaslHandshake(await conn.request(m.saslHandshakeRequest(sasl.mechanism)));
  if (hs.errorCode !== 0) fail('SASL_MECHANISM', `${sasl.mechanism} not enabled on this listener (it offers ${hs.mechanisms.join(', ')})`);
  const round = async (text: string): Promise<string> => {
    const r = m.parseSaslAuthenticate(await conn.request(m.saslAuthenticateRequest(new TextEncoder().encode(text))));
    if (r.errorCode !== 0) fail('SASL_FAILED', `authentication failed: ${r.errorMessage ?? m.errorName(r.errorCode)}`);
    return new TextDecoder().decode(r.bytes);
  };
  if (sasl.mechanism === 'PLAIN') {
    await round(`\u0000${sasl.username}\u0000${sasl.password}`);
    return;
  }
  // Loaded only for SCRAM: node:crypto is start-up time every other probe run would pay.
  const scram = scramSession(await import('node:crypto'), sasl.mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512', sasl.username, sasl.password);
  const serverFinal = await round(scram.clientFinal(await round(scram.clientFirst)));
  if (!scram.serverVerified(serverFinal)) fail('SASL_FAILED', 'the server did not prove it knows the SCRAM credentials');
};

// Connect, negotiate versions, authenticate: what every check starts with.
const session = async (endpoint: Endpoint, config: KafkaCheck, deadline: number): Promise<Session> => {
  const conn = await KafkaConnection.open(endpoint, { deadline, tls: await tlsOptions(config.security) });
  try {
    const versions = m.parseApiVersions(await conn.request(m.apiVersionsRequest()), 3);
    if (versions.errorCode === 0) await authenticate(conn, config.security);
    return { conn, versions };
  } catch (error) {
    conn.close();
    throw error;
  }
};

// Without SASL the Metadata request rides along with ApiVersions (one round trip); v12 is served by every broker
// this project supports (Kafka 2.8 to 4.x), and the ApiVersions answer still decides whether the reply is usable.
const brokerCheck = async (config: KafkaCheck, deadline: number): Promise<Verdict> => {
  if (config.security.sasl) {
    const { conn, versions } = await session(config.endpoint, config, deadline);
    try {
      const v = versionOf(versions, m.API.Metadata, m.METADATA_VERSIONS, 'Metadata');
      return brokerVerdict(m.parseMetadata(await conn.request(m.metadataRequest(v))), config.nodeId);
    } finally {
      conn.close();
    }
  }
  const conn = await KafkaConnection.open(config.endpoint, { deadline, tls: await tlsOptions(config.security) });
  try {
    const v = m.METADATA_VERSIONS.min;
    const [readVersions, readMetadata] = conn.send([m.apiVersionsRequest(), m.metadataRequest(v)]) as [() => Promise<Reader>, () => Promise<Reader>];
    versionOf(m.parseApiVersions(await readVersions(), 3), m.API.Metadata, { min: v, max: v }, 'Metadata');
    const md = await readMetadata();
    return brokerVerdict(m.parseMetadata(md), config.nodeId);
  } finally {
    conn.close();
  }
};

// DescribeQuorum is answered by the leader only: ask this controller who leads (DescribeCluster, KIP-919) first.
const controllerCheck = async (first: Session, config: KafkaCheck, deadline: number): Promise<Verdict> => {
  const view = await quorumView((e) => session(e, config, deadline), first, config.nodeId);
  if (view.kind === 'no-endpoint') return { kind: 'unknown', detail: view.detail };
  if (view.kind === 'no-leader') return { kind: 'fail', detail: `node ${config.nodeId}: ${view.detail}` };
  if (view.leader !== first) view.leader.conn.close();
  return controllerVerdict(view.quorum, config.nodeId, config.maxLagMs);
};

export const checkKafka = async (config: KafkaCheck, deadline: number): Promise<Verdict> => {
  try {
    if (config.check === 'ready' && config.role === 'broker') return await brokerCheck(config, deadline);
    const { conn, versions } = await session(config.endpoint, config, deadline);
    try {
      return config.check === 'live' ? liveVerdict(versions) : await controllerCheck({ conn, versions }, config, deadline);
    } finally {
      conn.close();
    }
  } catch (error) {
    if (isAgentError(error)) return errorVerdict(error.code, error.message);
    if (error instanceof WireError) return { kind: 'unknown', detail: `unreadable answer: ${error.message}` };
    return { kind: 'unknown', detail: (error as Error).message };
  }
};
