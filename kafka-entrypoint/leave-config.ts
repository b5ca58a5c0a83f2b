// Inputs of `kafka-entrypoint leave`, checked in one place: frozen LeaveSettings, or one ConfigError listing every
// problem.
import { parseFlags, flagOrEnv, durationInRange, type FlagSpec } from '../common/flags.ts';
import { KAFKA_DURATION_RANGE } from '../common/kafka-durations.ts';
import { excerpt } from '../common/log.ts';
import { ConfigError, isAgentError } from '../common/errors.ts';
import { podIdentityFromHostname } from '../common/hostname.ts';
import { absolutePathProblem } from '../common/values.ts';
import type { ClientFile } from '../common/kafka-security.ts';
import { flag } from './flags.ts';
import type { LeaveSettings } from './leave-plan.ts';
import { COMMAND_CONFIG_FLAGS, commandConfigInput, commandConfigSecurity } from './command-config.ts';

export const LEAVE_FLAGS: readonly FlagSpec[] = [
  { name: 'config', kind: 'string', help: 'the server.properties kafka-entrypoint wrote (node.id, roles, listeners, quorum, log dirs)', default: '/var/lib/kafka/server.properties' },
  { name: 'controllers-file', kind: 'string', help: "file with the controller set's desired size: leave only when this pod's ordinal >= it; without it, leave unconditionally" },
  flag('hostname'),
  { name: 'timeout', kind: 'duration', help: 'how long to keep asking the quorum before giving up', default: '20s' },
  ...COMMAND_CONFIG_FLAGS.map(flag),
];

type Env = Readonly<Record<string, string | undefined>>;

const getter = (argv: readonly string[], env: Env) => {
  const parsed = parseFlags(LEAVE_FLAGS, argv);
  return { parsed, get: (name: string): string | undefined => flagOrEnv(parsed, LEAVE_FLAGS.find((f) => f.name === name) as FlagSpec, env) };
};

// The client properties file `leave` reads before readLeaveConfig, when its path is one readLeaveConfig accepts.
export const leaveInputPaths = (argv: readonly string[], env: Env): { commandConfig?: string } => {
  const input = commandConfigInput(getter(argv, env).get, []);
  return input !== undefined && absolutePathProblem(input.path) === undefined ? { commandConfig: input.path } : {};
};

export const readLeaveConfig = (argv: readonly string[], env: Env, hostname: string, files: { readonly commandConfig?: ClientFile } = {}): LeaveSettings => {
  const { parsed, get } = getter(argv, env);
  const problems = [...parsed.problems];
  if (parsed.positionals.length > 0) problems.push(`unexpected argument ${excerpt(parsed.positionals[0] ?? '')}`);
  let ordinal: number | undefined;
  try {
    ordinal = podIdentityFromHostname(get('hostname') ?? hostname).ordinal;
  } catch (error) {
    problems.push(isAgentError(error) ? error.message : String(error));
  }
  const timeoutMs = durationInRange('-timeout', get('timeout') ?? '20s', { ...KAFKA_DURATION_RANGE, example: '20s' }, problems);
  for (const name of ['config', 'controllers-file', ...COMMAND_CONFIG_FLAGS]) {
    const text = get(name);
    const problem = text === undefined ? undefined : absolutePathProblem(text);
    if (problem !== undefined) problems.push(`-${name}=${excerpt(text ?? '')} ${problem}`);
  }
  const security = commandConfigSecurity(commandConfigInput(get, problems), files.commandConfig, problems);
  if (problems.length > 0 || ordinal === undefined) throw new ConfigError(problems);
  return Object.freeze({ serverProperties: get('config') ?? '/var/lib/kafka/server.properties', ordinal, controllersFile: get('controllers-file'), timeoutMs: timeoutMs ?? 20_000, security });
};
