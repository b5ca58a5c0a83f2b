// readConfig: argv, env and the hostname -> one frozen Config, or a ConfigError listing every problem.
import { readInputs, subcommand, type Read } from '../common/inputs.ts';
import { ConfigError, AgentError } from '../common/errors.ts';
import { podIdentityFromHostname, type PodIdentity } from '../common/hostname.ts';
import type { LogFormat } from '../common/log.ts';
import type { MemberRole } from '../common/zk-4lw-parse.ts';
import { SPECS } from './inputs.ts';
import { zooSettingsFromEnv, MAX_MYID, type ZooSettings } from './zoo-env.ts';

export type Command = (typeof COMMANDS)[number];
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
  readonly logFormat: LogFormat;
};

export type Env = Readonly<Record<string, string | undefined>>;

const COMMANDS = ['init', 'run', 'leave'] as const;

/** The flags and env, typed, with every problem found in them (one parse; main sets the log format from it first). */
export const readArgs = (argv: readonly string[], env: Env): Read<typeof SPECS> => readInputs(SPECS, argv, env, { rest: true });

export const readConfig = (argv: readonly string[], env: Env, files: { readonly hostname: string }): Config => configFrom(readArgs(argv, env), env, files);

// The cross-input rules (ports differ, myid in range, what each mode needs) and the derived defaults, over typed values.
export const configFrom = (read: Read<typeof SPECS>, env: Env, files: { readonly hostname: string }): Config => {
  const v = read.values;
  const problems = [...read.problems];
  const serverCommand = read.rest;
  const command = subcommand(read.positionals, COMMANDS, problems, ' (the server command goes after --)');
  if (command === 'run' && serverCommand.length === 0)
    problems.push('run needs the server command after --, e.g. run -- java ... QuorumPeerMain /data/conf/zoo.cfg');

  let pod: PodIdentity = { hostname: '', setName: '', ordinal: 0 };
  const hostname = env.HOSTNAME || files.hostname;
  try {
    pod = podIdentityFromHostname(hostname);
  } catch (error) {
    problems.push(error instanceof AgentError ? error.message : String(error));
  }

  const { mode, role, idOffset: offset, dataDir, replicas, domain, address, clientAddress, dataLogDir, superUser, healthPort } = v;
  const myid = pod.ordinal + offset;
  if (myid < 1 || myid > MAX_MYID) problems.push(`myid ${myid} (ordinal ${pod.ordinal} + -id-offset ${offset}) must be 1-${MAX_MYID}`);
  const confDir = v.confDir ?? `${dataDir}/conf`;
  const ports = { client: v.clientPort, quorum: v.quorumPort, election: v.electionPort };
  if (new Set([ports.client, ports.quorum, ports.election]).size < 3)
    problems.push(`client, quorum and election ports must differ, got ${ports.client}, ${ports.quorum}, ${ports.election}`);
  if (mode === 'static' && replicas !== undefined && offset + replicas - 1 > MAX_MYID)
    problems.push(`-replicas ${replicas} with -id-offset ${offset} gives ids up to ${offset + replicas - 1}; ZooKeeper ids must be 1-${MAX_MYID}`);
  const zoo = zooSettingsFromEnv(env, mode, problems);
  if (mode === 'static' && zoo.staticServers.length === 0 && (replicas === undefined || domain === undefined)) {
    problems.push('static mode needs ZOO_SERVERS, or -replicas (env ZK_REPLICAS) and -domain (env ZK_DOMAIN)');
  }
  if (role === 'observer' && mode === 'static' && zoo.staticServers.length === 0)
    problems.push('-role=observer in static mode needs ZOO_SERVERS with :observer lines');

  const secretFile = v.secretFile;
  const secret: SecretSource = secretFile
    ? { kind: 'file', path: secretFile }
    : env.ZK_SUPER_SECRET
      ? { kind: 'env', value: env.ZK_SUPER_SECRET }
      : { kind: 'none' };
  if (mode === 'dynamic' && secret.kind === 'none')
    problems.push('dynamic mode needs the super user password for reconfig: -secret-file (env ZK_SUPER_SECRET_FILE) or env ZK_SUPER_SECRET');
  // The health server binds before the JVM starts: a port ZooKeeper needs would go to the endpoint instead.
  const adminPort = zoo.adminServer
    ? Number(
        zoo.extra
          .filter((e) => e.startsWith('admin.serverPort='))
          .at(-1)
          ?.slice('admin.serverPort='.length) ?? 8080,
      )
    : undefined;
  const taken = [
    ['client', ports.client],
    ['quorum', ports.quorum],
    ['election', ports.election],
    ['AdminServer (admin.serverPort; ZOO_ADMINSERVER_ENABLED=false frees it)', adminPort],
  ] as const;
  for (const [what, port] of taken)
    if (healthPort !== 0 && healthPort === port) problems.push(`-health-port (env ZK_HEALTH_PORT) ${healthPort} is ZooKeeper's ${what} port; pick another`);

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
    timeoutMs: v.timeout,
    waitTimeoutMs: v.waitTimeout,
    leaveSettleMs: v.leaveSettle,
    stopGraceMs: v.stopGrace,
    health: healthPort === 0 ? undefined : Object.freeze({ port: healthPort, checkTimeoutMs: v.healthCheckTimeout }),
    serverCommand,
    logFormat: v.logFormat,
  });
};
