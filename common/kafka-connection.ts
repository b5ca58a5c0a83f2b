// One TCP (or TLS) connection to a Kafka listener: send a request, read its response frame, all under a deadline
// and an abort signal the caller owns. Socket creation is a seam (`connect`), so tests and TLS use the same code path.
// Sessions (versions, SASL) are built on it in kafka-session.ts.
import net from 'node:net';
import type tls from 'node:tls';
import { AgentError } from './errors.ts';
import type { Endpoint } from './kafka-endpoint.ts';
import { requestFrame, responseBody, type Request } from './kafka-messages.ts';
import type { Reader } from './kafka-wire.ts';

export type ConnectOptions = {
  /** Absolute time (Date.now() based) after which every operation fails with KAFKA_TIMEOUT. */
  readonly deadline: number;
  /** Aborting destroys the socket: the call in flight fails at once with KAFKA_ABORTED. */
  readonly signal?: AbortSignal | undefined;
  readonly tls?: tls.ConnectionOptions | undefined;
  /** The request header's client id: the agent that asks (kafka-probe, kafka-entrypoint), as the broker logs it. */
  readonly clientId: string;
  readonly connect?: ((endpoint: Endpoint, tlsOptions: tls.ConnectionOptions | undefined) => net.Socket | Promise<net.Socket>) | undefined;
};

// Errors of the network path (nothing listens, no route, no name): everything else on a TLS socket is the handshake
// (an unknown CA, a host name the certificate does not name, a plaintext listener), which means a listener is there.
const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EADDRNOTAVAIL']);

// node:tls is loaded only for TLS listeners: importing it costs a probe ~10-20 ms of start-up.
const defaultConnect = async (e: Endpoint, tlsOptions: tls.ConnectionOptions | undefined): Promise<net.Socket> => {
  if (!tlsOptions) return net.connect({ host: e.host, port: e.port });
  const tls = await import('node:tls');
  return tls.connect({ ...tlsOptions, host: e.host, port: e.port, servername: tlsOptions.servername ?? (net.isIP(e.host) ? undefined : e.host) });
};

// The largest response frame the agents accept: refused as soon as its 4-byte length prefix arrives, before any of
// it is buffered (issue 13: a 60 MiB frame cost a probe ~250 MB). The agents ask small questions: Metadata for no
// topics (~100 bytes per broker), ApiVersions (~1 KB), DescribeCluster and DescribeQuorum (~100 bytes per node);
// measured on a real 4.2.2 combined node: ApiVersions 720 bytes, Metadata 59, DescribeCluster 66, DescribeQuorum
// 133. At ~80 bytes per broker or voter, 1 MiB holds the answer of a cluster of over 10,000 nodes and still fits any
// container memory limit.
export const MAX_FRAME_BYTES = 1024 * 1024;
/** Unread bytes kept at most: two pipelined frames (the probe sends ApiVersions and Metadata together). */
const MAX_BUFFERED_BYTES = 2 * (MAX_FRAME_BYTES + 4);

export class KafkaConnection {
  readonly endpoint: Endpoint;
  readonly #socket: net.Socket;
  readonly #deadline: number;
  readonly #clientId: string;
  #buffered: Buffer = Buffer.alloc(0);
  #waiter: (() => void) | undefined;
  #failure: Error | undefined;
  #correlation = 0;

  private constructor(endpoint: Endpoint, socket: net.Socket, deadline: number, clientId: string, secure: boolean) {
    this.endpoint = endpoint;
    this.#socket = socket;
    this.#deadline = deadline;
    this.#clientId = clientId;
    socket.on('data', (chunk: Buffer) => {
      this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
      const size = this.#buffered.length >= 4 ? this.#buffered.readInt32BE(0) : 4;
      if (size < 4 || size > MAX_FRAME_BYTES) this.#refuse(`announced a response frame of ${size} bytes (at most ${MAX_FRAME_BYTES} accepted)`);
      else if (this.#buffered.length > MAX_BUFFERED_BYTES) this.#refuse(`sent more than ${MAX_BUFFERED_BYTES} bytes nobody asked for`);
      this.#wake();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const tlsFailure = secure && !NETWORK_ERRORS.has(error.code ?? '');
      this.#fail(this.#error(tlsFailure ? 'TLS_FAILED' : 'KAFKA_UNREACHABLE', `${tlsFailure ? 'TLS: ' : ''}${error.message}`, error));
    });
    socket.on('close', () => this.#fail(this.#error('KAFKA_CLOSED', 'connection closed by the server')));
  }

  #error(code: string, what: string, cause?: unknown): AgentError {
    const { host, port } = this.endpoint;
    return new AgentError(code, `${host}:${port}: ${what}`, { context: { host, port }, cause });
  }

  // A peer that is no Kafka broker, or a hostile one: stop reading from it at once and drop what it sent.
  #refuse(what: string): void {
    this.#fail(this.#error('KAFKA_PROTOCOL', what));
    this.#buffered = Buffer.alloc(0);
    this.#socket.destroy();
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }

  // Wait for more bytes (or a failure) until the deadline.
  async #more(): Promise<void> {
    if (this.#failure) throw this.#failure;
    const left = this.#deadline - Date.now();
    if (left <= 0) throw this.#error('KAFKA_TIMEOUT', 'no answer before the deadline');
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.#waiter = resolve;
      timer = setTimeout(resolve, left);
    });
    clearTimeout(timer);
  }

  // Destroy the socket and fail what waits on it (the signal's owner is going away).
  #abort(): void {
    this.#fail(this.#error('KAFKA_ABORTED', 'aborted: the caller is stopping'));
    this.#socket.destroy();
  }

  static async open(endpoint: Endpoint, options: ConnectOptions): Promise<KafkaConnection> {
    const socket = await (options.connect ?? defaultConnect)(endpoint, options.tls);
    socket.setNoDelay(true);
    const conn = new KafkaConnection(endpoint, socket, options.deadline, options.clientId, options.tls !== undefined);
    const signal = options.signal;
    if (signal) {
      const abort = (): void => conn.#abort();
      if (signal.aborted) abort();
      signal.addEventListener('abort', abort, { once: true });
      // A resident agent opens one per probe, for days: the listener goes with the socket.
      socket.once('close', () => signal.removeEventListener('abort', abort));
    }
    const ready = options.tls ? 'secureConnect' : 'connect';
    let connected = false;
    socket.once(ready, () => {
      connected = true;
      conn.#wake();
    });
    try {
      while (!connected) await conn.#more();
    } catch (error) {
      conn.close();
      throw error;
    }
    return conn;
  }

  // Send one request and return a reader over its response body.
  async request(req: Request): Promise<Reader> {
    const [reader] = await this.pipeline([req]);
    return reader as Reader;
  }

  // Send several requests at once and read their responses in order (Kafka answers a connection's requests in
  // the order sent): one round trip instead of several, which is most of a probe's time on loopback.
  async pipeline(reqs: readonly Request[]): Promise<Reader[]> {
    const readers: Reader[] = [];
    for (const next of this.send(reqs)) readers.push(await next());
    return readers;
  }

  // Send the requests now; each returned function reads its response and must be called in order. Lets a caller
  // look at the first answer even when the server closes the connection before the second.
  send(reqs: readonly Request[]): Array<() => Promise<Reader>> {
    const ids = reqs.map(() => ++this.#correlation);
    if (!this.#failure) this.#socket.write(Buffer.concat(reqs.map((req, i) => requestFrame(req, ids[i] as number, this.#clientId))));
    return reqs.map((req, i) => async () => {
      if (this.#failure && this.#buffered.length < 4) throw this.#failure;
      return responseBody(await this.#frame(), req, ids[i] as number);
    });
  }

  async #frame(): Promise<Uint8Array> {
    for (;;) {
      if (this.#buffered.length >= 4) {
        const size = this.#buffered.readInt32BE(0);
        if (size < 4 || size > MAX_FRAME_BYTES)
          throw this.#error('KAFKA_PROTOCOL', `announced a response frame of ${size} bytes (at most ${MAX_FRAME_BYTES} accepted)`);
        if (this.#buffered.length >= 4 + size) {
          const frame = this.#buffered.subarray(4, 4 + size);
          this.#buffered = this.#buffered.subarray(4 + size);
          return new Uint8Array(frame);
        }
      }
      await this.#more();
    }
  }

  close(): void {
    this.#socket.destroy();
  }
}
