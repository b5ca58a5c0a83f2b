// readConfig: argv, env and the hostname -> one frozen Config, or a ConfigError listing every problem.
import { parseFlags, flagOrEnv, durationMs, type FlagSpec } from '../common/flags.ts';
import { ConfigError, AgentError } from '../common/errors.ts';
import { podIdentityFromHostname, type PodIdentity } from '../common/hostname.ts';
import type { MemberRole } from '../common/zk-4lw-parse.ts';
import { FLAGS } from './flags.ts';
import { zooSettingsFromEnv, type ZooSettings } from './zoo-env.ts';

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
  /** `run`: the server command after `--`. */
  readonly serverCommand: readonly string[];
};

export type Env = Readonly<Record<string, string | undefined>>;

const COMMANDS: readonly string[] = ['init', 'run', 'leave'];

const spec = (name: string): FlagSpec => FLAGS.find((f) => f.name === name) as FlagSpec;

// Typed reads that record a problem (naming flag, env, expected shape and value) instead of throwing.
const reader = (parsed: ReturnType<typeof parseFlags>, env: Env, problems: string[]) => {
  const raw = (name: string): string | undefined => flagOrEnv(parsed, spec(name), env) ?? spec(name).default;
  const label = (name: string): string => `-${name}${spec(name).env ? ` (env ${spec(name).env})` : ''}`;
  const int = (name: string, min: number, max: number): number | undefined => {
    const text = raw(name);
    if (text === undefined || text === '') return undefined;
    const n = Number(text);
    if (/^\d+$/.test(text) && n >= min && n <= max) return n;
    problems.push(`${label(name)} must be an integer ${min}-${max}, got ${JSON.stringify(text)}`);
    return undefined;
  };
  const oneOf = <T extends string>(name: string, values: readonly T[]): T => {
    const text = raw(name) ?? '';
    if ((values as readonly string[]).includes(text)) return text as T;
    problems.push(`${label(name)} must be one of ${values.join(', ')}, got ${JSON.stringify(text)}`);
    return values[0] as T;
  };
  const duration = (name: string): number => {
    const ms = durationMs(raw(name) ?? '');
    if (ms !== undefined && ms > 0) return ms;
    problems.push(`${label(name)} must be a duration like 5s or 2m, got ${JSON.stringify(raw(name))}`);
    return 1000;
  };
  // Paths take no spec default: their defaults are documented forms like <data-dir>/conf, resolved by the caller.
  const path = (name: string): string | undefined => {
    const text = flagOrEnv(parsed, spec(name), env);
    if (text === undefined || text === '') return undefined;
    if (!text.startsWith('/')) problems.push(`${label(name)} must be an absolute path, got ${JSON.stringify(text)}`);
    return text.replace(/\/+$/, '') || '/';
  };
  return { raw, int, oneOf, duration, path };
};

export const readConfig = (argv: readonly string[], env: Env, files: { readonly hostname: string }): Config => {
  const dash = argv.indexOf('--');
  const parsed = parseFlags(FLAGS, dash === -1 ? argv : argv.slice(0, dash));
  const serverCommand = dash === -1 ? [] : argv.slice(dash + 1);
  const problems = [...parsed.problems];
  const r = reader(parsed, env, problems);

  const [command, ...extra] = parsed.positionals;
  if (!COMMANDS.includes(command ?? '')) problems.push(`first argument must be init, run or leave, got ${JSON.stringify(command ?? '')}`);
  if (extra.length > 0) problems.push(`unexpected arguments ${JSON.stringify(extra)} (the server command goes after --)`);
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
  const offset = r.int('id-offset', 0, 255) ?? 1;
  const myid = pod.ordinal + offset;
  if (myid < 1 || myid > 255) problems.push(`myid ${myid} (ordinal ${pod.ordinal} + -id-offset ${offset}) must be 1-255`);
  const dataDir = r.path('data-dir') ?? '/data';
  const confDir = r.path('conf-dir') ?? `${dataDir}/conf`;
  const ports = { client: r.int('client-port', 1, 65535) ?? 2181, quorum: r.int('quorum-port', 1, 65535) ?? 2888, election: r.int('election-port', 1, 65535) ?? 3888 };
  if (new Set([ports.client, ports.quorum, ports.election]).size < 3) problems.push(`client, quorum and election ports must differ, got ${ports.client}, ${ports.quorum}, ${ports.election}`);
  const replicas = r.int('replicas', 1, 255);
  const domain = r.raw('domain') || undefined;
  const zoo = zooSettingsFromEnv(env, mode, problems);
  if (mode === 'static' && zoo.staticServers.length === 0 && (replicas === undefined || domain === undefined)) {
    problems.push('static mode needs ZOO_SERVERS, or -replicas (env ZK_REPLICAS) and -domain (env ZK_DOMAIN)');
  }
  if (role === 'observer' && mode === 'static' && zoo.staticServers.length === 0) problems.push('-role=observer in static mode needs ZOO_SERVERS with :observer lines');

  const secretFile = r.path('secret-file');
  const secret: SecretSource = secretFile ? { kind: 'file', path: secretFile } : env.ZK_SUPER_SECRET ? { kind: 'env', value: env.ZK_SUPER_SECRET } : { kind: 'none' };
  if (mode === 'dynamic' && secret.kind === 'none') problems.push('dynamic mode needs the super user password for reconfig: -secret-file (env ZK_SUPER_SECRET_FILE) or env ZK_SUPER_SECRET');
  const superUser = r.raw('super-user') ?? 'super';
  if (!/^[^:\s]+$/.test(superUser)) problems.push(`-super-user (env ZK_SUPER_USER) must not contain ':' or spaces, got ${JSON.stringify(superUser)}`);

  const timeoutMs = r.duration('timeout');
  const waitTimeoutMs = r.duration('wait-timeout');
  const leaveSettleMs = r.duration('leave-settle');

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    command: command as Command,
    mode,
    role,
    pod,
    myid,
    address: r.raw('address') || undefined,
    domain,
    replicas,
    ports: Object.freeze(ports),
    clientAddress: r.raw('client-address') || '0.0.0.0',
    dataDir,
    dataLogDir: r.path('data-log-dir'),
    confDir,
    zoo,
    superUser,
    secret,
    timeoutMs,
    waitTimeoutMs,
    leaveSettleMs,
    serverCommand,
  });
};
