// The session layer through its socket seam (a scripted Duplex, no network): the caller's client id on the wire, an
// abort that ends a call at once, TLS failures told from an absent listener, and client properties -> TLS options.
import t from 'tap';
import { Duplex } from 'node:stream';
import { getEventListeners } from 'node:events';
import type net from 'node:net';
import { openSession, tlsOptions, type SessionOptions } from '../../common/kafka-session.ts';
import { isAgentError } from '../../common/errors.ts';
import { Reader } from '../../common/kafka-wire.ts';
import { API } from '../../common/kafka-messages.ts';
import type { Security } from '../../common/kafka-security.ts';

// A socket that records what is written and answers nothing unless told; `ready` is the event it emits on the next tick.
class FakeSocket extends Duplex {
  written: Buffer[] = [];
  setNoDelay(): this {
    return this;
  }
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.written.push(chunk);
    done();
  }
}

const fake = (then: (s: FakeSocket, tls: boolean) => void) => {
  const sockets: FakeSocket[] = [];
  const connect: SessionOptions['connect'] = (_endpoint, tlsOpts) => {
    const s = new FakeSocket();
    sockets.push(s);
    setImmediate(() => then(s, tlsOpts !== undefined));
    return s as unknown as net.Socket;
  };
  return { connect, sockets };
};

const PLAINTEXT: Security = { protocol: 'PLAINTEXT' };
const endpoint = { host: 'ctrl-0.ctrl', port: 9093 };
const codeOf = async (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => undefined,
    (e: unknown) => (isAgentError(e) ? e.code : String(e)),
  );

t.test('the caller names itself: client id in the request header and software name in ApiVersions', async (t) => {
  const f = fake((s) => s.emit('connect'));
  const controller = new AbortController();
  const pending = openSession(endpoint, {
    clientId: 'kafka-entrypoint',
    deadline: Date.now() + 5000,
    signal: controller.signal,
    security: PLAINTEXT,
    connect: f.connect,
  });
  // The request is written once the fake socket connects: poll for it (with a deadline) rather than sleep.
  for (const until = Date.now() + 5000; (f.sockets[0]?.written.length ?? 0) === 0 && Date.now() < until;) await new Promise((resolve) => setImmediate(resolve));
  const r = new Reader(new Uint8Array(Buffer.concat(f.sockets[0]?.written ?? [])));
  r.int32();
  t.same([r.int16(), r.int16(), r.int32(), r.string()], [API.ApiVersions, 3, 1, 'kafka-entrypoint']);
  r.skipTags();
  t.equal(r.compactString(), 'kafka-entrypoint', 'client_software_name');
  controller.abort();
  t.equal(await codeOf(pending), 'KAFKA_ABORTED');
});

t.test('an abort ends the call at once and destroys the socket, long before the deadline', async (t) => {
  const f = fake((s) => s.emit('connect'));
  const controller = new AbortController();
  const started = Date.now();
  const pending = openSession(endpoint, {
    clientId: 'kafka-probe',
    deadline: Date.now() + 60_000,
    signal: controller.signal,
    security: PLAINTEXT,
    connect: f.connect,
  });
  setTimeout(() => controller.abort(), 10);
  t.equal(await codeOf(pending), 'KAFKA_ABORTED');
  t.ok(Date.now() - started < 5000, 'not held to the deadline');
  t.ok(f.sockets[0]?.destroyed, 'socket destroyed');
  t.equal(getEventListeners(controller.signal, 'abort').length, 0, 'the signal no longer holds the connection (one per probe, for days)');

  const already = fake(() => {});
  const gone = AbortSignal.abort();
  t.equal(
    await codeOf(
      openSession(endpoint, { clientId: 'kafka-probe', deadline: Date.now() + 60_000, signal: gone, security: PLAINTEXT, connect: already.connect }),
    ),
    'KAFKA_ABORTED',
    'an aborted signal fails before any wait',
  );
});

t.test('a TLS handshake failure is TLS_FAILED (a listener is there); a refused connection stays KAFKA_UNREACHABLE', async (t) => {
  const ssl: Security = { protocol: 'SSL', tls: { ca: 'x', verifyHostname: true } };
  const fail = (code: string) => fake((s) => s.destroy(Object.assign(new Error(`fake ${code}`), { code })));
  const rows = [
    { name: 'unknown CA over TLS', security: ssl, code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', want: 'TLS_FAILED' },
    { name: 'a plaintext listener over TLS', security: ssl, code: 'ERR_SSL_WRONG_VERSION_NUMBER', want: 'TLS_FAILED' },
    { name: 'nobody listening, TLS or not', security: ssl, code: 'ECONNREFUSED', want: 'KAFKA_UNREACHABLE' },
    { name: 'no such host', security: PLAINTEXT, code: 'ENOTFOUND', want: 'KAFKA_UNREACHABLE' },
  ];
  for (const row of rows) {
    t.equal(
      await codeOf(openSession(endpoint, { clientId: 'kafka-probe', deadline: Date.now() + 5000, security: row.security, connect: fail(row.code).connect })),
      row.want,
      row.name,
    );
  }
});

t.test('client properties become node:tls options: inline PEM, key password, host name check off only when asked', async (t) => {
  t.equal(tlsOptions(undefined), undefined, 'no TLS');
  const o = tlsOptions({ ca: 'CA', cert: 'CERT', key: 'KEY', keyPassword: 'pw', verifyHostname: true });
  t.match(o, { ca: 'CA', cert: 'CERT', key: 'KEY', passphrase: 'pw' });
  t.equal(o?.checkServerIdentity, undefined, 'host name verified by default (ssl.endpoint.identification.algorithm=https)');
  t.equal(typeof tlsOptions({ verifyHostname: false })?.checkServerIdentity, 'function', 'ssl.endpoint.identification.algorithm= turns the check off');
  t.throws(() => tlsOptions({ caFile: '/nonexistent/ca.pem', verifyHostname: true }), { code: 'TLS_FILE_UNREADABLE' });
});
