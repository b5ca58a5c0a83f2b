// SASL framing and the exchange (common/kafka-sasl.ts) against a scripted broker: bytes in, bytes out, no socket.
import t from 'tap';
import crypto from 'node:crypto';
import { authenticate, plainMessage, type Ask } from '../../common/kafka-sasl.ts';
import { API, requestFrame, saslAuthenticateRequest, saslHandshakeRequest, type Request } from '../../common/kafka-messages.ts';
import { Reader, Writer } from '../../common/kafka-wire.ts';
import { isAgentError } from '../../common/errors.ts';
import type { Sasl } from '../../common/kafka-security.ts';

const handshakeAnswer = (errorCode: number, mechanisms: readonly string[]): Reader => {
  const w = new Writer().int16(errorCode).int32(mechanisms.length);
  for (const m of mechanisms) w.string(m);
  return new Reader(w.done());
};
const authAnswer = (errorCode: number, message: string | null, bytes: string): Reader => {
  const b = new TextEncoder().encode(bytes);
  return new Reader(new Writer().int16(errorCode).string(message).int32(b.length).bytes(b).done());
};

// The bytes a SaslAuthenticate request carries.
const authBytes = (req: Request): string => {
  const r = new Reader(req.body);
  return new TextDecoder().decode(r.raw(r.int32()));
};

t.test('SaslHandshake v1 and SaslAuthenticate v1 frames are classic (non-flexible) requests with request header v1', async (t) => {
  const frame = requestFrame(saslHandshakeRequest('PLAIN'), 7, 'kafka-entrypoint');
  const r = new Reader(frame);
  t.equal(r.int32(), frame.length - 4, 'size prefix');
  t.same([r.int16(), r.int16(), r.int32(), r.string()], [API.SaslHandshake, 1, 7, 'kafka-entrypoint'], 'api key, version, correlation id, client id');
  t.equal(r.string(), 'PLAIN', 'the mechanism');
  t.equal(r.remaining, 0, 'no tagged fields');
  t.equal(authBytes(saslAuthenticateRequest(new TextEncoder().encode(plainMessage('u', 'p')))), '\u0000u\u0000p', 'PLAIN: empty authzid, user, password');
});

// A broker's side of the exchange, scripted: the requests it saw and what it answers.
const broker = (answer: (req: Request, i: number) => Reader): { ask: Ask; seen: Request[] } => {
  const seen: Request[] = [];
  return { seen, ask: async (req) => answer(req, seen.push(req) - 1) };
};

const codeOf = async (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => undefined,
    (e: unknown) => (isAgentError(e) ? e.code : String(e)),
  );

t.test('PLAIN: one handshake, one round; refusals come back as codes', async (t) => {
  const sasl: Sasl = { mechanism: 'PLAIN', username: 'probe', password: 'secret' };
  const ok = broker((req) => (req.apiKey === API.SaslHandshake ? handshakeAnswer(0, ['PLAIN']) : authAnswer(0, null, '')));
  await authenticate(ok.ask, sasl);
  t.same(
    ok.seen.map((r) => r.apiKey),
    [API.SaslHandshake, API.SaslAuthenticate],
  );
  t.equal(authBytes(ok.seen[1] as Request), '\u0000probe\u0000secret');
  t.equal(await codeOf(authenticate(broker(() => handshakeAnswer(33, ['SCRAM-SHA-512'])).ask, sasl)), 'SASL_MECHANISM', 'mechanism not enabled');
  t.equal(
    await codeOf(
      authenticate(
        broker((req) =>
          req.apiKey === API.SaslHandshake ? handshakeAnswer(0, ['PLAIN']) : authAnswer(58, 'Authentication failed: Invalid username or password', ''),
        ).ask,
        sasl,
      ),
    ),
    'SASL_FAILED',
    'wrong password',
  );
});

// The server side of RFC 5802 for one user, as Kafka's ScramSaslServer computes it.
const scramServer = (hash: 'sha256' | 'sha512', password: string, opts: { readonly forgeSignature?: boolean; readonly badFirst?: boolean } = {}) => {
  const salt = crypto.randomBytes(16);
  const iterations = 4096;
  const salted = crypto.pbkdf2Sync(password, salt, iterations, hash === 'sha256' ? 32 : 64, hash);
  const hmac = (key: Buffer, text: string) => crypto.createHmac(hash, key).update(text).digest();
  let clientFirstBare = '';
  let serverFirst = '';
  let proofOk = false;
  return {
    proofOk: () => proofOk,
    answer: (req: Request): Reader => {
      if (req.apiKey === API.SaslHandshake) return handshakeAnswer(0, ['SCRAM-SHA-256', 'SCRAM-SHA-512']);
      const text = authBytes(req);
      if (text.startsWith('n,,')) {
        clientFirstBare = text.slice(3);
        const nonce = /r=([^,]*)/.exec(clientFirstBare)?.[1] ?? '';
        serverFirst = opts.badFirst ? 'garbage' : `r=${nonce}server,s=${salt.toString('base64')},i=${iterations}`;
        return authAnswer(0, null, serverFirst);
      }
      const withoutProof = text.replace(/,p=.*$/, '');
      const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
      const clientKey = hmac(salted, 'Client Key');
      const signature = hmac(crypto.createHash(hash).update(clientKey).digest(), authMessage);
      const proof = Buffer.from(clientKey.map((b, i) => b ^ (signature[i] as number))).toString('base64');
      proofOk = text.endsWith(`,p=${proof}`);
      if (!proofOk) return authAnswer(58, 'Authentication failed during authentication due to invalid credentials with SASL mechanism', '');
      return authAnswer(0, null, `v=${opts.forgeSignature ? 'AAAA' : hmac(hmac(salted, 'Server Key'), authMessage).toString('base64')}`);
    },
  };
};

t.test('SCRAM-SHA-256 and -512: two rounds, the proof checked by the broker and the broker checked by its signature', async (t) => {
  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    const hash = mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
    const server = scramServer(hash, 'pencil');
    const b = broker(server.answer);
    await authenticate(b.ask, { mechanism, username: 'user', password: 'pencil' });
    t.ok(server.proofOk(), `${mechanism}: the broker accepted the proof`);
    t.equal(b.seen.length, 3, `${mechanism}: handshake and two rounds`);
    t.equal(
      await codeOf(authenticate(broker(scramServer(hash, 'pencil').answer).ask, { mechanism, username: 'user', password: 'wrong' })),
      'SASL_FAILED',
      `${mechanism}: wrong password`,
    );
    t.equal(
      await codeOf(authenticate(broker(scramServer(hash, 'pencil', { forgeSignature: true }).answer).ask, { mechanism, username: 'user', password: 'pencil' })),
      'SASL_FAILED',
      `${mechanism}: a server that does not know the password`,
    );
    t.equal(
      await codeOf(authenticate(broker(scramServer(hash, 'pencil', { badFirst: true }).answer).ask, { mechanism, username: 'user', password: 'pencil' })),
      'SASL_FAILED',
      `${mechanism}: a malformed server-first message`,
    );
  }
});
