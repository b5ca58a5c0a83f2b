// A stub resolver that behaves like Go's (net/dnsclient_unix.go), which the original agents used: the resolv.conf
// servers in order (or rotated), `attempts` rounds, the search list applied to short names, UDP with EDNS0 and a
// TCP retry when the UDP answer is truncated. Node's dns.resolveSrv ignores the search list, hence this module.
import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import { randomInt } from 'node:crypto';
import type { SrvAnswer, StringAnswer } from 'dns-packet';
import { nameList, type ResolvConf } from './resolv-conf.ts';
import { buildQuery, decodeReply, framedMessage, replyMatches, replyMeaning, type Query, type QueryType, type ReplyMeaning } from './dns-message.ts';

export type Transport = 'udp' | 'tcp';
export type DnsErrorReason = 'timeout' | 'network' | 'servfail' | 'refused' | 'rcode';

export type SrvRecord = { readonly target: string; readonly port: number; readonly priority: number; readonly weight: number };

export type LookupResult<T> =
  | { readonly kind: 'ok'; readonly records: readonly T[]; readonly name: string; readonly server: string; readonly transport: Transport }
  | { readonly kind: 'not-found'; readonly rcode: 'NXDOMAIN' | 'NODATA'; readonly names: readonly string[] }
  | { readonly kind: 'error'; readonly reason: DnsErrorReason; readonly detail: string; readonly names: readonly string[] };

export type DnsClientOptions = {
  readonly resolv: ResolvConf;
  /** Port of every nameserver: 53 in a pod, a random one for a test server. */
  readonly port?: number;
};

type Exchange =
  | { readonly kind: 'reply'; readonly meaning: ReplyMeaning; readonly transport: Transport }
  | { readonly kind: 'error'; readonly reason: 'timeout' | 'network'; readonly detail: string };
type Raw = { kind: 'reply'; reply: NonNullable<ReturnType<typeof decodeReply>> } | { kind: 'error'; reason: 'timeout' | 'network'; detail: string };

const errorOf = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? String(error);

// One UDP round trip on a connected socket (which also turns ICMP "port unreachable" into a fast error).
const udpRoundTrip = (server: string, port: number, query: Query, timeoutMs: number): Promise<Raw> =>
  new Promise((resolve) => {
    const socket = createSocket(isIPv6(server) ? 'udp6' : 'udp4');
    let done = false;
    const finish = (result: Raw): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ kind: 'error', reason: 'timeout', detail: `no UDP answer in ${timeoutMs}ms` }), timeoutMs);
    socket.on('error', (error) => finish({ kind: 'error', reason: 'network', detail: errorOf(error) }));
    socket.on('message', (bytes) => {
      const reply = decodeReply(bytes);
      if (reply && replyMatches(query, reply)) finish({ kind: 'reply', reply });
    });
    socket.connect(port, server, () => socket.send(query.udp));
  });

// One TCP round trip: the length-prefixed query, then read until one whole message has arrived.
const tcpRoundTrip = (server: string, port: number, query: Query, timeoutMs: number): Promise<Raw> =>
  new Promise((resolve) => {
    const socket = connect({ host: server, port });
    let buffer = Buffer.alloc(0);
    const finish = (result: Raw): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ kind: 'error', reason: 'timeout', detail: `no TCP answer in ${timeoutMs}ms` }), timeoutMs);
    socket.on('connect', () => socket.write(query.tcp));
    socket.on('error', (error) => finish({ kind: 'error', reason: 'network', detail: errorOf(error) }));
    socket.on('end', () => finish({ kind: 'error', reason: 'network', detail: 'TCP connection closed before a whole answer' }));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const message = framedMessage(buffer);
      if (message === undefined) return;
      const reply = decodeReply(message);
      // A stream carries only the answer to what we sent; anything else means the server is broken.
      finish(reply && replyMatches(query, reply) ? { kind: 'reply', reply } : { kind: 'error', reason: 'network', detail: 'TCP answer does not match the query' });
    });
  });

// Go's exchange: UDP first; a truncated UDP answer is asked again over TCP, whose answer is taken as it is.
const exchange = async (server: string, port: number, query: Query, timeoutMs: number, tcpOnly: boolean): Promise<Exchange> => {
  for (const transport of tcpOnly ? (['tcp'] as const) : (['udp', 'tcp'] as const)) {
    const raw = await (transport === 'udp' ? udpRoundTrip : tcpRoundTrip)(server, port, query, timeoutMs);
    if (raw.kind === 'error') return raw;
    if (transport === 'udp' && raw.reply.flag_tc) continue;
    return { kind: 'reply', meaning: replyMeaning(query.type, raw.reply), transport };
  }
  return { kind: 'error', reason: 'network', detail: 'truncated answer' };
};

type NameOutcome<T> =
  | Extract<LookupResult<T>, { kind: 'ok' }>
  | { readonly kind: 'not-found'; readonly rcode: 'NXDOMAIN' | 'NODATA' }
  | { readonly kind: 'error'; readonly reason: DnsErrorReason; readonly detail: string };

// A DNS client over the resolv.conf servers; `rotate` spreads successive lookups over them, as Go does.
export const createDnsClient = (options: DnsClientOptions) => {
  const { resolv } = options;
  const port = options.port ?? 53;
  let rotation = 0;

  // Go's tryOneName: every server, `attempts` times; NXDOMAIN/NODATA is final, server problems try the next.
  const tryOneName = async <T>(name: string, type: QueryType, pick: (answers: readonly unknown[]) => T[]): Promise<NameOutcome<T>> => {
    const offset = resolv.rotate ? rotation++ : 0;
    const servers = resolv.nameservers;
    let last: NameOutcome<T> = { kind: 'error', reason: 'network', detail: `${name}: no nameserver` };
    for (let attempt = 0; attempt < resolv.attempts; attempt++) {
      for (let j = 0; j < servers.length; j++) {
        const server = servers[(offset + j) % servers.length] as string;
        const where = `${type} ${name} @${server}:${port}`;
        const result = await exchange(server, port, buildQuery(randomInt(0, 65536), name, type), resolv.timeoutMs, resolv.useTcp);
        if (result.kind === 'error') {
          last = { kind: 'error', reason: result.reason, detail: `${where}: ${result.detail}` };
          continue;
        }
        const meaning = result.meaning;
        if (meaning.kind === 'not-found') return meaning;
        if (meaning.kind === 'error') {
          last = { kind: 'error', reason: meaning.reason, detail: `${where}: ${meaning.rcode}` };
          continue;
        }
        return { kind: 'ok', records: pick(meaning.answers), name, server, transport: result.transport };
      }
    }
    return last;
  };

  // Each name of Go's search list in turn until one answers. When none does, the first name's outcome is reported:
  // with a kubelet search list it is `<service>.<namespace>.svc.<domain>.`, the name that was meant, while the last
  // one (the bare name) is often REFUSED or NXDOMAIN upstream for reasons that do not matter.
  const lookup = async <T>(name: string, type: QueryType, pick: (answers: readonly unknown[]) => T[]): Promise<LookupResult<T>> => {
    const names = nameList(resolv, name);
    let first: Exclude<NameOutcome<T>, { kind: 'ok' }> | undefined;
    for (const fqdn of names) {
      const outcome = await tryOneName(fqdn, type, pick);
      if (outcome.kind === 'ok') return outcome;
      first ??= outcome;
    }
    if (first === undefined) return { kind: 'error', reason: 'network', detail: `${JSON.stringify(name)} is not a name to look up`, names };
    return first.kind === 'not-found' ? { kind: 'not-found', rcode: first.rcode, names } : { kind: 'error', reason: first.reason, detail: first.detail, names };
  };

  return {
    /** SRV records of `name`; targets without the trailing root dot. */
    lookupSrv: (name: string): Promise<LookupResult<SrvRecord>> =>
      lookup(name, 'SRV', (answers) =>
        (answers as SrvAnswer[]).map((a) => ({ target: a.data.target.replace(/\.$/, ''), port: a.data.port, priority: a.data.priority ?? 0, weight: a.data.weight ?? 0 })),
      ),
    /** A or AAAA records of `name`, as address strings. */
    lookupAddresses: (name: string, type: 'A' | 'AAAA' = 'A'): Promise<LookupResult<string>> =>
      lookup(name, type, (answers) => (answers as StringAnswer[]).map((a) => a.data)),
  };
};

export type DnsClient = ReturnType<typeof createDnsClient>;
