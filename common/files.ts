// Reading and writing the few files an agent touches, with the limits a hostile or broken environment needs:
// inputs are regular files of bounded size (a FIFO, /dev/zero or a 5 GB file is named and refused, never read
// until memory runs out), outputs are replaced atomically through a temp file created exclusively (no symlink is
// followed, no temp file is left behind), and an OS error becomes one line naming the path and the errno.
import { closeSync, constants, fstatSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { AgentError } from './errors.ts';
import { COMMON_CODES, type Code } from './catalogue.ts';
import { EXIT } from './exit-codes.ts';
import { randomBytes } from './random.ts';

/** Config files, properties, secrets, membership lists: far below this, and a probe's memory limit far above. */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

const errnoText = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/** An OS failure on a path (ENOSPC, EROFS, EACCES, EISDIR…) is the environment's, not a bug: exit 1, one line. */
export const fileError = (code: Code | string, action: string, file: string, error: unknown, fix = ''): AgentError =>
  new AgentError(code, `cannot ${action} ${file}: ${errnoText(error)}${fix === '' ? '' : `; ${fix}`}`, {
    exitCode: EXIT.failed,
    context: { file, errno: errnoText(error) },
    cause: error,
  });

/**
 * The bytes of a regular file of at most `maxBytes`. OS errors (ENOENT, EACCES…) are thrown as they are, so a
 * caller can treat a missing file as its own case; anything that is not a regular file, or is larger, is bad input.
 * O_NONBLOCK: opening a FIFO must not wait for a writer.
 */
export const readBounded = (file: string, what: string, maxBytes = DEFAULT_MAX_FILE_BYTES): Buffer => {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) {
      throw new AgentError(COMMON_CODES.FILE_NOT_REGULAR, `${what} ${file} is not a regular file: point it at a file`, { context: { file } });
    }
    // Read one byte past the cap to tell "exactly at the cap" from "larger", whatever stat said (files grow).
    const buffer = Buffer.allocUnsafe(Math.min(info.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) {
        throw new AgentError(COMMON_CODES.FILE_TOO_LARGE, `${what} ${file} is larger than ${maxBytes} bytes: point it at the right file`, {
          context: { file, maxBytes },
        });
      }
      if (length === buffer.length) break;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
};

/** readBounded as text; the encoding is the file format's (java .properties are latin1). */
export const readTextBounded = (file: string, what: string, encoding: BufferEncoding = 'utf8', maxBytes = DEFAULT_MAX_FILE_BYTES): string =>
  readBounded(file, what, maxBytes).toString(encoding);

/**
 * Replace `file` with `data`: a temp file beside it, created with O_EXCL|O_NOFOLLOW (a planted symlink or a
 * leftover is never written through), synced, then renamed over the target. On any failure the temp file is
 * removed and the target is as it was; the error names the target and the errno (exit 1).
 */
export const replaceFileAtomically = (
  file: string,
  data: string | Buffer,
  options: { readonly mode?: number; readonly encoding?: BufferEncoding; readonly errorCode?: Code | string } = {},
): void => {
  const { mode = 0o644, encoding = 'utf8', errorCode = COMMON_CODES.FILE_WRITE_FAILED } = options;
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${randomBytes(6).toString('hex')}`);
  let fd: number;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  } catch (error) {
    throw fileError(errorCode, 'write', file, error, 'check that the volume is mounted, writable and not full');
  }
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, encoding) : data;
    for (let offset = 0; offset < bytes.length;) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(temp, file);
  } catch (error) {
    if (fd !== -1) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // Already gone; nothing else of ours is there.
    }
    throw fileError(errorCode, 'write', file, error, 'check that the volume is mounted, writable and not full');
  }
};
