// A stub resolver that behaves like Go's (net/dnsclient_unix.go), which the original agents used: the resolv.conf
// servers in order (or rotated), `attempts` rounds, the search list applied to short names, UDP with EDNS0 and a
// TCP retry when the UDP answer is truncated. Node's dns.resolveSrv ignores the search list, hence this module.
import type { SrvAnswer, StringAnswer } from 'dns-packet';
import { nameList, type ResolvConf } from './resolv-conf.ts';
import { buildQuery, type QueryType } from './dns-message.ts';
import { isDomainName } from './dns-names.ts';
import { exchange, type Transport } from './dns-transport.ts';
import { randomId16 } from './random.ts';

export type { Transport } from './dns-transport.ts';
export type DnsErrorReason = 'timeout' | 'network' | 'malformed' | 'servfail' | 'refused' | 'rcode';

export type SrvRecord = { readonly target: string; readonly port: number; readonly priority: number; readonly weight: number };

export type LookupResult<T> =
  | {
      readonly kind: 'ok';
      readonly records: readonly T[];
      /** Names in the answer that are not valid host names (Go's isDomainName), whose records were left out. */
      readonly rejected: readonly string[];
      readonly name: string;
      readonly server: string;
      readonly transport: Transport;
    }
  | { readonly kind: 'not-found'; readonly rcode: 'NXDOMAIN' | 'NODATA'; readonly names: readonly string[] }
  | { readonly kind: 'error'; readonly reason: DnsErrorReason; readonly detail: string; readonly names: readonly string[] };

export type LookupOptions = {
  /** Ends the lookup early, e.g. at the caller's own deadline; the result is then a timeout error. */
  readonly signal?: AbortSignal | undefined;
};

export type DnsClientOptions = {
  readonly resolv: ResolvConf;
  /** Port of every nameserver: 53 in a pod, a random one for a test server. */
  readonly port?: number;
};

type Picked<T> = { readonly records: T[]; readonly rejected: string[] };
type Picker<T> = (answers: readonly unknown[]) => Picked<T>;

// Go's LookupSRV since CVE-2021-33195 leaves out records whose names are not valid host names (a newline, NUL,
// space or invalid UTF-8 in a target would otherwise reach whoever reads the list); owner names are checked too.
// A target of "." means "no service here" (RFC 2782): it names no host, so it is left out as well.
const screened = <A extends { name: string }, T>(answers: readonly A[], names: (a: A) => readonly string[], record: (a: A) => T): Picked<T> => {
  const records: T[] = [];
  const rejected: string[] = [];
  for (const answer of answers) {
    const bad = names(answer).find((n) => n === '.' || !isDomainName(n));
    if (bad === undefined) records.push(record(answer));
    else rejected.push(bad);
  }
  return { records, rejected };
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
  const tryOneName = async <T>(name: string, type: QueryType, pick: Picker<T>, signal: AbortSignal | undefined): Promise<NameOutcome<T>> => {
    const offset = resolv.rotate ? rotation++ : 0;
    const servers = resolv.nameservers;
    let last: NameOutcome<T> = { kind: 'error', reason: 'network', detail: `${name}: no nameserver` };
    let tried = false;
    for (let attempt = 0; attempt < resolv.attempts; attempt++) {
      for (let j = 0; j < servers.length; j++) {
        const server = servers[(offset + j) % servers.length] as string;
        const where = `${type} ${name} @${server}:${port}`;
        // The exchange the deadline cut short has said so already, with what it had received by then.
        if (signal?.aborted) return tried ? last : { kind: 'error', reason: 'timeout', detail: `${where}: cut short by the deadline` };
        tried = true;
        const query = buildQuery(randomId16(), name, type);
        const result = await exchange({ server, port, query, timeoutMs: resolv.timeoutMs, signal }, resolv.useTcp);
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
        return { kind: 'ok', ...pick(meaning.answers), name, server, transport: result.transport };
      }
    }
    return last;
  };

  // Each name of Go's search list in turn until one answers. When none does, the first name's outcome is reported:
  // with a kubelet search list it is `<service>.<namespace>.svc.<domain>.`, the name that was meant, while the last
  // one (the bare name) is often REFUSED or NXDOMAIN upstream for reasons that do not matter.
  const lookup = async <T>(name: string, type: QueryType, pick: Picker<T>, options: LookupOptions): Promise<LookupResult<T>> => {
    const names = nameList(resolv, name);
    let first: Exclude<NameOutcome<T>, { kind: 'ok' }> | undefined;
    for (const fqdn of names) {
      const outcome = await tryOneName(fqdn, type, pick, options.signal);
      if (outcome.kind === 'ok') return outcome;
      first ??= outcome;
    }
    if (first === undefined) return { kind: 'error', reason: 'network', detail: `${JSON.stringify(name)} is not a name to look up`, names };
    return first.kind === 'not-found' ? { kind: 'not-found', rcode: first.rcode, names } : { kind: 'error', reason: first.reason, detail: first.detail, names };
  };

  return {
    /** SRV records of `name`; targets without the trailing root dot. */
    lookupSrv: (name: string, options: LookupOptions = {}): Promise<LookupResult<SrvRecord>> =>
      lookup(
        name,
        'SRV',
        (answers) =>
          screened(
            answers as SrvAnswer[],
            (a) => [a.name, a.data.target],
            (a) => ({ target: a.data.target.replace(/\.$/, ''), port: a.data.port, priority: a.data.priority ?? 0, weight: a.data.weight ?? 0 }),
          ),
        options,
      ),
    /** A or AAAA records of `name`, as address strings. */
    lookupAddresses: (name: string, type: 'A' | 'AAAA' = 'A', options: LookupOptions = {}): Promise<LookupResult<string>> =>
      lookup(
        name,
        type,
        (answers) =>
          screened(
            answers as StringAnswer[],
            (a) => [a.name],
            (a) => a.data,
          ),
        options,
      ),
  };
};

export type DnsClient = ReturnType<typeof createDnsClient>;
