// Inputs of `kafka-entrypoint leave`, checked in one place: frozen LeaveSettings, or one ConfigError listing every
// problem.
import type { Read } from '../common/inputs.ts';
import { excerpt } from '../common/log.ts';
import { ConfigError, isAgentError } from '../common/errors.ts';
import { podIdentityFromHostname } from '../common/hostname.ts';
import type { ClientFile } from '../common/kafka-security.ts';
import type { LeaveSettings } from './leave-plan.ts';
import type { LEAVE_SPECS } from './inputs.ts';
import { commandConfigInput, commandConfigSecurity } from './command-config.ts';

export type LeaveRead = Read<typeof LEAVE_SPECS>;

// The client properties file `leave` reads before leaveConfig (readInputs already refused a bad path).
export const leaveInputPaths = (read: LeaveRead): { commandConfig?: string } => {
  const input = commandConfigInput(read.values, []);
  return input === undefined ? {} : { commandConfig: input.path };
};

export const leaveConfig = (read: LeaveRead, hostname: string, files: { readonly commandConfig?: ClientFile } = {}): LeaveSettings => {
  const { values } = read;
  const problems = [...read.problems];
  if (read.positionals.length > 0) problems.push(`unexpected argument ${excerpt(read.positionals[0] ?? '')}`);
  let ordinal: number | undefined;
  try {
    ordinal = podIdentityFromHostname(values.hostname ?? hostname).ordinal;
  } catch (error) {
    problems.push(isAgentError(error) ? error.message : String(error));
  }
  const security = commandConfigSecurity(commandConfigInput(values, problems), files.commandConfig, problems);
  if (problems.length > 0 || ordinal === undefined) throw new ConfigError(problems);
  return Object.freeze({ serverProperties: values.config, ordinal, controllersFile: values.controllersFile, timeoutMs: values.timeout, security });
};
