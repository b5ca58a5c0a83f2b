// The java the entrypoint runs: a bare command name or an absolute path (the shared path and text checks are in
// common/values.ts, names in common/k8s-names.ts). Pure.
import { absolutePathProblem } from '../common/values.ts';

// The java to run: a bare command name (looked up on PATH) or an absolute path.
export const executableProblem = (text: string): string | undefined => (/^[A-Za-z0-9._+-]+$/.test(text) ? undefined : absolutePathProblem(text));
