// All inputs of kafka-entrypoint (flags, env, file contents) checked in one place: a frozen Config, or one
// ConfigError listing every problem with the input to change.
import { durationMs } from '../common/flags.ts';
import { readInputs, type Read } from '../common/inputs.ts';
import { ConfigError, isAgentError } from '../common/errors.ts';
import { podIdentityFromHostname, type PodIdentity } from '../common/hostname.ts';
import { parseProperties } from '../common/java-properties.ts';
import { propertiesFromEnv } from './env-properties.ts';
import { overlay, layerOf, overridesLayer, emptyLayered, type Layered } from './layers.ts';
import { resolveNode, type Node } from './server-properties.ts';
import { clusterIdFromSeed, clusterIdProblem } from './cluster-id.ts';
import { jvmFromEnv, type Jvm } from './jvm.ts';
import { SPECS } from './inputs.ts';
import { absolutePathProblem, plainTextProblem } from '../common/values.ts';
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
export type Inputs = Read<typeof SPECS>;
type Values = Inputs['values'];

export type InputPaths = { configFile?: string; clusterIdFile?: string; rackFile?: string; commandConfig?: string };

// The files readConfig needs, known from the inputs before anything is read (readInputs refused a bad path already).
export const inputPaths = ({ values }: Inputs): InputPaths => {
  const client = commandConfigInput(values, []);
  return {
    ...(values.configFile !== undefined && { configFile: values.configFile }),
    ...(values.clusterIdFile !== undefined && { clusterIdFile: values.clusterIdFile }),
    ...(values.rackFile !== undefined && { rackFile: values.rackFile }),
    ...(client !== undefined && { commandConfig: client.path }),
  };
};

const fileText = (file: FileRead | undefined, what: string, problems: string[]): string | undefined => {
  if (file === undefined) return undefined;
  if ('error' in file) {
    problems.push(`${what} ${file.path} cannot be read: ${file.error}`);
    return undefined;
  }
  return file.text;
};

// Step 1, identity: the pod name (flag, env HOSTNAME, else os.hostname()) and its ordinal.
export const identityOf = (hostname: string, problems: string[]): PodIdentity | undefined => {
  // A pod name is one DNS label: a longer one is refused here, before it is parsed or echoed whole.
  if (hostname.trim().split('.')[0]!.length > 63) {
    problems.push(`hostname ${excerpt(hostname)} is no pod name (a DNS label has at most 63 characters); set HOSTNAME`);
    return undefined;
  }
  try {
    return podIdentityFromHostname(hostname);
  } catch (error) {
    problems.push(isAgentError(error) ? error.message : String(error));
    return undefined;
  }
};

// Step 2, the user's property layers, lowest to highest: mounted file, KAFKA_* env, --override.
export const userLayers = (
  configFile: FileRead | undefined,
  env: Env,
  overrides: readonly string[],
  ordinal: number | undefined,
  problems: string[],
): { user: Layered; ignoredServiceLinks: readonly string[] } => {
  let user: Layered = emptyLayered;
  const configText = fileText(configFile, '-config-file', problems);
  if (configText !== undefined && configFile !== undefined) {
    const props = parseProperties(configText);
    if (props.ok) user = layerOf(props.props, () => `file ${configFile.path}` as const);
    else problems.push(`-config-file ${configFile.path} line ${props.line}: ${props.reason}`);
  }
  const fromEnv = propertiesFromEnv(env);
  problems.push(...fromEnv.problems);
  user = overlay(user, { props: fromEnv.props, sources: new Map([...fromEnv.sources].map(([k, v]) => [k, `env ${v}` as const])) });
  const layer = overridesLayer(overrides, ordinal);
  problems.push(...layer.problems);
  return { user: overlay(user, layer.layer), ignoredServiceLinks: fromEnv.ignoredServiceLinks };
};

// broker.rack: -rack (env BROKER_RACK), else the text of -rack-file, checked as -rack is.
export const rackOf = (rack: string | undefined, rackFile: FileRead | undefined, problems: string[]): string | undefined => {
  if (rack !== undefined) return rack === '' ? undefined : rack;
  const text = fileText(rackFile, '-rack-file', problems)?.trim();
  if (text === undefined || text === '') return undefined;
  const problem = plainTextProblem(text, 255);
  if (problem) problems.push(`-rack-file ${excerpt(rackFile?.path ?? '')}: broker.rack ${excerpt(text)} ${problem}`);
  return text;
};

// Step 3, the cluster id: given (flag, env, file), else derived for KRaft from a seed every pod shares.
export const clusterIdOf = (
  { values }: Inputs,
  env: Env,
  file: FileRead | undefined,
  kraft: boolean,
  setName: string | undefined,
  problems: string[],
): ClusterId | undefined => {
  const idText = values.clusterId ?? fileText(file, '-cluster-id-file', problems)?.trim();
  if (idText !== undefined) {
    // The flag wins over env CLUSTER_ID; the same value in both is named as env.
    const source = values.clusterId === undefined ? `file ${file?.path}` : env.CLUSTER_ID === values.clusterId ? 'env CLUSTER_ID' : '-cluster-id';
    const problem = clusterIdProblem(idText);
    if (problem) problems.push(`cluster id ${excerpt(idText)} from ${source} ${problem}`);
    return { value: idText, source };
  }
  if (!kraft) return undefined;
  // Every pod derives the same id from the same stable names, so no pod has to generate and share one.
  const seed = values.clusterIdSeed ?? `${values.namespace}/${values.controllerSet ?? setName}`;
  return { value: clusterIdFromSeed(seed), source: `derived from seed ${JSON.stringify(seed)}` };
};

// Step 4a, leaving the quorum: only a dynamic-quorum controller with -controllers-file.
export const leaveOf = (
  values: Values,
  node: Node | undefined,
  ordinal: number | undefined,
  configOut: string,
  security: Security,
  problems: string[],
): LeaveSettings | undefined => {
  if (values.controllersFile === undefined || node?.roles.includes('controller') !== true) return undefined;
  if (node.quorum.kind !== 'dynamic') {
    problems.push('-controllers-file needs --quorum=dynamic: the voters of a static quorum cannot leave');
    return undefined;
  }
  return ordinal === undefined
    ? undefined
    : { serverProperties: configOut, ordinal, controllersFile: values.controllersFile, timeoutMs: values.leaveTimeout, security };
};

// Step 4b, the health endpoints: 0 (the default) keeps the exec path: no port, no resident process besides the JVM.
export const healthOf = (values: Values, node: Node | undefined, security: Security, problems: string[]): Health | undefined => {
  if (values.healthPort === 0 || node === undefined) return undefined;
  const checks = healthChecks(node.effective.props, security, durationMs(DEFAULT_MAX_LAG) as number);
  if (checks.ok) return { port: values.healthPort, checkTimeoutMs: values.healthTimeout, checks: checks.checks };
  problems.push(checks.problem);
  return undefined;
};

// Step 4c, the JVM: java and the jars, from the flags or KAFKA_HOME / JAVA_HOME (empty counts as unset, as for every
// env fallback; a relative one would find jars or java by accident).
export const jvmOf = (values: Values, env: Env, problems: string[]): Jvm => {
  for (const name of ['KAFKA_HOME', 'JAVA_HOME']) {
    const value = env[name];
    const problem = value ? absolutePathProblem(value) : undefined;
    if (value && problem) problems.push(`env ${name}=${excerpt(value)} ${problem}`);
  }
  const libs = values.libs ?? `${(env.KAFKA_HOME || '/opt/kafka').replace(/\/+$/, '')}/libs`;
  const java = values.java ?? (env.JAVA_HOME ? `${env.JAVA_HOME.replace(/\/+$/, '')}/bin/java` : 'java');
  return jvmFromEnv(env, java, libs);
};

// The inputs (one readInputs) and the files they name -> a frozen Config, or one ConfigError listing every problem.
export const configOf = (read: Inputs, env: Env, files: Files): Config => {
  const { values } = read;
  const problems = [...read.problems];
  if (read.positionals.length > 0) problems.push(`unexpected argument ${excerpt(read.positionals[0] ?? '')}: pass Kafka settings as --override key=value`);
  const pod = identityOf(values.hostname ?? files.hostname, problems);
  const { user, ignoredServiceLinks } = userLayers(files.configFile, env, values.override, pod?.ordinal, problems);
  const settings = {
    mode: values.mode,
    migration: values.migrationPhase,
    quorum: values.quorum,
    service: values.service,
    namespace: values.namespace,
    domain: values.domain,
    controllerSet: values.controllerSet,
    controllerService: values.controllerService,
    controllers: values.controllers,
    brokerIdOffset: values.brokerIdOffset,
    controllerIdOffset: values.controllerIdOffset,
    port: values.port,
    controllerPort: values.controllerPort,
    rack: rackOf(values.rack, files.rackFile, problems),
    dataDir: values.dataDir,
  };
  let node: Node | undefined;
  if (pod !== undefined) {
    const resolved = resolveNode({ ...settings, pod }, user);
    if (resolved.ok) node = resolved.node;
    else problems.push(...resolved.problems);
  }
  // During a migration the cluster id is ZooKeeper's (main reads it before the storage plan): never derived.
  const clusterId = clusterIdOf(read, env, files.clusterIdFile, node?.mode === 'kraft' && node.migration === undefined, pod?.setName, problems);
  const configOut = values.configOut ?? `${values.dataDir.replace(/\/+$/, '')}/server.properties`;
  const clientSecurity = commandConfigSecurity(commandConfigInput(values, problems), files.commandConfig, problems);
  const leave = leaveOf(values, node, pod?.ordinal, configOut, clientSecurity, problems);
  const drain = drainSettings(values, node, pod?.ordinal, settings, clientSecurity, problems);
  const health = healthOf(values, node, clientSecurity, problems);
  for (const scram of values.addScram) {
    // The refusal never echoes the password.
    if (!/^SCRAM-SHA-(256|512)=\[.*name=.*\]$/.test(scram))
      problems.push(`-add-scram ${excerpt(scram.replace(/password=[^,\]]*/g, 'password=...'))}: expected SCRAM-SHA-256=[name=<user>,password=<password>]`);
  }
  if (values.addScram.length > 0 && node?.mode === 'zookeeper')
    problems.push('-add-scram is KRaft-only (in ZooKeeper mode use kafka-configs.sh against ZooKeeper)');
  const jvm = jvmOf(values, env, problems);
  if (problems.length > 0 || node === undefined) throw new ConfigError(problems);
  return Object.freeze({
    dryRun: values.dryRun,
    node,
    clusterId,
    configOut,
    jvm,
    quorumCheckTimeoutMs: values.quorumCheckTimeout,
    addScram: values.addScram,
    ignoredServiceLinks,
    leave,
    drain,
    stopGraceMs: values.stopGrace,
    health,
    clientSecurity,
  });
};

// argv + env in one step (tests; main reads its inputs once and calls configOf).
export const readConfig = (argv: readonly string[], env: Env, files: Files): Config => configOf(readInputs(SPECS, argv, env), env, files);
