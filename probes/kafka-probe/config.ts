// All inputs of kafka-probe checked in one place: a frozen Config, or one ConfigError listing every problem.
import { parseFlags, flagOrEnv, durationInRange, type FlagSpec } from '../../common/flags.ts';
import { KAFKA_DURATION_RANGE } from '../../common/kafka-durations.ts';
import { excerpt } from '../../common/log.ts';
import { ConfigError } from '../../common/errors.ts';
import { parseProperties } from '../../common/java-properties.ts';
import { targetFromProperties, checkTarget, type Role } from '../../common/kafka-target.ts';
import { parseEndpoint } from '../../common/kafka-endpoint.ts';
import { securityFromClientFile, type Security, type ClientFile } from '../../common/kafka-security.ts';
import { DEFAULT_MAX_LAG, type KafkaCheck } from '../../common/kafka-target.ts';

export const FLAGS: readonly FlagSpec[] = [
  { name: 'config', kind: 'string', help: 'server.properties to read node.id, process.roles and listeners from (what kafka-entrypoint wrote)', default: '/var/lib/kafka/server.properties' },
  { name: 'bootstrap', kind: 'string', help: 'host:port to probe instead of the listener found in -config' },
  { name: 'node-id', kind: 'int', help: 'node id to look for instead of the one in -config' },
  { name: 'role', kind: 'string', help: 'ready checks a broker (own id in Metadata) or a controller (caught-up voter, DescribeQuorum)', default: 'broker when the node runs the broker role, else controller' },
  { name: 'timeout', kind: 'duration', help: 'deadline for the whole check; keep it below the probe timeoutSeconds', default: '2s' },
  { name: 'max-lag', kind: 'duration', help: 'controller ready: how far behind the leader a voter may have last caught up', default: DEFAULT_MAX_LAG },
  { name: 'command-config', kind: 'string', help: 'client properties for SSL/SASL: security.protocol, sasl.mechanism (PLAIN, SCRAM-SHA-256/512), sasl.jaas.config, ssl.truststore.location (PEM), ...', env: 'KAFKA_COMMAND_CONFIG' },
];

export type Config = KafkaCheck & { readonly timeoutMs: number };

export type FileRead = ClientFile;
export type Files = { readonly serverProperties?: FileRead; readonly commandConfig?: FileRead };

type Env = Readonly<Record<string, string | undefined>>;
const spec = (name: string): FlagSpec => FLAGS.find((f) => f.name === name) as FlagSpec;

// The files readConfig needs, from argv and env.
export const inputPaths = (argv: readonly string[], env: Env): { serverProperties: string; commandConfig?: string } => {
  const parsed = parseFlags(FLAGS, argv);
  const commandConfig = flagOrEnv(parsed, spec('command-config'), env);
  return { serverProperties: flagOrEnv(parsed, spec('config'), env) ?? '/var/lib/kafka/server.properties', ...(commandConfig !== undefined && { commandConfig }) };
};

export const readConfig = (argv: readonly string[], env: Env, files: Files): Config => {
  const parsed = parseFlags(FLAGS, argv);
  const problems = [...parsed.problems];
  const get = (name: string): string | undefined => flagOrEnv(parsed, spec(name), env);
  const check = parsed.positionals[0];
  if (check !== 'ready' && check !== 'live') problems.push(`first argument must be ready or live, got ${excerpt(check ?? '')}`);
  if (parsed.positionals.length > 1) problems.push(`unexpected argument ${excerpt(parsed.positionals[1] ?? '')}`);
  const duration = (name: string, fallback: string): number =>
    durationInRange(`-${name}`, get(name) ?? fallback, { ...KAFKA_DURATION_RANGE, example: '2s or 500ms' }, problems) ?? 0;
  const timeoutMs = duration('timeout', '2s');
  const maxLagMs = duration('max-lag', DEFAULT_MAX_LAG);

  const bootstrapText = get('bootstrap');
  const bootstrap = bootstrapText === undefined ? undefined : parseEndpoint(bootstrapText);
  if (bootstrapText !== undefined && bootstrap === undefined) problems.push(`-bootstrap=${excerpt(bootstrapText)}: expected host:port`);
  const idText = get('node-id');
  // Kafka node ids are int32.
  if (idText !== undefined && !(/^\d{1,10}$/.test(idText) && Number(idText) <= 2 ** 31 - 1)) problems.push(`-node-id=${excerpt(idText)}: expected a whole number from 0 to ${2 ** 31 - 1}`);
  const roleText = get('role');
  if (roleText !== undefined && roleText !== 'broker' && roleText !== 'controller') problems.push(`-role=${excerpt(roleText)}: use broker or controller`);

  // server.properties is needed unless the flags say everything it would.
  const file = files.serverProperties;
  const needFile = bootstrap === undefined || idText === undefined;
  let target: ReturnType<typeof targetFromProperties> | undefined;
  if (file && 'text' in file) {
    const props = parseProperties(file.text);
    target = props.ok ? targetFromProperties(props.props) : { ok: false, problem: `line ${props.line}: ${props.reason}` };
    if (!target.ok && needFile) problems.push(`-config ${file.path}: ${target.problem}`);
  } else if (needFile) {
    problems.push(`-config ${file?.path ?? '(none)'} cannot be read${file && 'error' in file ? ` (${file.error})` : ''}: pass -config, or -bootstrap and -node-id`);
  }
  const fromFile = target?.ok ? target.target : undefined;
  const { role, endpoint } = checkTarget(check === 'live' ? 'live' : 'ready', fromFile, { role: roleText as Role | undefined, endpoint: bootstrap });
  if (endpoint === undefined && problems.length === 0) problems.push(`-config has no ${role} listener to probe; pass -bootstrap`);

  let security: Security = { protocol: 'PLAINTEXT' };
  const fromCommandConfig = files.commandConfig && securityFromClientFile('-command-config', files.commandConfig);
  if (fromCommandConfig?.ok) security = fromCommandConfig.security;
  else if (fromCommandConfig) problems.push(fromCommandConfig.problem);
  if (problems.length > 0 || endpoint === undefined) throw new ConfigError(problems);
  return Object.freeze({ check: check as KafkaCheck['check'], nodeId: idText !== undefined ? Number(idText) : (fromFile?.nodeId ?? 0), role, endpoint, timeoutMs, maxLagMs, security });
};
