// The client properties of the entrypoint's own Kafka calls (the founding check, leaving the quorum, the health
// checks): -command-config, as Kafka's tools take --command-config, or its first name -health-command-config from
// when only the health checks used it. One file, read by the main command and by `leave`. Pure.
import { securityFromClientFile, type ClientFile, type Security } from '../common/kafka-security.ts';

/** The file and the flag it came through, so a problem names what the user wrote. */
export type CommandConfigInput = { readonly flag: '-command-config' | '-health-command-config'; readonly path: string };

/** The two inputs as readInputs gives them (inputs.ts COMMAND_CONFIG_SPECS). */
export type CommandConfigValues = { readonly commandConfig: string | undefined; readonly healthCommandConfig: string | undefined };

// Which file, and through which flag (the one a problem names). Both given with different files is a problem.
export const commandConfigInput = (values: CommandConfigValues, problems: string[]): CommandConfigInput | undefined => {
  const { commandConfig: given, healthCommandConfig: old } = values;
  if (given !== undefined && old !== undefined && given !== old)
    problems.push('-command-config and -health-command-config name different files: keep -command-config (the old name means the same)');
  if (given !== undefined) return { flag: '-command-config', path: given };
  return old === undefined ? undefined : { flag: '-health-command-config', path: old };
};

// Without a file the entrypoint speaks PLAINTEXT, as it always has.
export const PLAINTEXT: Security = { protocol: 'PLAINTEXT' };

// The session security the file asks for (PLAINTEXT without a file), or a problem naming the flag and the file.
export const commandConfigSecurity = (input: CommandConfigInput | undefined, file: ClientFile | undefined, problems: string[]): Security => {
  if (input === undefined || file === undefined) return PLAINTEXT;
  const result = securityFromClientFile(input.flag, file);
  if (result.ok) return result.security;
  problems.push(result.problem);
  return PLAINTEXT;
};
