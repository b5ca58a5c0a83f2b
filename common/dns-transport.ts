// One DNS exchange with one server, as Go's resolver does it (net/dnsclient_unix.go `exchange`): UDP first, and
// over TCP again when the UDP answer is truncated. Replies that do not answer our question are dropped.
import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import { decodeReply, framedMessage, replyMismatch, replyMeaning, type Query, type ReplyMeaning } from './dns-message.ts';

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
  | { readonly kind: 'error'; readonly reason: ExchangeError; readonly detail: string };

/** `malformed`: only replies that were dropped (undecodable, or not for our query) came back. */
export type ExchangeError = 'timeout' | 'network' | 'malformed';

type Reply = Extract<ReturnType<typeof decodeReply>, { kind: 'ok' }>['reply'];
type Raw = { kind: 'reply'; reply: Reply } | { kind: 'error'; reason: ExchangeError; detail: string };

const errorOf = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? String(error);

// What was wrong with a reply we cannot use, or undefined when it answers our query.
const unusable = (trip: Trip, bytes: Buffer, transport: Transport): { reply?: Reply; problem?: string } => {
  const decoded = decodeReply(bytes);
  const from = `${transport === 'tcp' ? 'TCP ' : ''}answer from ${trip.server}:${trip.port}`;
  if (decoded.kind === 'malformed') return { problem: `malformed ${from}: ${decoded.reason}` };
  const mismatch = replyMismatch(trip.query, decoded.reply);
  return mismatch === undefined ? { reply: decoded.reply } : { problem: `${from} is not for our query: ${mismatch}` };
};

// Replies dropped during one round trip, so a timeout says what did come back instead of "no answer".
const dropLog = () => {
  let count = 0;
  let last = '';
  return {
    add: (problem: string): void => {
      count++;
      last = problem;
    },
    /** The error for a round trip that ended without a usable reply. */
    ended: (reason: 'timeout', detail: string): Raw =>
      count === 0 ? { kind: 'error', reason, detail } : { kind: 'error', reason: 'malformed', detail: `${last} (${count} dropped, none usable; ${detail})` },
  };
};

// The one way a round trip ends: first outcome wins; the timer, the abort listener and the socket all go.
const settler = (trip: Trip, transport: Transport, close: () => void, resolve: (raw: Raw) => void, drops: ReturnType<typeof dropLog>): ((raw: Raw) => void) => {
  let done = false;
  const finish = (raw: Raw): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    trip.signal?.removeEventListener('abort', onAbort);
    close();
    resolve(raw);
  };
  const onAbort = (): void => finish(drops.ended('timeout', 'cut short by the deadline'));
  const timer = setTimeout(() => finish(drops.ended('timeout', `no ${transport.toUpperCase()} answer in ${trip.timeoutMs}ms`)), trip.timeoutMs);
  if (trip.signal?.aborted) queueMicrotask(onAbort);
  else trip.signal?.addEventListener('abort', onAbort, { once: true });
  return finish;
};

// UDP on a connected socket, which also turns ICMP "port unreachable" into a fast ECONNREFUSED. Unusable replies
// are dropped and waiting goes on (Go does the same: they may be forgeries, go.dev/issue/13281).
const udpRoundTrip = (trip: Trip): Promise<Raw> =>
  new Promise((resolve) => {
    const socket = createSocket(isIPv6(trip.server) ? 'udp6' : 'udp4');
    const drops = dropLog();
    const finish = settler(trip, 'udp', () => socket.close(), resolve, drops);
    socket.on('error', (error) => finish({ kind: 'error', reason: 'network', detail: errorOf(error) }));
    socket.on('message', (bytes) => {
      const { reply, problem } = unusable(trip, bytes, 'udp');
      if (reply) finish({ kind: 'reply', reply });
      else drops.add(problem as string);
    });
    socket.connect(trip.port, trip.server, () => socket.send(trip.query.udp));
  });

// TCP: the length-prefixed query, then read until one whole message has arrived.
const tcpRoundTrip = (trip: Trip): Promise<Raw> =>
  new Promise((resolve) => {
    const socket = connect({ host: trip.server, port: trip.port });
    const finish = settler(trip, 'tcp', () => socket.destroy(), resolve, dropLog());
    let buffer = Buffer.alloc(0);
    socket.on('connect', () => socket.write(trip.query.tcp));
    socket.on('error', (error) => finish({ kind: 'error', reason: 'network', detail: errorOf(error) }));
    socket.on('end', () => finish({ kind: 'error', reason: 'network', detail: 'TCP connection closed before a whole answer' }));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const message = framedMessage(buffer);
      if (message === undefined) return;
      // A stream carries only the answer to what we sent; anything else means the server is broken (dnsmasq 2.90
      // wraps the 16-bit length of an answer over 64 KiB to a small number, which lands here as malformed).
      const { reply, problem } = unusable(trip, message, 'tcp');
      finish(
        reply
          ? { kind: 'reply', reply }
          : { kind: 'error', reason: 'malformed', detail: `${problem as string} (length field ${message.length}, ${buffer.length} bytes received)` },
      );
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
