// The server command zk-bootstrap run starts (once, as its child, through common/supervise.ts). zk-bootstrap cannot
// exec(3) into the JVM like kafka-entrypoint does, because it still has to promote the member after the server has
// synced; a postStart hook could do that too, but it may run before the server starts, and its failure only shows
// up as a container event. Pure.
import { basename } from 'node:path';

/** The system property ZooKeeper's DigestAuthenticationProvider reads the super user's digest from. */
export const SUPER_DIGEST_PROPERTY = 'zookeeper.DigestAuthenticationProvider.superDigest';

/** JDK_JAVA_OPTIONS appeared in Java 9; an older launcher ignores it, and the server would run without the digest. */
export const MIN_JAVA_MAJOR = 9;

// A token of a java @argfile: double-quoted, with `\` and `"` escaped, so a super user name holding `#`, quotes or
// a backslash (all allowed by -super-user) is read back as written.
const argFileToken = (text: string): string => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/** The @argfile holding the super user's digest as a -D option for the JVM. */
export const superDigestArgFile = (digest: string): string => `${argFileToken(`-D${SUPER_DIGEST_PROPERTY}=${digest}`)}\n`;

// The server command and its environment. The digest reaches the JVM neither in argv (which `ps` and every
// /proc/<pid>/cmdline show to all users) nor literally in the environment: the launcher echoes JDK_JAVA_OPTIONS on
// stderr ("NOTE: Picked up JDK_JAVA_OPTIONS: ..."), so it would end up in the container log. JDK_JAVA_OPTIONS names
// the 0600 @argfile that holds it instead; the java of a script (zkServer.sh) reads the same variable, where
// SERVER_JVMFLAGS would put the digest on that java's command line. ZK_SUPER_SECRET never reaches the server.
export const serverInvocation = (
  command: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  digestArgFile: string | undefined,
): { argv: string[]; env: Record<string, string> } => {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && k !== 'ZK_SUPER_SECRET') childEnv[k] = v;
  if (digestArgFile !== undefined) childEnv.JDK_JAVA_OPTIONS = [childEnv.JDK_JAVA_OPTIONS, argFileToken(`@${digestArgFile}`)].filter(Boolean).join(' ');
  return { argv: [...command], env: childEnv };
};

// The java the server command will run: itself when it is java, else the one zkServer.sh/zkEnv.sh picks
// ($JAVA_HOME/bin/java, or java on PATH).
export const javaOfCommand = (command: readonly string[], env: Readonly<Record<string, string | undefined>>): string => {
  const first = command[0] ?? 'java';
  if (basename(first) === 'java') return first;
  return env.JAVA_HOME ? `${env.JAVA_HOME.replace(/\/+$/, '')}/bin/java` : 'java';
};

// The major version in `java -version` output: `version "17.0.15"` is 17, `version "1.8.0_402"` is 8; undefined
// when there is none.
export const javaMajorFromVersionText = (text: string): number | undefined => {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  return m[1] === '1' && m[2] !== undefined ? Number(m[2]) : Number(m[1]);
};
