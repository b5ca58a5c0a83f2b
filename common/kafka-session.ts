// The one way the agents open a Kafka client session: connect (TLS when the client properties say so), learn the
// versions the listener serves (ApiVersions), authenticate (SASL PLAIN or SCRAM), all under the caller's deadline and
// abort signal and with the caller's client id. kafka-probe's checks, kafka-entrypoint's health endpoints, its
// founding check and `leave` all start here, so a secured listener is spoken to the same way by each.
import type tls from 'node:tls';
import { AgentError, isAgentError } from './errors.ts';
import { readTextBounded } from './files.ts';
import { KafkaConnection, type ConnectOptions } from './kafka-connection.ts';
import type { Endpoint } from './kafka-endpoint.ts';
import * as m from './kafka-messages.ts';
import { authenticate } from './kafka-sasl.ts';
import type { Security, Tls } from './kafka-security.ts';

/** Who asks and until when: the part of a session a caller sets per call. */
export type CallOptions = {
  /** The request header's client id and ApiVersions' software name: kafka-probe or kafka-entrypoint. */
  readonly clientId: string;
  /** Absolute time (Date.now() based) after which the call fails with KAFKA_TIMEOUT. */
  readonly deadline: number;
  /** Aborting destroys the socket; the call fails at once with KAFKA_ABORTED. */
  readonly signal?: AbortSignal | undefined;
  readonly connect?: ConnectOptions['connect'];
};

/** A call plus how to speak to the listener (the client properties: TLS, SASL). */
export type SessionOptions = CallOptions & { readonly security: Security };

/** An authenticated connection and the versions its listener serves (what picks each request's version). */
export type Session = { readonly conn: KafkaConnection; readonly versions: m.ApiVersions };
/** Sessions to whichever endpoint a quorum question leads to, all with the same options. */
export type OpenSession = (endpoint: Endpoint) => Promise<Session>;

// PEM material: a certificate chain is kilobytes; the cap only stops a FIFO or a wrong path from hanging the call.
const readPem = (file: string): string => {
  try {
    return readTextBounded(file, 'PEM file', 'utf8');
  } catch (e) {
    if (isAgentError(e)) throw e;
    throw new AgentError('TLS_FILE_UNREADABLE', `cannot read ${file.slice(0, 200)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
};

// node:tls options from the client properties; files are read per call, so a rotated Secret is picked up.
export const tlsOptions = (t: Tls | undefined): tls.ConnectionOptions | undefined => {
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

// The connection alone (TLS included, no ApiVersions, no SASL): for a caller that pipelines its first requests.
export const connectTo = async (endpoint: Endpoint, o: SessionOptions): Promise<KafkaConnection> =>
  KafkaConnection.open(endpoint, { deadline: o.deadline, signal: o.signal, clientId: o.clientId, tls: tlsOptions(o.security.tls), connect: o.connect });

// Connect, negotiate versions, authenticate: what every call starts with. The caller closes `conn`.
export const openSession = async (endpoint: Endpoint, o: SessionOptions): Promise<Session> => {
  const conn = await connectTo(endpoint, o);
  try {
    const versions = m.parseApiVersions(await conn.request(m.apiVersionsRequest(3, o.clientId)), 3);
    if (versions.errorCode === 0 && o.security.sasl) await authenticate((req) => conn.request(req), o.security.sasl);
    return { conn, versions };
  } catch (error) {
    conn.close();
    throw error;
  }
};

// Sessions to any endpoint with the same options (a quorum's leader is found on one controller, asked on another).
export const sessionsWith =
  (o: SessionOptions): OpenSession =>
  (endpoint) =>
    openSession(endpoint, o);
