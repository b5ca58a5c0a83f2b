// All inputs of kafka-probe, declared once and read in one pass; readConfig checks the rules between them and the
// files: a frozen Config, or one ConfigError listing every problem.
import { inputs, subcommand, type Read } from '../../common/inputs.ts';
import { durationMs } from '../../common/flags.ts';
import { KAFKA_DURATION_RANGE } from '../../common/kafka-durations.ts';
import { excerpt } from '../../common/log.ts';
import { ConfigError } from '../../common/errors.ts';
import { parseProperties } from '../../common/java-properties.ts';
import { targetFromProperties, checkTarget } from '../../common/kafka-target.ts';
import { parseEndpoint } from '../../common/kafka-endpoint.ts';
import { securityFromClientFile, type Security, type ClientFile } from '../../common/kafka-security.ts';
import { DEFAULT_MAX_LAG, type KafkaCheck } from '../../common/kafka-target.ts';

const DURATION = { ...KAFKA_DURATION_RANGE, example: '2s or 500ms' };

export const SPECS = {
  config: inputs.path('config', {
    help: 'server.properties to read node.id, process.roles and listeners from (what kafka-entrypoint wrote)',
    default: '/var/lib/kafka/server.properties',
  }),
  bootstrap: inputs.text('bootstrap', { help: 'host:port to probe instead of the listener found in -config', max: 300 }),
  // Kafka node ids are int32.
  nodeId: inputs.int('node-id', { help: 'node id to look for instead of the one in -config', min: 0, max: 2 ** 31 - 1 }),
  role: inputs.oneOf('role', ['broker', 'controller'], {
    help: 'ready checks a broker (own id in Metadata) or a controller (caught-up voter, DescribeQuorum)',
    defaultText: 'broker when the node runs the broker role, else controller',
  }),
  timeout: inputs.duration('timeout', { help: 'deadline for the whole check; keep it below the probe timeoutSeconds', default: 2000, ...DURATION }),
  maxLag: inputs.duration('max-lag', {
    help: 'controller ready: how far behind the leader a voter may have last caught up',
    default: durationMs(DEFAULT_MAX_LAG) as number,
    ...DURATION,
  }),
  commandConfig: inputs.path('command-config', {
    help: 'client properties for SSL/SASL: security.protocol, sasl.mechanism (PLAIN, SCRAM-SHA-256/512), sasl.jaas.config, ssl.truststore.location (PEM), ...',
    env: 'KAFKA_COMMAND_CONFIG',
    // kafka-entrypoint reads the same variable; set empty, it means "no client properties" to both.
    emptyIsUnset: true,
  }),
  logFormat: inputs.logFormat(),
};

export type Inputs = Read<typeof SPECS>;
export type Config = KafkaCheck & { readonly timeoutMs: number };

export type FileRead = ClientFile;
export type Files = { readonly serverProperties?: FileRead; readonly commandConfig?: FileRead };

// The files readConfig needs, from the one read of argv and env.
export const inputPaths = (read: Inputs): { serverProperties: string; commandConfig?: string } => ({
  serverProperties: read.values.config,
  ...(read.values.commandConfig !== undefined && { commandConfig: read.values.commandConfig }),
});

export const readConfig = (read: Inputs, files: Files): Config => {
  const problems = [...read.problems];
  const { bootstrap: bootstrapText, nodeId: givenId, role: givenRole, timeout: timeoutMs, maxLag: maxLagMs } = read.values;
  const check = subcommand(read.positionals, ['ready', 'live'], problems);

  const bootstrap = bootstrapText === undefined ? undefined : parseEndpoint(bootstrapText);
  if (bootstrapText !== undefined && bootstrap === undefined) problems.push(`-bootstrap takes host:port, got ${excerpt(bootstrapText)}`);

  // server.properties is needed unless the flags say everything it would.
  const file = files.serverProperties;
  const needFile = bootstrap === undefined || givenId === undefined;
  let target: ReturnType<typeof targetFromProperties> | undefined;
  if (file && 'text' in file) {
    const props = parseProperties(file.text);
    target = props.ok ? targetFromProperties(props.props) : { ok: false, problem: `line ${props.line}: ${props.reason}` };
    if (!target.ok && needFile) problems.push(`-config ${file.path}: ${target.problem}`);
  } else if (needFile && !read.problems.some((p) => p.startsWith('-config '))) {
    problems.push(
      `-config ${file?.path ?? '(none)'} cannot be read${file && 'error' in file ? ` (${file.error})` : ''}: pass -config, or -bootstrap and -node-id`,
    );
  }
  const fromFile = target?.ok ? target.target : undefined;
  const { role, endpoint } = checkTarget(check === 'live' ? 'live' : 'ready', fromFile, { role: givenRole, endpoint: bootstrap });
  if (endpoint === undefined && problems.length === 0) problems.push(`-config has no ${role} listener to probe; pass -bootstrap`);

  let security: Security = { protocol: 'PLAINTEXT' };
  const fromCommandConfig = files.commandConfig && securityFromClientFile('-command-config', files.commandConfig);
  if (fromCommandConfig?.ok) security = fromCommandConfig.security;
  else if (fromCommandConfig) problems.push(fromCommandConfig.problem);
  if (problems.length > 0 || endpoint === undefined || check === undefined) throw new ConfigError(problems);
  const zookeeperMigration = check === 'ready' && role === 'controller' ? fromFile?.zookeeperMigration : undefined;
  return Object.freeze({ check, nodeId: givenId ?? fromFile?.nodeId ?? 0, role, endpoint, timeoutMs, maxLagMs, security, zookeeperMigration });
};
