// Every input peer-finder takes (flags, env, hostname, resolv.conf, own addresses), checked once, into a frozen Config.
import type { Read } from '../common/inputs.ts';
import { ConfigError } from '../common/errors.ts';
import { excerpt, type LogFormat } from '../common/log.ts';
import { isIP } from 'node:net';
import { parseResolvConf, type ResolvConf } from '../common/resolv-conf.ts';
import { isDomainName } from '../common/dns-names.ts';
import type { SPECS } from './flags.ts';
import { identity, type Identity } from './identity.ts';

export type Discovery =
  | { readonly kind: 'srv'; readonly name: string }
  | { readonly kind: 'a'; readonly name: string }
  | { readonly kind: 'static'; readonly peers: readonly string[] };

export type Config = Identity & {
  readonly onStart: string | undefined;
  readonly onChange: string | undefined;
  readonly discovery: Discovery;
  readonly resolv: ResolvConf;
  readonly dnsPort: number;
  readonly pollPeriodMs: number;
  /** 0: wait forever for the first hook, as the original. */
  readonly timeoutMs: number;
  readonly logFormat: LogFormat;
};

export type ConfigInputs = {
  /** The system hostname (used when -hostname is absent). */
  readonly hostname: string;
  /** Text of the -resolv-conf file; undefined when it cannot be read. */
  readonly resolvConf: string | undefined;
  /** Addresses of this pod's interfaces, for -discovery=a when POD_IP is unset. */
  readonly addresses: readonly string[];
};

export type Inputs = Read<typeof SPECS>;
type Env = Readonly<Record<string, string | undefined>>;

const discoveryOf = (read: Inputs, problems: string[]): Discovery => {
  const { discovery: kind, service } = read.values;
  const peers = read.values.peers
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter(Boolean);
  if (kind !== 'static' && peers.length > 0) problems.push(`-peers is only used with -discovery=static, got -discovery=${kind}`);
  if (kind === 'static') {
    if (peers.length === 0) problems.push('-discovery=static needs -peers=<name>,<name>,...');
    // The same rule as names from DNS: a hook reads one member per line, whatever the source.
    const bad = peers.filter((p) => !isDomainName(p) && isIP(p) === 0);
    if (bad.length > 0) problems.push(`-peers takes host names or IP addresses, got ${bad.length} that are neither, e.g. ${excerpt(bad[0] as string)}`);
    return { kind, peers };
  }
  // A -service refused by its spec is already named; "required" would send the reader the wrong way.
  if (service === undefined && !read.given.has('service'))
    problems.push(`-service is required with -discovery=${kind} (the headless Service name, e.g. -service=zk)`);
  return { kind, name: service ?? '' };
};

// Config from the one read of argv and env and the file contents; throws one ConfigError naming every problem.
export const readConfig = (read: Inputs, env: Env, files: ConfigInputs): Config => {
  const problems = [...read.problems];
  if (read.positionals.length > 0) problems.push(`unexpected argument ${excerpt(read.positionals[0] as string)} (flags are -name=value)`);
  const { onStart, onChange, service, discovery: kind } = read.values;
  if (onStart === undefined && onChange === undefined) problems.push('-on-start or -on-change is required (the command to run with the member list)');
  const discovery = discoveryOf(read, problems);
  const id = identity({
    kind,
    service,
    namespace: read.values.ns,
    domain: read.values.domain,
    hostname: read.values.hostname ?? files.hostname,
    resolvConfPath: read.values.resolvConf,
    resolvConf: files.resolvConf,
    addresses: env['POD_IP'] ? [env['POD_IP']] : files.addresses,
    peers: discovery.kind === 'static' ? discovery.peers : [],
  });
  problems.push(...id.problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    ...id.identity,
    onStart,
    onChange,
    discovery,
    resolv: parseResolvConf(files.resolvConf, id.identity.hostname),
    dnsPort: read.values.dnsPort,
    pollPeriodMs: read.values.pollPeriod,
    timeoutMs: read.values.timeout,
    logFormat: read.values.logFormat,
  });
};
