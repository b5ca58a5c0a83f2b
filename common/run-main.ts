import { exitCodeFor, isAgentError } from './errors.ts';
import { log } from './log.ts';

export type AgentMain = (argv: readonly string[], env: NodeJS.ProcessEnv) => Promise<number>;

// The single place that turns an agent's result or error into an exit code. A user error is one line naming
// the input and the fix; only a bug (anything not an AgentError) prints a stack.
export const runMain = (agent: string, main: AgentMain): void => {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (isAgentError(error)) log.error(`${agent}: ${error.message}`, { code: error.code, ...error.context });
      else log.error(`${agent}: internal error`, { stack: error instanceof Error ? error.stack : String(error) });
      process.exitCode = exitCodeFor(error);
    },
  );
};
