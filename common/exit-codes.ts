// The exit codes every agent uses, defined once so probes, hooks and manifests can rely on them.
export const EXIT = {
  ok: 0,
  /** A check failed, a hook failed, or a deadline passed. */
  failed: 1,
  /** Bad flags, env or files: the user must change an input. */
  usage: 2,
  /** A bug in the agent. */
  internal: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
