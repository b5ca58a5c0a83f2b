// DNS messages for the agents' resolver, pure: build a query, decide whether a reply answers it, and what it says.
import { encode, decode, streamEncode, RECURSION_DESIRED, type DecodedPacket, type Packet } from 'dns-packet';

export type QueryType = 'SRV' | 'A' | 'AAAA';

/** The EDNS0 UDP payload size Go and the DNS flag day 2020 settled on: no IP fragmentation on common paths. */
export const EDNS_UDP_SIZE = 1232;

export type Query = { readonly id: number; readonly name: string; readonly type: QueryType; readonly udp: Buffer; readonly tcp: Buffer };

// A recursive query with an EDNS0 OPT record, in UDP and TCP (length-prefixed) framing.
export const buildQuery = (id: number, name: string, type: QueryType): Query => {
  const message: Packet = {
    type: 'query',
    id,
    flags: RECURSION_DESIRED,
    questions: [{ type, class: 'IN', name }],
    // dns-packet's OPT type wants decoded-only fields; the encoder needs just these.
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: EDNS_UDP_SIZE, flags: 0, options: [] } as never],
  };
  return { id, name, type, udp: encode(message), tcp: streamEncode(message) };
};

const sameName = (a: string, b: string): boolean => a.replace(/\.$/, '').toLowerCase() === b.replace(/\.$/, '').toLowerCase();

// Why a reply does not answer our query (Go's checkResponse), or undefined when it does: anything else on the socket
// is a late answer to an earlier query or a spoofing attempt, and is dropped, not treated as an error.
export const replyMismatch = (query: Query, reply: DecodedPacket): string | undefined => {
  const question = reply.questions?.[0];
  if (reply.type !== 'response') return 'a query, not a response';
  if (reply.id !== query.id) return `wrong id ${reply.id} (asked with ${query.id})`;
  if (reply.questions?.length !== 1 || question === undefined) return `${reply.questions?.length ?? 0} questions instead of 1`;
  if (question.type !== query.type || (question.class ?? 'IN') !== 'IN' || !sameName(question.name, query.name)) return 'a different question';
  return undefined;
};

export const replyMatches = (query: Query, reply: DecodedPacket): boolean => replyMismatch(query, reply) === undefined;

export type Decoded = { readonly kind: 'ok'; readonly reply: DecodedPacket } | { readonly kind: 'malformed'; readonly reason: string };

// dns-packet's errors in words a reader of the log can act on. It refuses every pointer that does not point
// backwards, so a compression loop (which needs one) ends here instead of spinning.
const malformedReason = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes('bad pointer')) return 'compression pointer loop (a pointer that does not point backwards)';
  if (message.includes('name too long')) return 'a name longer than 255 bytes';
  if (message.includes('bad label')) return 'a label of a reserved type (0x40/0x80)';
  if (message.includes('Header must be')) return 'shorter than a DNS header';
  if (
    message.includes('buffer overflow') ||
    (error as NodeJS.ErrnoException).code === 'ERR_OUT_OF_RANGE' ||
    (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_OUT_OF_BOUNDS' ||
    error instanceof RangeError
  ) {
    return 'truncated: it ends inside a record, or its counts promise more records than it holds';
  }
  return `undecodable (${message.slice(0, 80)})`;
};

const tryDecode = (bytes: Buffer): Decoded => {
  try {
    return { kind: 'ok', reply: decode(bytes) };
  } catch (error) {
    return { kind: 'malformed', reason: malformedReason(error) };
  }
};

// Decode bytes from the wire, or say what is wrong with them (such a reply is dropped like a mismatched one, and the
// reason reported if nothing better arrives). When only the authority or additional sections are broken, the
// question and answers are kept, as Go's lazy parser never reads past the answers: dnsmasq 2.90 writes glue records
// with compression pointers past 16 KiB, which are unreadable.
export const decodeReply = (bytes: Buffer): Decoded => {
  const whole = tryDecode(bytes);
  if (whole.kind === 'ok' || bytes.length < 12) return whole;
  const answersOnly = Buffer.from(bytes);
  answersOnly.writeUInt32BE(0, 8); // NSCOUNT and ARCOUNT
  return tryDecode(answersOnly);
};

export type Rcode = string;
export type ReplyMeaning =
  | { readonly kind: 'answers'; readonly answers: NonNullable<DecodedPacket['answers']> }
  | { readonly kind: 'not-found'; readonly rcode: 'NXDOMAIN' | 'NODATA' }
  | { readonly kind: 'error'; readonly reason: 'servfail' | 'refused' | 'rcode'; readonly rcode: Rcode };

// What a matching reply means for the question: records of the asked type, "no such name/data" (final for this
// name, as in Go: asking another server will not help), or a server problem (try the next server).
export const replyMeaning = (type: QueryType, reply: DecodedPacket): ReplyMeaning => {
  const rcode = (reply as DecodedPacket & { rcode?: string }).rcode ?? 'NOERROR';
  if (rcode === 'NXDOMAIN') return { kind: 'not-found', rcode: 'NXDOMAIN' };
  if (rcode === 'SERVFAIL') return { kind: 'error', reason: 'servfail', rcode };
  if (rcode === 'REFUSED') return { kind: 'error', reason: 'refused', rcode };
  if (rcode !== 'NOERROR') return { kind: 'error', reason: 'rcode', rcode };
  const answers = (reply.answers ?? []).filter((a) => a.type === type);
  return answers.length === 0 ? { kind: 'not-found', rcode: 'NODATA' } : { kind: 'answers', answers };
};

// Bytes of one complete TCP-framed message at the head of `buffer`, or undefined while more must arrive.
export const framedMessage = (buffer: Buffer): Buffer | undefined => {
  if (buffer.length < 2) return undefined;
  const length = buffer.readUInt16BE(0);
  return buffer.length >= 2 + length ? buffer.subarray(2, 2 + length) : undefined;
};
