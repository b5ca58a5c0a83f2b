// zk-bootstrap's I/O: the volume, stdin, the secret, the ensemble. Every function takes what it needs; main passes
// `realEffects` and tests may pass their own.
import { createHash } from 'node:crypto';
import { constants, rmSync, statSync } from 'node:fs';
import { access, mkdir, readdir, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentError } from '../common/errors.ts';
import { EXIT } from '../common/exit-codes.ts';
import { fileError, readTextBounded, replaceFileAtomically } from '../common/files.ts';
import { sendFourLetterWord } from '../common/zk-4lw.ts';
import { srvrFromText, type ServerMode } from '../common/zk-4lw-parse.ts';
import type { Config } from './config.ts';
import type { FileWrites, VolumeFacts, EnsembleView } from './start-plan.ts';
import { dynamicCfgPath, propertyValue, zooCfgPath } from './zoo-cfg.ts';
import { openSession, getConfig, reconfig, type DigestAuth, type EnsembleConfig, type ReconfigRequest } from './zk-admin.ts';

// A file on the volume, or undefined when it does not exist. Anything else (a directory or FIFO where a file should
// be, a file past 1 MiB, EACCES, EIO) is the volume's problem: exit 1 naming the path, before anything is written.
const readIfExists = async (path: string): Promise<string | undefined> => {
  try {
    return readTextBounded(path, 'volume file');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (error instanceof AgentError) {
      const what = error.code === 'FILE_TOO_LARGE' ? 'larger than 1 MiB' : statSync(path, { throwIfNoEntry: false })?.isDirectory() ? 'EISDIR (a directory)' : 'not a regular file';
      throw new AgentError('ZK_VOLUME_UNREADABLE', `cannot read ${path}: ${what}; move it away, nothing was written`, { exitCode: EXIT.failed, context: { file: path, errno: what.split(' ')[0] } });
    }
    throw fileError('ZK_VOLUME_UNREADABLE', 'read', path, error, 'nothing was written');
  }
};

const hasFiles = async (dir: string): Promise<boolean> => (await readdir(dir).catch(() => [])).length > 0;

// A path that exists but is no directory (a file, a broken mount) is named with its flag before anything is read.
const mustBeDirectory = async (dir: string, what: string): Promise<void> => {
  const info = await stat(dir).catch(() => undefined);
  if (info && !info.isDirectory()) {
    throw new AgentError('ZK_DIR_UNWRITABLE', `${what} ${dir} exists but is not a directory: mount the volume there; nothing was written`, { context: { dir } });
  }
};

// What is on the volume: myid, transaction data, zoo.cfg, the dynamic file it names, and the one init wrote.
export const readVolume = async (config: Config): Promise<VolumeFacts> => {
  await mustBeDirectory(config.dataDir, '-data-dir (env ZOO_DATA_DIR)');
  await mustBeDirectory(config.confDir, '-conf-dir (env ZK_CONF_DIR)');
  const zooCfg = await readIfExists(zooCfgPath(config));
  const named = zooCfg === undefined ? undefined : propertyValue(zooCfg, 'dynamicConfigFile');
  return {
    myid: await readIfExists(`${config.dataDir}/myid`),
    hasTxnData: (await hasFiles(`${config.dataDir}/version-2`)) || (config.dataLogDir !== undefined && (await hasFiles(`${config.dataLogDir}/version-2`))),
    zooCfg,
    currentDynamic: named === undefined ? undefined : await readIfExists(named),
    ownDynamic: await readIfExists(dynamicCfgPath(config)),
  };
};

const writableDir = async (dir: string, what: string): Promise<void> => {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new AgentError('ZK_DIR_UNWRITABLE', `${what} ${dir} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): mount the volume there, or fix its owner (fsGroup); nothing was written`, {
      exitCode: EXIT.failed,
      context: { dir },
      cause: error,
    });
  }
};

// Check both dirs first (so a failure changes nothing), then write membership, zoo.cfg, and myid last: myid is the
// marker that the volume belongs to this member.
export const writeFiles = async (config: Config, files: FileWrites): Promise<string[]> => {
  await writableDir(config.confDir, '-conf-dir (env ZK_CONF_DIR)');
  await writableDir(config.dataDir, '-data-dir (env ZOO_DATA_DIR)');
  const written: string[] = [];
  const put = async (path: string, text: string | undefined): Promise<void> => {
    if (text === undefined || (await readIfExists(path)) === text) return;
    // O_EXCL|O_NOFOLLOW temp, fsync, rename; ENOSPC/EROFS/EISDIR are exit 1 naming the path, no temp file left.
    replaceFileAtomically(path, text, { errorCode: 'ZK_WRITE_FAILED' });
    written.push(path);
  };
  if (files.dropNext) {
    const next = `${dynamicCfgPath(config)}.next`;
    try {
      rmSync(next, { force: true });
    } catch (error) {
      throw fileError('ZK_WRITE_FAILED', 'remove', next, error, 'nothing else was written');
    }
  }
  await put(dynamicCfgPath(config), files.dynamic);
  await put(zooCfgPath(config), files.zooCfg);
  await put(`${config.dataDir}/myid`, files.myid);
  return written;
};

// stdin up to maxBytes, within timeoutMs: a hook's input that is huge or never ends is refused, not buffered.
export const readStdin = (maxBytes: number, timeoutMs: number, input: NodeJS.ReadStream = process.stdin): Promise<Buffer> =>
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
    const timer = setTimeout(() => finish(new AgentError('ZK_PEERS_UNREAD', `the peer list on stdin did not end within ${timeoutMs}ms (-timeout): run zk-bootstrap init as peer-finder's -on-start hook`, { context: { timeoutMs } })), timeoutMs);
    input.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return finish(new AgentError('ZK_PEERS_TOO_LARGE', `the peer list on stdin is larger than ${maxBytes} bytes: it is not peer-finder's list of member names`, { exitCode: EXIT.usage, context: { maxBytes } }));
      chunks.push(chunk);
    });
    input.once('end', () => finish(undefined));
    input.once('error', (error: NodeJS.ErrnoException) => finish(new AgentError('ZK_PEERS_UNREAD', `cannot read the peer list on stdin: ${error.code ?? error.message}`, { context: { errno: error.code } })));
  });

// The super user's password, from the file or the env var readConfig chose.
export const loadAuth = async (config: Config): Promise<DigestAuth | undefined> => {
  const source = config.secret;
  if (source.kind === 'none') return undefined;
  if (source.kind === 'env') return { user: config.superUser, secret: source.value };
  let text: string;
  try {
    // Bounded and regular files only: a FIFO or /dev/zero as the secret is refused unread.
    text = readTextBounded(source.path, '-secret-file', 'utf8', 64 * 1024);
  } catch (error) {
    const why = error instanceof AgentError ? error.message : ((error as NodeJS.ErrnoException).code ?? 'unreadable');
    throw new AgentError('ZK_SECRET_UNREADABLE', `-secret-file ${source.path} cannot be read (${why}): mount the secret there`, { exitCode: EXIT.usage, context: { file: source.path } });
  }
  const secret = text.replace(/\r?\n$/, '');
  if (secret === '') throw new AgentError('ZK_SECRET_EMPTY', `-secret-file ${source.path} is empty`, { exitCode: EXIT.usage, context: { file: source.path } });
  return { user: config.superUser, secret };
};

// The server-side form of the same secret (DigestAuthenticationProvider: user:base64(sha1("user:password"))).
export const superDigest = (auth: DigestAuth): string => `${auth.user}:${createHash('sha1').update(`${auth.user}:${auth.secret}`).digest('base64')}`;

// The ensemble's committed config as seen from any server of connectString, or why none answered.
export const readEnsemble = async (connectString: string, timeoutMs: number): Promise<EnsembleView> => {
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
export const runReconfig = async (connectString: string, timeoutMs: number, auth: DigestAuth | undefined, request: ReconfigRequest): Promise<EnsembleConfig> => {
  const session = await openSession({ connectString, timeoutMs, auth });
  try {
    await reconfig(session, request);
    return await getConfig(session);
  } finally {
    session.close();
  }
};

export const readCommitted = async (connectString: string, timeoutMs: number): Promise<EnsembleConfig> => {
  const session = await openSession({ connectString, timeoutMs });
  try {
    return await getConfig(session);
  } finally {
    session.close();
  }
};

// The local server's mode once `srvr` shows one (it serves: synced with a leader), or undefined now.
export const servingMode = async (host: string, port: number, timeoutMs: number): Promise<ServerMode | undefined> => {
  const answer = await sendFourLetterWord({ host, port, word: 'srvr', timeoutMs });
  if (answer.kind !== 'answer') return undefined;
  const parsed = srvrFromText(answer.text);
  return parsed.kind === 'serving' ? parsed.mode : undefined;
};

export { sleep };
