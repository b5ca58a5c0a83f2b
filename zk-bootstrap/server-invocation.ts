// The server command zk-bootstrap run starts (once, as its child, through common/supervise.ts). zk-bootstrap cannot
// exec(3) into the JVM like kafka-entrypoint does, because it still has to promote the member after the server has
// synced; a postStart hook could do that too, but it may run before the server starts, and its failure only shows
// up as a container event.
import { basename } from 'node:path';

// The server command with the super user's digest added: `-D...` right after `java`, and in SERVER_JVMFLAGS for
// zkServer.sh. The password never reaches the server; ZK_SUPER_SECRET is removed from its environment.
export const serverInvocation = (
  command: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  digest: string | undefined,
): { argv: string[]; env: Record<string, string> } => {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && k !== 'ZK_SUPER_SECRET') childEnv[k] = v;
  const argv = [...command];
  if (digest !== undefined) {
    const flag = `-Dzookeeper.DigestAuthenticationProvider.superDigest=${digest}`;
    if (basename(argv[0] ?? '') === 'java') argv.splice(1, 0, flag);
    childEnv.SERVER_JVMFLAGS = [childEnv.SERVER_JVMFLAGS, flag].filter(Boolean).join(' ');
  }
  return { argv, env: childEnv };
};
