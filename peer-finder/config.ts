// Every input peer-finder takes (flags, env, hostname, resolv.conf, own addresses), checked once, into a frozen Config.
import { parseFlags, flagOrEnv, durationInRange, type FlagSpec, type ParsedFlags } from '../common/flags.ts';
import { ConfigError } from '../common/errors.ts';
import { excerpt, type LogFormat } from '../common/log.ts';
import { isIP } from 'node:net';
import { parseResolvConf, type ResolvConf } from '../common/resolv-conf.ts';
import { isDomainName } from '../common/dns-names.ts';
import { FLAGS } from './flags.ts';
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

const DEFAULT_RESOLV_CONF = '/etc/resolv.conf';
type Env = Readonly<Record<string, string | undefined>>;

const spec = (name: string): FlagSpec => FLAGS.find((f) => f.name === name) as FlagSpec;
const str = (parsed: ParsedFlags, name: string, env: Env = {}): string | undefined => {
  const value = flagOrEnv(parsed, spec(name), env);
  return value === '' ? undefined : value;
};

// The files readConfig needs, known from argv alone, so main can read them first.
export const inputPaths = (argv: readonly string[]): { readonly resolvConf: string } => ({
  resolvConf: str(parseFlags(FLAGS, argv), 'resolv-conf') ?? DEFAULT_RESOLV_CONF,
});

const durationFlag = (parsed: ParsedFlags, name: string, fallback: number, min: number, problems: string[]): number => {
  const text = str(parsed, name);
  if (text === undefined) return fallback;
  return durationInRange(`-${name}`, text, min === 0 ? { min, note: '0: no limit' } : { min }, problems) ?? fallback;
};

const oneOf = <T extends string>(parsed: ParsedFlags, name: string, allowed: readonly T[], problems: string[]): T => {
  const text = str(parsed, name) ?? allowed[0];
  if (!(allowed as readonly string[]).includes(text as string)) problems.push(`-${name} takes ${allowed.join(', ')}, got ${excerpt(text ?? "")}`);
  return (allowed as readonly string[]).includes(text as string) ? (text as T) : (allowed[0] as T);
};

const discoveryOf = (parsed: ParsedFlags, kind: Discovery['kind'], service: string | undefined, problems: string[]): Discovery => {
  const peers = ((parsed.values.get('peers') as readonly string[] | undefined) ?? []).flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
  if (kind !== 'static' && peers.length > 0) problems.push(`-peers is only used with -discovery=static, got -discovery=${kind}`);
  if (kind === 'static') {
    if (peers.length === 0) problems.push('-discovery=static needs -peers=<name>,<name>,...');
    // The same rule as names from DNS: a hook reads one member per line, whatever the source.
    const bad = peers.filter((p) => !isDomainName(p) && isIP(p) === 0);
    if (bad.length > 0) problems.push(`-peers takes host names or IP addresses, got ${bad.length} that are neither, e.g. ${excerpt(bad[0] as string)}`);
    return { kind, peers };
  }
  if (service === undefined) problems.push(`-service is required with -discovery=${kind} (the headless Service name, e.g. -service=zk)`);
  return { kind, name: service ?? '' };
};

const portFlag = (parsed: ParsedFlags, problems: string[]): number => {
  const text = str(parsed, 'dns-port') ?? '53';
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) problems.push(`-dns-port takes a port 1-65535, got ${excerpt(text)}`);
  return Number.isNaN(port) ? 53 : port;
};

// Config from argv, env and file contents; throws one ConfigError naming every problem.
export const readConfig = (argv: readonly string[], env: Env, inputs: ConfigInputs): Config => {
  const parsed = parseFlags(FLAGS, argv);
  const problems = [...parsed.problems];
  if (parsed.positionals.length > 0) problems.push(`unexpected argument ${excerpt(parsed.positionals[0] as string)} (flags are -name=value)`);
  const onStart = str(parsed, 'on-start');
  const onChange = str(parsed, 'on-change');
  if (onStart === undefined && onChange === undefined) problems.push('-on-start or -on-change is required (the command to run with the member list)');
  const service = str(parsed, 'service');
  const kind = oneOf(parsed, 'discovery', ['srv', 'a', 'static'] as const, problems);
  const discovery = discoveryOf(parsed, kind, service, problems);
  const id = identity({
    kind,
    service,
    namespace: str(parsed, 'ns', env),
    domain: str(parsed, 'domain'),
    hostname: str(parsed, 'hostname') ?? inputs.hostname,
    resolvConfPath: inputPaths(argv).resolvConf,
    resolvConf: inputs.resolvConf,
    addresses: env['POD_IP'] ? [env['POD_IP']] : inputs.addresses,
    peers: discovery.kind === 'static' ? discovery.peers : [],
  });
  problems.push(...id.problems);
  const config: Config = {
    ...id.identity,
    onStart,
    onChange,
    discovery,
    resolv: parseResolvConf(inputs.resolvConf, id.identity.hostname),
    dnsPort: portFlag(parsed, problems),
    pollPeriodMs: durationFlag(parsed, 'poll-period', 1000, 1, problems),
    timeoutMs: durationFlag(parsed, 'timeout', 0, 0, problems),
    logFormat: oneOf(parsed, 'log-format', ['text', 'json'] as const, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
};
