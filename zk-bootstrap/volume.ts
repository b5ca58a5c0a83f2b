// zk-bootstrap's volume I/O: what is on it (read before anything is written) and writing the config files, each
// atomically, myid last. Reached through effects.ts.
import { constants, rmSync, statSync } from 'node:fs';
import { access, mkdir, readdir, stat } from 'node:fs/promises';
import { AgentError } from '../common/errors.ts';
import { fileError, readTextBounded, replaceFileAtomically } from '../common/files.ts';
import type { Config } from './config.ts';
import type { FileWrites, VolumeFacts } from './start-plan.ts';
import { dynamicCfgPath, propertyValue, zooCfgPath } from './zoo-cfg.ts';
import { CODES } from './catalogue.ts';

// A file on the volume, or undefined when it does not exist. Anything else (a directory or FIFO where a file should
// be, a file past 1 MiB, EACCES, EIO) is the volume's problem: exit 1 naming the path, before anything is written.
const readIfExists = async (path: string): Promise<string | undefined> => {
  try {
    return readTextBounded(path, 'volume file');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (error instanceof AgentError) {
      const what =
        error.code === 'FILE_TOO_LARGE'
          ? 'larger than 1 MiB'
          : statSync(path, { throwIfNoEntry: false })?.isDirectory()
            ? 'EISDIR (a directory)'
            : 'not a regular file';
      throw new AgentError(CODES.ZK_VOLUME_UNREADABLE, `cannot read ${path}: ${what}; move it away, nothing was written`, {
        context: { file: path, errno: what.split(' ')[0] },
      });
    }
    throw fileError(CODES.ZK_VOLUME_UNREADABLE, 'read', path, error, 'nothing was written');
  }
};

const hasFiles = async (dir: string): Promise<boolean> => (await readdir(dir).catch(() => [])).length > 0;

// A path that exists but is no directory (a file, a broken mount) is named with its flag before anything is read.
const mustBeDirectory = async (dir: string, what: string): Promise<void> => {
  const info = await stat(dir).catch(() => undefined);
  if (info && !info.isDirectory()) {
    throw new AgentError(CODES.ZK_DIR_UNWRITABLE, `${what} ${dir} exists but is not a directory: mount the volume there; nothing was written`, {
      context: { dir },
    });
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
    throw new AgentError(
      CODES.ZK_DIR_UNWRITABLE,
      `${what} ${dir} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): mount the volume there, or fix its owner (fsGroup); nothing was written`,
      {
        context: { dir },
        cause: error,
      },
    );
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
    replaceFileAtomically(path, text, { errorCode: CODES.ZK_WRITE_FAILED });
    written.push(path);
  };
  if (files.dropNext) {
    const next = `${dynamicCfgPath(config)}.next`;
    try {
      rmSync(next, { force: true });
    } catch (error) {
      throw fileError(CODES.ZK_WRITE_FAILED, 'remove', next, error, 'nothing else was written');
    }
  }
  await put(dynamicCfgPath(config), files.dynamic);
  await put(zooCfgPath(config), files.zooCfg);
  await put(`${config.dataDir}/myid`, files.myid);
  return written;
};
