// Inputs of zk-probe, validated in one place: the subcommand, where the server listens, the role it should have.
import { parseFlags, flagOrEnv, durationInRange, type FlagSpec } from '../../common/flags.ts';
import { ConfigError } from '../../common/errors.ts';
import type { MemberRole } from '../../common/zk-4lw-parse.ts';
import { excerpt } from '../../common/log.ts';
import { isHostName } from '../../common/k8s-names.ts';

export type Check = 'ready' | 'live';
export type ExpectedRole = MemberRole | 'any';

export type Config = {
  readonly check: Check;
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
  readonly role: ExpectedRole;
};

export const FLAGS: readonly FlagSpec[] = [
  { name: 'host', kind: 'string', help: 'address of the local ZooKeeper client listener', default: '127.0.0.1', env: 'ZK_PROBE_HOST' },
  { name: 'port', kind: 'int', help: 'ZooKeeper client port', default: '2181', env: 'ZK_CLIENT_PORT' },
  {
    name: 'timeout',
    kind: 'duration',
    help: 'deadline for the whole check (keep it below the probe timeoutSeconds); a timeout is a failure',
    default: '2s',
    env: 'ZK_PROBE_TIMEOUT',
  },
  {
    name: 'role',
    kind: 'string',
    help: 'ready: the role this member must hold in the committed config: participant, observer, or any (serving is enough)',
    default: 'participant',
    env: 'ZK_ROLE',
  },
];

const ROLES: readonly string[] = ['participant', 'observer', 'any'];

// argv + env -> a frozen Config, or one ConfigError listing every problem.
export const readConfig = (argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Config => {
  const parsed = parseFlags(FLAGS, argv);
  const problems = [...parsed.problems];
  const [check, ...extra] = parsed.positionals;
  if (check !== 'ready' && check !== 'live') problems.push(`first argument must be ready or live, got ${excerpt(check ?? '')}`);
  if (extra.length > 0) problems.push(`unexpected arguments ${excerpt(extra.join(' '))}`);
  const [host, portText, timeoutText, roleText] = FLAGS.map((spec) => flagOrEnv(parsed, spec, env) ?? spec.default ?? '');
  const port = Number(portText);
  if (!/^\d+$/.test(portText ?? '') || port < 1 || port > 65535) problems.push(`-port (env ZK_CLIENT_PORT) must be 1-65535, got ${excerpt(portText ?? '')}`);
  const timeoutMs = durationInRange('-timeout (env ZK_PROBE_TIMEOUT)', timeoutText ?? '', { min: 1, example: '2s or 500ms', note: "keep it below the probe's timeoutSeconds" }, problems);
  if (!ROLES.includes(roleText ?? '')) problems.push(`-role (env ZK_ROLE) must be participant, observer or any, got ${excerpt(roleText ?? '')}`);
  // net.connect takes IPv6 without brackets.
  if (!isHostName(host ?? '') && !(/^[0-9A-Fa-f:.]{2,45}$/.test(host ?? '') && host?.includes(':'))) problems.push(`-host (env ZK_PROBE_HOST) must be a host name, an IPv4 or an IPv6 address, got ${excerpt(host ?? '')}`);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ check: check as Check, host: host as string, port, timeoutMs: timeoutMs as number, role: roleText as ExpectedRole });
};
