import { EXIT, type ExitCode } from './exit-codes.ts';
import { COMMON_CODES, type Code } from './catalogue.ts';

export type ErrorContext = Readonly<Record<string, string | number | boolean | undefined>>;

// The one error type agents throw for expected failures: a stable code for machines (from the agent's catalogue,
// which also fixes the exit code), a one-line message for whoever reads `kubectl logs`, and the facts behind it.
// A bare string code with `exitCode` is the form still being moved to catalogues (issue 12).
export class AgentError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly context: ErrorContext;

  constructor(code: Code | string, message: string, options: { exitCode?: ExitCode; context?: ErrorContext; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AgentError';
    this.code = typeof code === 'string' ? code : code.code;
    this.exitCode = typeof code === 'string' ? (options.exitCode ?? EXIT.failed) : code.exit;
    this.context = options.context ?? {};
  }
}

// Every problem found in the inputs at once, so a user fixes a manifest in one round trip.
export class ConfigError extends AgentError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(COMMON_CODES.CONFIG_INVALID, problems.join('; '));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export const isAgentError = (value: unknown): value is AgentError => value instanceof AgentError;

// AgentError → its own code; anything else is a bug.
export const exitCodeFor = (error: unknown): ExitCode => (isAgentError(error) ? error.exitCode : EXIT.internal);
