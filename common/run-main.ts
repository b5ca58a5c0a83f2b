import { exitCodeFor, isAgentError } from './errors.ts';
import { log } from './log.ts';

export type AgentMain = (argv: readonly string[], env: NodeJS.ProcessEnv) => Promise<number>;

// The single place that turns an agent's result or error into an exit code. A user error is one line, the event
// `<agent>.failed` with its catalogue code and the message naming the input and the fix; only a bug (anything not
// an AgentError, code INTERNAL) carries a stack.
export const runMain = (agent: string, main: AgentMain): void => {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (isAgentError(error)) log.error(`${agent}.failed`, { code: error.code, message: error.message, ...error.context });
      else log.error(`${agent}.failed`, { code: 'INTERNAL', message: 'internal error (a bug)', stack: error instanceof Error ? error.stack : String(error) });
      process.exitCode = exitCodeFor(error);
    },
  );
};
