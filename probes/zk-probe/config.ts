// Inputs of zk-probe, declared once and read in one pass: the check, where the server listens, the role it should have.
import { inputs, subcommand, type Read } from '../../common/inputs.ts';
import { ConfigError } from '../../common/errors.ts';

export type Check = 'ready' | 'live';
const CHECKS: readonly Check[] = ['ready', 'live'];

export const SPECS = {
  host: inputs.host('host', {
    help: 'address of the local ZooKeeper client listener (an IPv6 address with or without brackets)',
    default: '127.0.0.1',
    env: 'ZK_PROBE_HOST',
  }),
  port: inputs.port('port', { help: 'ZooKeeper client port', default: 2181, env: 'ZK_CLIENT_PORT' }),
  timeout: inputs.duration('timeout', {
    help: 'deadline for the whole check (keep it below the probe timeoutSeconds); a timeout is a failure',
    default: 2000,
    min: 1,
    example: '2s or 500ms',
    note: "keep it below the probe's timeoutSeconds",
    env: 'ZK_PROBE_TIMEOUT',
  }),
  role: inputs.oneOf('role', ['participant', 'observer', 'any'], {
    help: 'ready: the role this member must hold in the committed config: participant, observer, or any (serving is enough)',
    default: 'participant',
    env: 'ZK_ROLE',
  }),
  logFormat: inputs.logFormat(),
};

export type Inputs = Read<typeof SPECS>;
export type ExpectedRole = Inputs['values']['role'];

export type Config = {
  readonly check: Check;
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
  readonly role: ExpectedRole;
};

// The one read of argv and env -> a frozen Config, or one ConfigError listing every problem.
export const readConfig = (read: Inputs): Config => {
  const problems = [...read.problems];
  const check = subcommand(read.positionals, CHECKS, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const { host, port, timeout, role } = read.values;
  // net.connect takes an IPv6 address without brackets.
  return Object.freeze({ check: check as Check, host: host.replace(/^\[(.*)\]$/, '$1'), port, timeoutMs: timeout, role });
};
