// SASL over the Kafka protocol (KIP-152): SaslHandshake names the mechanism, SaslAuthenticate carries each round's
// bytes; PLAIN in one round (RFC 4616), SCRAM-SHA-256/512 in two (kafka-scram.ts). Requests go through `ask`, so the
// exchange runs against a scripted server in the tests and against a KafkaConnection in the agents.
import { AgentError } from './errors.ts';
import * as m from './kafka-messages.ts';
import type { Reader } from './kafka-wire.ts';
import type { Sasl } from './kafka-security.ts';
import { scramSession, type ScramCrypto } from './kafka-scram.ts';

export type Ask = (req: m.Request) => Promise<Reader>;

const fail = (code: string, message: string): never => {
  throw new AgentError(code, message);
};

// PLAIN's one message: no authorization id, then the user and the password, NUL-separated.
export const plainMessage = (username: string, password: string): string => `\u0000${username}\u0000${password}`;

// node:crypto is loaded only for SCRAM: it is start-up time every other probe run would pay.
const loadCrypto = async (): Promise<ScramCrypto> => import('node:crypto');

// Authenticate or throw SASL_MECHANISM (not enabled on the listener) / SASL_FAILED (refused, or a server that
// cannot prove it knows the SCRAM credentials).
export const authenticate = async (ask: Ask, sasl: Sasl, crypto: () => Promise<ScramCrypto> = loadCrypto): Promise<void> => {
  const hs = m.parseSaslHandshake(await ask(m.saslHandshakeRequest(sasl.mechanism)));
  if (hs.errorCode !== 0) fail('SASL_MECHANISM', `${sasl.mechanism} not enabled on this listener (it offers ${hs.mechanisms.join(', ')})`);
  const round = async (text: string): Promise<string> => {
    const r = m.parseSaslAuthenticate(await ask(m.saslAuthenticateRequest(new TextEncoder().encode(text))));
    if (r.errorCode !== 0) fail('SASL_FAILED', `authentication failed: ${r.errorMessage ?? m.errorName(r.errorCode)}`);
    return new TextDecoder().decode(r.bytes);
  };
  if (sasl.mechanism === 'PLAIN') {
    await round(plainMessage(sasl.username, sasl.password));
    return;
  }
  const scram = scramSession(await crypto(), sasl.mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512', sasl.username, sasl.password);
  let serverFinal: string;
  try {
    serverFinal = await round(scram.clientFinal(await round(scram.clientFirst)));
  } catch (error) {
    // A malformed or hostile server-first message: the exchange failed, not the agent.
    if (error instanceof AgentError) throw error;
    throw new AgentError('SASL_FAILED', `authentication failed: ${(error as Error).message}`);
  }
  if (!scram.serverVerified(serverFinal)) fail('SASL_FAILED', 'the server did not prove it knows the SCRAM credentials');
};
