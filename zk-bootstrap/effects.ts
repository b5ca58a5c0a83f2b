// Everything zk-bootstrap does to the world: the volume, stdin, the secret, the ensemble, the server process and the
// health port. main, init, run and leave take it as one `Effects` object; main passes `realEffects`, tests their own.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentError } from '../common/errors.ts';
import { readTextBounded } from '../common/files.ts';
import { abortableConnect, sendFourLetterWord } from '../common/zk-4lw.ts';
import { srvrFromText, type ServerMode } from '../common/zk-4lw-parse.ts';
import type { Config } from './config.ts';
import type { FileWrites, VolumeFacts, EnsembleView } from './start-plan.ts';
import { readVolume, writeFiles } from './volume.ts';
import { openSession, getConfig, reconfig, type DigestAuth, type EnsembleConfig, type ReconfigRequest } from './zk-admin.ts';
import { checkJavaReadsJdkOptions, writeDigestArgFile, type DigestArgFile } from './jvm-secret.ts';
import { startSupervised, type Supervised } from '../common/supervise.ts';
import type { HealthServer } from '../common/health-server.ts';
import { startZkHealth } from './health.ts';
import { CODES } from './catalogue.ts';

export type Effects = {
  readonly hostname: () => string;
  readonly print: (text: string) => void;
  readonly now: () => number;
  /** Ends early, quietly, when `signal` aborts. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** stdin up to maxBytes within timeoutMs (init's peer list). */
  readonly readStdin: (maxBytes: number, timeoutMs: number) => Promise<Buffer>;
  readonly loadAuth: (config: Config) => Promise<DigestAuth | undefined>;
  readonly readVolume: (config: Config) => Promise<VolumeFacts>;
  /** The paths it changed (a file already holding the text is left alone). */
  readonly writeFiles: (config: Config, files: FileWrites) => Promise<string[]>;
  /** Never throws: an ensemble that does not answer is a view of kind `unreachable`. */
  readonly readEnsemble: (connectString: string, timeoutMs: number) => Promise<EnsembleView>;
  readonly readCommitted: (connectString: string, timeoutMs: number) => Promise<EnsembleConfig>;
  readonly runReconfig: (connectString: string, timeoutMs: number, auth: DigestAuth | undefined, request: ReconfigRequest) => Promise<EnsembleConfig>;
  readonly servingMode: (host: string, port: number, timeoutMs: number) => Promise<ServerMode | undefined>;
  /** The local server answers `ruok` at all (serving or not): its JVM runs. Never throws; false at once on abort. */
  readonly serverAnswers: (host: string, port: number, timeoutMs: number, signal: AbortSignal) => Promise<boolean>;
  /** ZK_JAVA_TOO_OLD when the java would ignore JDK_JAVA_OPTIONS. */
  readonly checkJava: (java: string, env: NodeJS.ProcessEnv) => Promise<void>;
  readonly writeDigestArgFile: (contents: string) => Promise<DigestArgFile>;
  readonly startServer: (file: string, args: readonly string[], env: Readonly<Record<string, string>>, stopGraceMs: number) => Supervised;
  /** Undefined without -health-port; HEALTH_PORT_UNAVAILABLE (exit 2) when the port is taken. */
  readonly serveHealth: (config: Config, serverPid: () => number | undefined) => Promise<HealthServer | undefined>;
};

// stdin up to maxBytes, within timeoutMs: a hook's input that is huge or never ends is refused, not buffered.
const readStdin = (maxBytes: number, timeoutMs: number, input: NodeJS.ReadStream = process.stdin): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    if (input.isTTY) return resolve(Buffer.alloc(0));
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error: AgentError | undefined): void => {
      clearTimeout(timer);
      input.removeAllListeners('data');
      if (error === undefined) return resolve(Buffer.concat(chunks));
      input.destroy();
      reject(error);
    };
    const timer = setTimeout(
      () =>
        finish(
          new AgentError(
            CODES.ZK_PEERS_UNREAD,
            `the peer list on stdin did not end within ${timeoutMs}ms (-timeout): run zk-bootstrap init as peer-finder's -on-start hook`,
            { context: { timeoutMs } },
          ),
        ),
      timeoutMs,
    );
    input.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes)
        return finish(
          new AgentError(CODES.ZK_PEERS_TOO_LARGE, `the peer list on stdin is larger than ${maxBytes} bytes: it is not peer-finder's list of member names`, {
            context: { maxBytes },
          }),
        );
      chunks.push(chunk);
    });
    input.once('end', () => finish(undefined));
    input.once('error', (error: NodeJS.ErrnoException) =>
      finish(new AgentError(CODES.ZK_PEERS_UNREAD, `cannot read the peer list on stdin: ${error.code ?? error.message}`, { context: { errno: error.code } })),
    );
  });

// The super user's password, from the file or the env var readConfig chose.
const loadAuth = async (config: Config): Promise<DigestAuth | undefined> => {
  const source = config.secret;
  if (source.kind === 'none') return undefined;
  if (source.kind === 'env') return { user: config.superUser, secret: source.value };
  let text: string;
  try {
    // Bounded and regular files only: a FIFO or /dev/zero as the secret is refused unread.
    text = readTextBounded(source.path, '-secret-file', 'utf8', 64 * 1024);
  } catch (error) {
    const why = error instanceof AgentError ? error.message : ((error as NodeJS.ErrnoException).code ?? 'unreadable');
    throw new AgentError(CODES.ZK_SECRET_UNREADABLE, `-secret-file ${source.path} cannot be read (${why}): mount the secret there`, {
      context: { file: source.path },
    });
  }
  const secret = text.replace(/\r?\n$/, '');
  if (secret === '') throw new AgentError(CODES.ZK_SECRET_EMPTY, `-secret-file ${source.path} is empty`, { context: { file: source.path } });
  return { user: config.superUser, secret };
};

// The server-side form of the same secret (DigestAuthenticationProvider: user:base64(sha1("user:password"))).
export const superDigest = (auth: DigestAuth): string => `${auth.user}:${createHash('sha1').update(`${auth.user}:${auth.secret}`).digest('base64')}`;

// The ensemble's committed config as seen from any server of connectString, or why none answered.
const readEnsemble = async (connectString: string, timeoutMs: number): Promise<EnsembleView> => {
  try {
    const session = await openSession({ connectString, timeoutMs });
    try {
      const config = await getConfig(session);
      return { kind: 'config', text: config.text, from: connectString };
    } finally {
      session.close();
    }
  } catch (error) {
    return { kind: 'unreachable', tried: connectString, reason: error instanceof AgentError ? error.code : String(error) };
  }
};

// One authorised reconfig, then the committed config read back (the reply is the proposal's result).
const runReconfig = async (connectString: string, timeoutMs: number, auth: DigestAuth | undefined, request: ReconfigRequest): Promise<EnsembleConfig> => {
  const session = await openSession({ connectString, timeoutMs, auth });
  try {
    await reconfig(session, request);
    return await getConfig(session);
  } finally {
    session.close();
  }
};

const readCommitted = async (connectString: string, timeoutMs: number): Promise<EnsembleConfig> => {
  const session = await openSession({ connectString, timeoutMs });
  try {
    return await getConfig(session);
  } finally {
    session.close();
  }
};

// The local server's mode once `srvr` shows one (it serves: synced with a leader), or undefined now.
const servingMode = async (host: string, port: number, timeoutMs: number): Promise<ServerMode | undefined> => {
  const answer = await sendFourLetterWord({ host, port, word: 'srvr', timeoutMs });
  if (answer.kind !== 'answer') return undefined;
  const parsed = srvrFromText(answer.text);
  return parsed.kind === 'serving' ? parsed.mode : undefined;
};

const serverAnswers = async (host: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<boolean> =>
  (await sendFourLetterWord({ host, port, word: 'ruok', timeoutMs }, abortableConnect(signal))).kind === 'answer';

export const realEffects: Effects = {
  hostname,
  print: (text) => process.stdout.write(text),
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
  readStdin: (maxBytes, timeoutMs) => readStdin(maxBytes, timeoutMs),
  loadAuth,
  readVolume,
  writeFiles,
  readEnsemble,
  readCommitted,
  runReconfig,
  servingMode,
  serverAnswers,
  checkJava: checkJavaReadsJdkOptions,
  writeDigestArgFile: (contents) => writeDigestArgFile(contents),
  startServer: (file, args, env, stopGraceMs) => startSupervised(file, args, env, { stopGraceMs }),
  serveHealth: (config, serverPid) => startZkHealth(config, serverPid),
};
