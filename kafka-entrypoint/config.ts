// All inputs of kafka-entrypoint (flags, env, file contents) checked in one place: a frozen Config, or one
// ConfigError listing every problem with the input to change.
import { parseFlags, flagOrEnv, boolValue, durationInRange, durationMs } from '../common/flags.ts';
import { KAFKA_DURATION_RANGE } from '../common/kafka-durations.ts';
import { ConfigError, isAgentError } from '../common/errors.ts';
import { podIdentityFromHostname, type PodIdentity } from '../common/hostname.ts';
import { parseProperties } from '../common/java-properties.ts';
import { propertiesFromEnv } from './env-properties.ts';
import { overlay, layerOf, overridesLayer, emptyLayered, type Layered } from './layers.ts';
import { resolveNode, MAX_NODE_ID, type Node, type Settings } from './server-properties.ts';
import { clusterIdFromSeed, clusterIdProblem } from './cluster-id.ts';
import { jvmFromEnv, type Jvm } from './jvm.ts';
import { FLAGS, flag } from './flags.ts';
import { executableProblem } from './names.ts';
import { absolutePathProblem, plainTextProblem } from '../common/values.ts';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../common/k8s-names.ts';
import { excerpt } from '../common/log.ts';
import type { LeaveSettings } from './leave-plan.ts';
import { DEFAULT_MAX_LAG } from '../common/kafka-target.ts';
import type { Security } from '../common/kafka-security.ts';
import { healthChecks, type Health } from './health-plan.ts';
import { commandConfigInput, commandConfigSecurity } from './command-config.ts';
import { drainSettings } from './drain-config.ts';
import type { DrainSettings } from './drain.ts';

export type FileRead = { readonly path: string; readonly text: string } | { readonly path: string; readonly error: string };

export type Files = {
  /** os.hostname(), used when HOSTNAME is unset. */
  readonly hostname: string;
  readonly configFile?: FileRead;
  readonly clusterIdFile?: FileRead;
  readonly rackFile?: FileRead;
  /** -command-config (or its old name -health-command-config). */
  readonly commandConfig?: FileRead;
};

export type ClusterId = { readonly value: string; readonly source: string };

export type Config = {
  readonly dryRun: boolean;
  readonly node: Node;
  readonly clusterId: ClusterId | undefined;
  readonly configOut: string;
  readonly jvm: Jvm;
  readonly quorumCheckTimeoutMs: number;
  /** SCRAM credentials for StorageTool format (--add-scram). */
  readonly addScram: readonly string[];
  readonly ignoredServiceLinks: readonly string[];
  /** Set when the JVM is supervised so that a scaled-away controller leaves the quorum after it stops. */
  readonly leave: LeaveSettings | undefined;
  /** Set with -brokers-file on a broker: drain before the JVM stops when scaled away (drain.ts). */
  readonly drain: DrainSettings | undefined;
  /** A supervised JVM gets SIGKILL this long after a stop signal (common/supervise.ts). */
  readonly stopGraceMs: number;
  /** Set when -health-port is: the endpoints to serve while the JVM runs. */
  readonly health: Health | undefined;
  /** How the entrypoint's own Kafka calls (founding check, leave, health) speak to SSL/SASL listeners. */
  readonly clientSecurity: Security;
};

type Env = Readonly<Record<string, string | undefined>>;
/** A Raft quorum past a handful of voters only slows every commit; 64 keeps the voter list a few KB. */
export const MAX_CONTROLLERS = 64;

export type InputPaths = { configFile?: string; clusterIdFile?: string; rackFile?: string; commandConfig?: string };
const INPUT_FLAGS = { configFile: 'config-file', clusterIdFile: 'cluster-id-file', rackFile: 'rack-file' } as const;

// The files readConfig needs, known from argv and env before anything is read.
export const inputPaths = (argv: readonly string[], env: Env): InputPaths => {
  const parsed = parseFlags(FLAGS, argv);
  const paths: InputPaths = {};
  for (const [key, name] of Object.entries(INPUT_FLAGS) as [keyof InputPaths, string][]) {
    const file = flagOrEnv(parsed, flag(name), env);
    // A path readConfig will refuse is not read at all.
    if (file !== undefined && absolutePathProblem(file) === undefined) paths[key] = file;
  }
  const client = commandConfigInput((name) => flagOrEnv(parsed, flag(name), env), []);
  if (client !== undefined && absolutePathProblem(client.path) === undefined) paths.commandConfig = client.path;
  return paths;
};

export const wantsHelp = (argv: readonly string[]): boolean => parseFlags(FLAGS, argv).help;

const fileText = (file: FileRead | undefined, what: string, problems: string[]): string | undefined => {
  if (file === undefined) return undefined;
  if ('error' in file) {
    problems.push(`${what} ${file.path} cannot be read: ${file.error}`);
    return undefined;
  }
  return file.text;
};

export const readConfig = (argv: readonly string[], env: Env, files: Files): Config => {
  const parsed = parseFlags(FLAGS, argv);
  const problems = [...parsed.problems];
  if (parsed.positionals.length > 0) problems.push(`unexpected argument ${excerpt(parsed.positionals[0] ?? '')}: pass Kafka settings as --override key=value`);
  const get = (name: string): string | undefined => flagOrEnv(parsed, flag(name), env);
  const shown = (name: string): string => `-${name}${flag(name).env === undefined ? '' : ` (env ${flag(name).env})`}`;
  // Out of range is refused before anything is built from it: -controllers=100000000 must not size a voter list.
  const int = (name: string, fallback: number, min = 0, max = 2 ** 31 - 1): number => {
    const text = get(name);
    if (text === undefined) return fallback;
    if (/^\d{1,10}$/.test(text) && Number(text) >= min && Number(text) <= max) return Number(text);
    problems.push(`${shown(name)}=${excerpt(text)}: expected a whole number from ${min} to ${max}`);
    return fallback;
  };
  const checked = (name: string, problemOf: (text: string) => string | undefined, fallback?: string): string | undefined => {
    const text = get(name);
    if (text === undefined) return fallback;
    const problem = problemOf(text);
    if (problem === undefined) return text;
    problems.push(`${shown(name)}=${excerpt(text)} ${problem}`);
    return fallback;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[]): T | undefined => {
    const text = get(name);
    if (text !== undefined && !allowed.includes(text as T)) problems.push(`-${name}=${excerpt(text)}: use one of ${allowed.join(', ')}`);
    return allowed.includes(text as T) ? (text as T) : undefined;
  };

  let pod: PodIdentity | undefined;
  const hostname = get('hostname') ?? files.hostname;
  try {
    // A pod name is one DNS label: a longer one is refused here, before it is parsed or echoed whole.
    if (hostname.trim().split('.')[0]!.length > 63) problems.push(`hostname ${excerpt(hostname)} is no pod name (a DNS label has at most 63 characters); set HOSTNAME`);
    else pod = podIdentityFromHostname(hostname);
  } catch (error) {
    problems.push(isAgentError(error) ? error.message : String(error));
  }

  // User layers, lowest to highest: mounted file, KAFKA_* env, --override.
  let user: Layered = emptyLayered;
  const configText = fileText(files.configFile, '-config-file', problems);
  if (configText !== undefined && files.configFile !== undefined) {
    const props = parseProperties(configText);
    if (props.ok) user = layerOf(props.props, () => `file ${files.configFile?.path ?? ''}` as const);
    else problems.push(`-config-file ${files.configFile.path} line ${props.line}: ${props.reason}`);
  }
  const fromEnv = propertiesFromEnv(env);
  problems.push(...fromEnv.problems);
  user = overlay(user, { props: fromEnv.props, sources: new Map([...fromEnv.sources].map(([k, v]) => [k, `env ${v}` as const])) });
  const overrides = overridesLayer((parsed.values.get('override') as readonly string[] | undefined) ?? [], pod?.ordinal);
  problems.push(...overrides.problems);
  user = overlay(user, overrides.layer);

  for (const name of ['config-file', 'cluster-id-file', 'rack-file', 'controllers-file', 'brokers-file', 'config-out', 'libs', 'command-config', 'health-command-config']) checked(name, absolutePathProblem);
  const rackText = checked('rack', (text) => plainTextProblem(text, 255)) ?? fileText(files.rackFile, '-rack-file', problems)?.trim();
  if (get('rack') === undefined && rackText !== undefined) {
    const problem = plainTextProblem(rackText, 255);
    if (problem) problems.push(`-rack-file ${excerpt(files.rackFile?.path ?? '')}: broker.rack ${excerpt(rackText)} ${problem}`);
  }
  const dataDir = checked('data-dir', absolutePathProblem, '/var/lib/kafka') as string;
  const settingsBase = {
    mode: oneOf('mode', ['zookeeper', 'kraft'] as const),
    quorum: oneOf('quorum', ['static', 'dynamic'] as const),
    service: checked('service', dns1123LabelProblem),
    namespace: checked('namespace', dns1123LabelProblem, 'default') as string,
    domain: checked('domain', (text) => dns1123SubdomainProblem(text.replace(/\.$/, '')), 'cluster.local')!.replace(/\.$/, ''),
    controllerSet: checked('controller-set', dns1123LabelProblem),
    controllerService: checked('controller-service', dns1123LabelProblem),
    controllers: get('controllers') === undefined ? undefined : int('controllers', 1, 1, MAX_CONTROLLERS),
    brokerIdOffset: int('broker-id-offset', 0, 0, MAX_NODE_ID),
    controllerIdOffset: int('controller-id-offset', 0, 0, MAX_NODE_ID),
    port: int('port', 9092, 1, 65535),
    controllerPort: int('controller-port', 9093, 1, 65535),
    rack: rackText === '' ? undefined : rackText,
    dataDir,
  };
  const duration = (name: string, fallback: string): number | undefined =>
    durationInRange(`-${name}`, get(name) ?? fallback, { ...KAFKA_DURATION_RANGE, example: fallback }, problems);
  const quorumCheckTimeoutMs = duration('quorum-check-timeout', '3s');

  let node: Node | undefined;
  if (pod !== undefined) {
    const settings: Settings = { ...settingsBase, pod };
    const resolved = resolveNode(settings, user);
    if (resolved.ok) node = resolved.node;
    else problems.push(...resolved.problems);
  }

  let clusterId: ClusterId | undefined;
  const idText = get('cluster-id') ?? fileText(files.clusterIdFile, '-cluster-id-file', problems)?.trim();
  if (idText !== undefined) {
    const source = parsed.values.has('cluster-id') ? '-cluster-id' : env.CLUSTER_ID ? 'env CLUSTER_ID' : `file ${files.clusterIdFile?.path}`;
    const problem = clusterIdProblem(idText);
    if (problem) problems.push(`cluster id ${excerpt(idText)} from ${source} ${problem}`);
    clusterId = { value: idText, source };
  } else if (node?.mode === 'kraft') {
    // Every pod derives the same id from the same stable names, so no pod has to generate and share one.
    const seed = checked('cluster-id-seed', (text) => plainTextProblem(text, 253)) ?? `${settingsBase.namespace}/${settingsBase.controllerSet ?? pod?.setName}`;
    clusterId = { value: clusterIdFromSeed(seed), source: `derived from seed ${JSON.stringify(seed)}` };
  }

  const controllersFile = get('controllers-file');
  const leaveTimeoutMs = duration('leave-timeout', '20s');
  const stopGraceMs = duration('stop-grace', '20s');
  const leaves = controllersFile !== undefined && node?.roles.includes('controller') === true;
  if (leaves && node?.quorum.kind !== 'dynamic') problems.push('-controllers-file needs --quorum=dynamic: the voters of a static quorum cannot leave');

  const drain = drainSettings(get, node, pod?.ordinal, settingsBase, problems);

  // 0 (the default) keeps the exec path: no port, no resident process besides the JVM.
  const healthPort = int('health-port', 0, 0, 65535);
  const healthTimeoutMs = duration('health-timeout', '2s');
  const clientSecurity = commandConfigSecurity(commandConfigInput(get, problems), files.commandConfig, problems);
  let health: Health | undefined;
  if (healthPort > 0 && node !== undefined) {
    const checks = healthChecks(node.effective.props, clientSecurity, durationMs(DEFAULT_MAX_LAG) as number);
    if (checks.ok) health = { port: healthPort, checkTimeoutMs: healthTimeoutMs ?? 2000, checks: checks.checks };
    else problems.push(checks.problem);
  }

  const addScram = (parsed.values.get('add-scram') as readonly string[] | undefined) ?? [];
  for (const s of addScram) {
    if (!/^SCRAM-SHA-(256|512)=\[.*name=.*\]$/.test(s)) problems.push(`-add-scram ${excerpt(s.replace(/password=[^,\]]*/g, 'password=...'))}: expected SCRAM-SHA-256=[name=<user>,password=<password>]`);
  }
  if (addScram.length > 0 && node?.mode === 'zookeeper') problems.push('-add-scram is KRaft-only (in ZooKeeper mode use kafka-configs.sh against ZooKeeper)');
  checked('java', executableProblem);
  for (const name of ['KAFKA_HOME', 'JAVA_HOME']) {
    // Empty counts as unset, as for every env fallback; a relative one would find jars or java by accident.
    const value = env[name];
    const problem = value ? absolutePathProblem(value) : undefined;
    if (value && problem) problems.push(`env ${name}=${excerpt(value)} ${problem}`);
  }
  if (problems.length > 0 || node === undefined) throw new ConfigError(problems);
  const configOut = get('config-out') ?? `${dataDir.replace(/\/+$/, '')}/server.properties`;
  const libs = get('libs') ?? `${(env.KAFKA_HOME || '/opt/kafka').replace(/\/+$/, '')}/libs`;
  const java = get('java') ?? (env.JAVA_HOME ? `${env.JAVA_HOME.replace(/\/+$/, '')}/bin/java` : 'java');
  return Object.freeze({
    dryRun: boolValue(get('dry-run') ?? 'false'),
    node,
    clusterId,
    configOut,
    jvm: jvmFromEnv(env, java, libs),
    quorumCheckTimeoutMs: quorumCheckTimeoutMs ?? 3000,
    addScram,
    ignoredServiceLinks: fromEnv.ignoredServiceLinks,
    leave: leaves && pod ? { serverProperties: configOut, ordinal: pod.ordinal, controllersFile, timeoutMs: leaveTimeoutMs ?? 20_000, security: clientSecurity } : undefined,
    drain,
    stopGraceMs: stopGraceMs ?? 20_000,
    health,
    clientSecurity,
  });
};
