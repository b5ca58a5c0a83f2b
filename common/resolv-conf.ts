// /etc/resolv.conf read the way Go's resolver reads it (net/dnsconfig_unix.go, dnsReadConfig), because the agents
// replace Go programs and must ask the same servers, with the same search list, in the same order.

export type ResolvConf = {
  /** IP addresses, at most three, in file order (Go and glibc ignore the rest). */
  readonly nameservers: readonly string[];
  /** Rooted search domains (`default.svc.cluster.local.`); the last `search` or `domain` line wins. */
  readonly search: readonly string[];
  readonly ndots: number;
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly rotate: boolean;
  /** `options use-vc`: ask over TCP only. */
  readonly useTcp: boolean;
};

// Go's values when the file is missing or silent: ndots 1, timeout 5 s, 2 attempts, the local resolver.
export const RESOLV_DEFAULTS: ResolvConf = Object.freeze({
  nameservers: Object.freeze(['127.0.0.1', '::1']),
  search: Object.freeze([]),
  ndots: 1,
  timeoutMs: 5000,
  attempts: 2,
  rotate: false,
  useTcp: false,
});

export const ensureRooted = (name: string): string => (name.endsWith('.') ? name : `${name}.`);

// Go's dtoi as dnsReadConfig uses it: leading digits only, 0 when there are none.
const leadingInt = (text: string): number => {
  const digits = /^\d*/.exec(text)?.[0] ?? '';
  return digits === '' ? 0 : Math.min(Number(digits), 0xffffff);
};

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
// A nameserver must be an IP literal (Go: netip.ParseAddr); a host name would need DNS to find DNS.
const isIpLiteral = (text: string): boolean => IPV4.test(text) || (/^[0-9a-fA-F:.]+(%[\w.-]+)?$/.test(text) && text.includes(':'));

// The domain Go searches when resolv.conf has none: the part of the hostname after its first dot.
const defaultSearch = (hostname: string): string[] => {
  const dot = hostname.indexOf('.');
  return dot >= 0 && dot < hostname.length - 1 ? [ensureRooted(hostname.slice(dot + 1))] : [];
};

// Parse resolv.conf text; `undefined` text means the file is missing, which Go treats as "use the defaults".
export const parseResolvConf = (text: string | undefined, hostname = ''): ResolvConf => {
  if (text === undefined) return Object.freeze({ ...RESOLV_DEFAULTS, search: defaultSearch(hostname) });
  const conf = { ...RESOLV_DEFAULTS, nameservers: [] as string[], search: [] as string[] };
  for (const line of text.split('\n')) {
    if (line.startsWith(';') || line.startsWith('#')) continue;
    const f = line.split(/[ \r\t]+/).filter(Boolean);
    const [key, ...rest] = f;
    if (key === 'nameserver') {
      if (rest[0] !== undefined && conf.nameservers.length < 3 && isIpLiteral(rest[0])) conf.nameservers.push(rest[0]);
    } else if (key === 'domain') {
      // `domain .` is the root, which the bare name already covers; Go would query `name..`, a malformed name.
      if (rest[0] !== undefined) conf.search = [ensureRooted(rest[0])].filter((name) => name !== '.');
    } else if (key === 'search') {
      conf.search = rest.map(ensureRooted).filter((name) => name !== '.');
    } else if (key === 'options') {
      for (const option of rest) {
        if (option.startsWith('ndots:')) conf.ndots = Math.min(15, leadingInt(option.slice(6)));
        else if (option.startsWith('timeout:')) conf.timeoutMs = Math.max(1, leadingInt(option.slice(8))) * 1000;
        else if (option.startsWith('attempts:')) conf.attempts = Math.max(1, leadingInt(option.slice(9)));
        else if (option === 'rotate') conf.rotate = true;
        else if (option === 'use-vc' || option === 'usevc' || option === 'tcp') conf.useTcp = true;
      }
    }
  }
  if (conf.nameservers.length === 0) conf.nameservers = [...RESOLV_DEFAULTS.nameservers];
  if (conf.search.length === 0) conf.search = defaultSearch(hostname);
  return Object.freeze({ ...conf, nameservers: Object.freeze(conf.nameservers), search: Object.freeze(conf.search) });
};

// Go's avoidDNS: .onion names must never leak to a DNS server (RFC 7686).
const avoidDns = (name: string): boolean => name === '' || /\.onion\.?$/i.test(name) || /^onion\.?$/i.test(name);

// The names Go's resolver tries for `name`, in order (dnsConfig.nameList): a rooted name alone; otherwise the name
// as is first when it has at least ndots dots, each search suffix, and the name as is last when it has fewer.
export const nameList = (conf: Pick<ResolvConf, 'ndots' | 'search'>, name: string): string[] => {
  const rooted = name.endsWith('.');
  if (name.length > 254 || (name.length === 254 && !rooted)) return [];
  if (rooted) return avoidDns(name) ? [] : [name];
  const hasNdots = name.split('.').length - 1 >= conf.ndots;
  const absolute = `${name}.`;
  const names: string[] = [];
  if (hasNdots && !avoidDns(absolute)) names.push(absolute);
  for (const suffix of conf.search) {
    const fqdn = absolute + suffix;
    if (!avoidDns(fqdn) && fqdn.length <= 254) names.push(fqdn);
  }
  if (!hasNdots && !avoidDns(absolute)) names.push(absolute);
  return names;
};
