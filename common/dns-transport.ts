// One DNS exchange with one server, as Go's resolver does it (net/dnsclient_unix.go `exchange`): UDP first, and
// over TCP again when the UDP answer is truncated. Replies that do not answer our question are dropped.
import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import { decodeReply, framedMessage, replyMatches, replyMeaning, type Query, type ReplyMeaning } from './dns-message.ts';

export type Transport = 'udp' | 'tcp';

export type Trip = {
  readonly server: string;
  readonly port: number;
  readonly query: Query;
  /** Per transport, as resolv.conf `options timeout`. */
  readonly timeoutMs: number;
  /** Ends the exchange early (the caller's own deadline). */
  readonly signal?: AbortSignal | undefined;
};

export type Exchange =
  | { readonly kind: 'reply'; readonly meaning: ReplyMeaning; readonly transport: Transport }
  | { readonly kind: 'error'; readonly reason: 'timeout' | 'network'; readonly detail: string };

type Reply = NonNullable<ReturnType<typeof decodeReply>>;
type Raw = { kind: 'reply'; reply: Reply } | { kind: 'error'; reason: 'timeout' | 'network'; detail: string };

const errorOf = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? String(error);

// The one way a round trip ends: first outcome wins; the timer, the abort listener and the socket all go.
const settler = (trip: Trip, transport: Transport, close: () => void, resolve: (raw: Raw) => void): ((raw: Raw) => void) => {
  let done = false;
  const finish = (raw: Raw): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    trip.signal?.removeEventListener('abort', onAbort);
    close();
    resolve(raw);
  };
  const onAbort = (): void => finish({ kind: 'error', reason: 'timeout', detail: 'cut short by the deadline' });
  const timer = setTimeout(() => finish({ kind: 'error', reason: 'timeout', detail: `no ${transport.toUpperCase()} answer in ${trip.timeoutMs}ms` }), trip.timeoutMs);
  if (trip.signal?.aborted) queueMicrotask(onAbort);
  else trip.signal?.addEventListener('abort', onAbort, { once: true });
  return finish;
};

// UDP on a connected socket, which also turns ICMP "port unreachable" into a fast ECONNREFUSED.
const udpRoundTrip = (trip: Trip): Promise<Raw> =>
  new Promise((resolve) => {
    const socket = createSocket(isIPv6(trip.server) ? 'udp6' : 'udp4');
    const finish = settler(trip, 'udp', () => socket.close(), resolve);
    socket.on('error', (error) => finish({ kind: 'error', reason: 'network', detail: errorOf(error) }));
    socket.on('message', (bytes) => {
      const reply = decodeReply(bytes);
      if (reply && replyMatches(trip.query, reply)) finish({ kind: 'reply', reply });
    });
    socket.connect(trip.port, trip.server, () => socket.send(trip.query.udp));
  });

// TCP: the length-prefixed query, then read until one whole message has arrived.
const tcpRoundTrip = (trip: Trip): Promise<Raw> =>
  new Promise((resolve) => {
    const socket = connect({ host: trip.server, port: trip.port });
    const finish = settler(trip, 'tcp', () => socket.destroy(), resolve);
    let buffer = Buffer.alloc(0);
    socket.on('connect', () => socket.write(trip.query.tcp));
    socket.on('error', (error) => finish({ kind: 'error', reason: 'network', detail: errorOf(error) }));
    socket.on('end', () => finish({ kind: 'error', reason: 'network', detail: 'TCP connection closed before a whole answer' }));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const message = framedMessage(buffer);
      if (message === undefined) return;
      const reply = decodeReply(message);
      // A stream carries only the answer to what we sent; anything else means the server is broken (dnsmasq 2.90
      // wraps the 16-bit length of an answer over 64 KiB to a small number, which lands here as undecodable).
      if (reply === undefined) finish({ kind: 'error', reason: 'network', detail: `undecodable TCP answer (length field ${message.length}, ${buffer.length} bytes received)` });
      else finish(replyMatches(trip.query, reply) ? { kind: 'reply', reply } : { kind: 'error', reason: 'network', detail: 'TCP answer does not match the query' });
    });
  });

// UDP, then TCP when the UDP answer is truncated; a truncated TCP answer is taken as it is (go.dev/issue/64896).
export const exchange = async (trip: Trip, tcpOnly: boolean): Promise<Exchange> => {
  for (const transport of tcpOnly ? (['tcp'] as const) : (['udp', 'tcp'] as const)) {
    const raw = await (transport === 'udp' ? udpRoundTrip : tcpRoundTrip)(trip);
    if (raw.kind === 'error') return raw;
    if (transport === 'udp' && raw.reply.flag_tc) continue;
    return { kind: 'reply', meaning: replyMeaning(trip.query.type, raw.reply), transport };
  }
  return { kind: 'error', reason: 'network', detail: 'truncated answer' };
};
