// zk-bootstrap run's I/O for handing the super user's digest to the JVM without a command-line argument: the java
// version check and the private @argfile (what goes where is decided in server-invocation.ts).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentError } from '../common/errors.ts';
import { fileError } from '../common/files.ts';
import { javaMajorFromVersionText, MIN_JAVA_MAJOR } from './server-invocation.ts';
import { CODES } from './catalogue.ts';

// `java -version` of the given java; undefined when it cannot be run or says no version (then starting the server
// reports the real problem, e.g. CHILD_START_FAILED for a missing java). JDK_JAVA_OPTIONS is left out so the
// launcher does not echo it, nor act on it.
export const readJavaMajor = (java: string, env: Readonly<Record<string, string | undefined>>, timeoutMs = 20_000): Promise<number | undefined> => {
  const { JDK_JAVA_OPTIONS: _ignored, ...rest } = env;
  return new Promise((resolve) => {
    execFile(java, ['-version'], { env: rest, timeout: timeoutMs, maxBuffer: 64 * 1024 }, (error, stdout, stderr) => {
      const major = javaMajorFromVersionText(`${stderr}\n${stdout}`);
      resolve(error && major === undefined ? undefined : major);
    });
  });
};

// Refuse a java older than 9: it ignores JDK_JAVA_OPTIONS, so the server would run without the super user and
// every reconfig would fail later as ZK_NO_AUTH, far from the cause.
export const checkJavaReadsJdkOptions = async (java: string, env: Readonly<Record<string, string | undefined>>): Promise<void> => {
  const major = await readJavaMajor(java, env);
  if (major !== undefined && major < MIN_JAVA_MAJOR) {
    throw new AgentError(
      CODES.ZK_JAVA_TOO_OLD,
      `${java} is Java ${major}: zk-bootstrap run passes the super user's digest in JDK_JAVA_OPTIONS, which Java ${MIN_JAVA_MAJOR}+ reads; use a newer java`,
      {
        context: { java, major },
      },
    );
  }
};

export type DigestArgFile = { readonly path: string; remove(): Promise<void> };

// The @argfile with the digest, in a fresh 0700 directory (mkdtemp: no predictable name to plant a symlink at) as a
// 0600 file created exclusively: only this user can read it, as it could read the JVM's environment.
export const writeDigestArgFile = async (contents: string, parent = tmpdir()): Promise<DigestArgFile> => {
  let dir: string;
  try {
    dir = await mkdtemp(join(parent, 'zk-bootstrap-'));
  } catch (error) {
    throw fileError(CODES.ZK_DIR_UNWRITABLE, 'create a private directory in', parent, error, 'the server was not started');
  }
  const path = join(dir, 'jvm-options');
  try {
    await writeFile(path, contents, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw fileError(CODES.ZK_DIR_UNWRITABLE, 'write', path, error, 'the server was not started');
  }
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
};
