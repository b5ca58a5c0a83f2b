// readConfig: argv, env and the hostname -> one frozen Config, or a ConfigError listing every problem.
import { parseFlags, flagOrEnv, durationInRange, type FlagSpec } from '../common/flags.ts';
import { ConfigError, AgentError } from '../common/errors.ts';
import { podIdentityFromHostname, type PodIdentity } from '../common/hostname.ts';
import { excerpt } from '../common/log.ts';
import { isHostName } from '../common/k8s-names.ts';
import { isHostAddress, type MemberRole } from '../common/zk-4lw-parse.ts';
import { isAbsolutePath } from './zoo-values.ts';
import { FLAGS } from './flags.ts';
import { zooSettingsFromEnv, MAX_MYID, type ZooSettings } from './zoo-env.ts';

export type Command = 'init' | 'run' | 'leave';
export type Mode = 'dynamic' | 'static';
export type SecretSource = { readonly kind: 'env'; readonly value: string } | { readonly kind: 'file'; readonly path: string } | { readonly kind: 'none' };

export type Ports = { readonly client: number; readonly quorum: number; readonly election: number };

export type Config = {
  readonly command: Command;
  readonly mode: Mode;
  readonly role: MemberRole;
  readonly pod: PodIdentity;
  readonly myid: number;
  readonly address: string | undefined;
  readonly domain: string | undefined;
  readonly replicas: number | undefined;
  readonly ports: Ports;
  readonly clientAddress: string;
  readonly dataDir: string;
  readonly dataLogDir: string | undefined;
  readonly confDir: string;
  readonly zoo: ZooSettings;
  readonly superUser: string;
  readonly secret: SecretSource;
  readonly timeoutMs: number;
  readonly waitTimeoutMs: number;
  readonly leaveSettleMs: number;
  /** `run`: how long the server may take to stop after SIGTERM before it gets SIGKILL. */
  readonly stopGraceMs: number;
  /** `run`: HTTP /livez, /readyz and /status on all addresses; undefined when -health-port is 0 (off). */
  readonly health: { readonly port: number; readonly checkTimeoutMs: number } | undefined;
  /** `run`: the server command after `--`. */
  readonly serverCommand: readonly string[];
};

export type Env = Readonly<Record<string, string | undefined>>;

const COMMANDS: readonly string[] = ['init', 'run', 'leave'];

const spec = (name: string): FlagSpec => FLAGS.find((f) => f.name === name) as FlagSpec;

// Typed reads that record a problem (naming flag, env, expected shape and an excerpt of the value) instead of throwing.
const reader = (parsed: ReturnType<typeof parseFlags>, env: Env, problems: string[]) => {
  const raw = (name: string): string | undefined => flagOrEnv(parsed, spec(name), env) ?? spec(name).default;
  const label = (name: string): string => `-${name}${spec(name).env ? ` (env ${spec(name).env})` : ''}`;
  // Given, but empty: `-data-dir ""` or `ZOO_DATA_DIR=` is a mistake, never "use the default" or "the root".
  const givenEmpty = (name: string): boolean => {
    const flag = parsed.values.get(name);
    const envName = spec(name).env;
    return flag === '' || (flag === undefined && envName !== undefined && env[envName] === '');
  };
  const int = (name: string, min: number, max: number): number | undefined => {
    const text = raw(name);
    if (text === undefined || text === '') return undefined;
    const n = Number(text);
    if (/^\d+$/.test(text) && n >= min && n <= max) return n;
    problems.push(`${label(name)} must be an integer ${min}-${max}, got ${excerpt(text)}`);
    return undefined;
  };
  const oneOf = <T extends string>(name: string, values: readonly T[]): T => {
    const text = raw(name) ?? '';
    if ((values as readonly string[]).includes(text)) return text as T;
    problems.push(`${label(name)} must be one of ${values.join(', ')}, got ${excerpt(text)}`);
    return values[0] as T;
  };
  const duration = (name: string): number => durationInRange(label(name), raw(name) ?? '', { min: 1, example: '5s or 2m' }, problems) ?? 1000;
  // Paths take no spec default: their defaults are documented forms like <data-dir>/conf, resolved by the caller.
  // `emptyIsUnset`: -data-log-dir documents "empty = data dir"; every other path given empty is refused.
  const path = (name: string, emptyIsUnset = false): string | undefined => {
    if (givenEmpty(name) && !emptyIsUnset) {
      problems.push(`${label(name)} is empty: give an absolute path, or leave it unset for the default (${spec(name).default ?? 'none'})`);
      return undefined;
    }
    const text = flagOrEnv(parsed, spec(name), env);
    if (text === undefined || text === '') return undefined;
    if (!isAbsolutePath(text)) {
      problems.push(`${label(name)} must be an absolute path of printable ASCII without spaces or backslashes, got ${excerpt(text)}`);
      return undefined;
    }
    return text.replace(/\/+$/, '') || '/';
  };
  // A name that ends up in a server line or a connect string: host name, IPv4 or [IPv6], nothing else.
  const host = (name: string, check: (text: string) => boolean = isHostAddress): string | undefined => {
    const text = raw(name);
    if (text === undefined || text === '') return undefined;
    if (check(text)) return text;
    problems.push(`${label(name)} must be a host name (letters, digits, '-', '.'; labels of at most 63, 253 in all)${check === isHostAddress ? ', an IPv4 address or [IPv6]' : ''}, got ${excerpt(text)}`);
    return undefined;
  };
  return { raw, int, oneOf, duration, path, host };
};

export const readConfig = (argv: readonly string[], env: Env, files: { readonly hostname: string }): Config => {
  const dash = argv.indexOf('--');
  const parsed = parseFlags(FLAGS, dash === -1 ? argv : argv.slice(0, dash));
  const serverCommand = dash === -1 ? [] : argv.slice(dash + 1);
  const problems = [...parsed.problems];
  const r = reader(parsed, env, problems);

  const [command, ...extra] = parsed.positionals;
  if (!COMMANDS.includes(command ?? '')) problems.push(`first argument must be init, run or leave, got ${excerpt(command ?? '')}`);
  if (extra.length > 0) problems.push(`unexpected arguments ${excerpt(extra.join(' '))} (the server command goes after --)`);
  if (command === 'run' && serverCommand.length === 0) problems.push('run needs the server command after --, e.g. run -- java ... QuorumPeerMain /data/conf/zoo.cfg');

  let pod: PodIdentity = { hostname: '', setName: '', ordinal: 0 };
  const hostname = env.HOSTNAME || files.hostname;
  try {
    pod = podIdentityFromHostname(hostname);
  } catch (error) {
    problems.push(error instanceof AgentError ? error.message : String(error));
  }

  const mode = r.oneOf<Mode>('mode', ['dynamic', 'static']);
  const role = r.oneOf<MemberRole>('role', ['participant', 'observer']);
  const offset = r.int('id-offset', 0, MAX_MYID) ?? 1;
  const myid = pod.ordinal + offset;
  if (myid < 1 || myid > MAX_MYID) problems.push(`myid ${myid} (ordinal ${pod.ordinal} + -id-offset ${offset}) must be 1-${MAX_MYID}`);
  const dataDir = r.path('data-dir') ?? '/data';
  const confDir = r.path('conf-dir') ?? `${dataDir}/conf`;
  const ports = { client: r.int('client-port', 1, 65535) ?? 2181, quorum: r.int('quorum-port', 1, 65535) ?? 2888, election: r.int('election-port', 1, 65535) ?? 3888 };
  if (new Set([ports.client, ports.quorum, ports.election]).size < 3) problems.push(`client, quorum and election ports must differ, got ${ports.client}, ${ports.quorum}, ${ports.election}`);
  const replicas = r.int('replicas', 1, MAX_MYID);
  if (mode === 'static' && replicas !== undefined && offset + replicas - 1 > MAX_MYID) problems.push(`-replicas ${replicas} with -id-offset ${offset} gives ids up to ${offset + replicas - 1}; ZooKeeper ids must be 1-${MAX_MYID}`);
  const domain = r.host('domain', (text) => isHostName(text.replace(/\.$/, '')))?.replace(/\.$/, '');
  const address = r.host('address');
  const clientAddress = r.host('client-address') ?? '0.0.0.0';
  const dataLogDir = r.path('data-log-dir', true);
  const zoo = zooSettingsFromEnv(env, mode, problems);
  if (mode === 'static' && zoo.staticServers.length === 0 && (replicas === undefined || domain === undefined)) {
    problems.push('static mode needs ZOO_SERVERS, or -replicas (env ZK_REPLICAS) and -domain (env ZK_DOMAIN)');
  }
  if (role === 'observer' && mode === 'static' && zoo.staticServers.length === 0) problems.push('-role=observer in static mode needs ZOO_SERVERS with :observer lines');

  const secretFile = r.path('secret-file');
  const secret: SecretSource = secretFile ? { kind: 'file', path: secretFile } : env.ZK_SUPER_SECRET ? { kind: 'env', value: env.ZK_SUPER_SECRET } : { kind: 'none' };
  if (mode === 'dynamic' && secret.kind === 'none') problems.push('dynamic mode needs the super user password for reconfig: -secret-file (env ZK_SUPER_SECRET_FILE) or env ZK_SUPER_SECRET');
  const superUser = r.raw('super-user') ?? 'super';
  if (!/^[\x21-\x39\x3b-\x7e]{1,128}$/.test(superUser)) problems.push(`-super-user (env ZK_SUPER_USER) must be 1-128 printable ASCII characters without ':' or spaces, got ${excerpt(superUser)}`);

  const timeoutMs = r.duration('timeout');
  const waitTimeoutMs = r.duration('wait-timeout');
  const leaveSettleMs = r.duration('leave-settle');
  const stopGraceMs = r.duration('stop-grace');
  const healthPort = r.int('health-port', 0, 65535) ?? 0;
  const healthCheckTimeoutMs = r.duration('health-check-timeout');
  // The health server binds before the JVM starts: a port ZooKeeper needs would go to the endpoint instead.
  const adminPort = zoo.adminServer ? Number(zoo.extra.filter((e) => e.startsWith('admin.serverPort=')).at(-1)?.slice('admin.serverPort='.length) ?? 8080) : undefined;
  const taken = [['client', ports.client], ['quorum', ports.quorum], ['election', ports.election], ['AdminServer (admin.serverPort; ZOO_ADMINSERVER_ENABLED=false frees it)', adminPort]] as const;
  for (const [what, port] of taken) if (healthPort !== 0 && healthPort === port) problems.push(`-health-port (env ZK_HEALTH_PORT) ${healthPort} is ZooKeeper's ${what} port; pick another`);

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    command: command as Command,
    mode,
    role,
    pod,
    myid,
    address,
    domain,
    replicas,
    ports: Object.freeze(ports),
    clientAddress,
    dataDir,
    dataLogDir,
    confDir,
    zoo,
    superUser,
    secret,
    timeoutMs,
    waitTimeoutMs,
    leaveSettleMs,
    stopGraceMs,
    health: healthPort === 0 ? undefined : Object.freeze({ port: healthPort, checkTimeoutMs: healthCheckTimeoutMs }),
    serverCommand,
  });
};
