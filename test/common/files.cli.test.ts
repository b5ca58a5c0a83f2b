import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readBounded, readTextBounded, replaceFileAtomically } from '../../common/files.ts';

const dir = t.testdir({});

t.test('reads a regular file up to the cap, and refuses one byte more', async (t) => {
  const file = path.join(dir, 'ten');
  writeFileSync(file, '0123456789');
  t.equal(readTextBounded(file, '-config', 'utf8', 10), '0123456789');
  t.throws(() => readBounded(file, '-config', 9), { code: 'FILE_TOO_LARGE', exitCode: 2, message: /-config .*ten is larger than 9 bytes/ });
});

t.test('refuses what is not a regular file without reading it: a FIFO with no writer, /dev/zero, a directory', async (t) => {
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  t.throws(() => readBounded(fifo, '-config-file'), { code: 'FILE_NOT_REGULAR', exitCode: 2 });
  t.throws(() => readBounded('/dev/zero', '-config-file'), { code: 'FILE_NOT_REGULAR', exitCode: 2 });
  t.throws(() => readBounded(dir, '-config-file'), { code: 'FILE_NOT_REGULAR', exitCode: 2 });
});

t.test("passes OS errors through, so a missing file stays the caller's case", async (t) => {
  t.throws(() => readBounded(path.join(dir, 'missing'), '-config'), { code: 'ENOENT' });
});

t.test('replaces a file atomically and leaves no temp file', async (t) => {
  const target = path.join(dir, 'out', 'server.properties');
  mkdirSync(path.dirname(target));
  writeFileSync(target, 'old');
  replaceFileAtomically(target, 'new\n');
  t.equal(readFileSync(target, 'utf8'), 'new\n');
  t.same(readdirSync(path.dirname(target)), ['server.properties']);
});

t.test('a directory where the file should be: exit 1 naming path and errno, no temp file left', async (t) => {
  const parent = path.join(dir, 'isdir');
  mkdirSync(path.join(parent, 'server.properties'), { recursive: true });
  t.throws(() => replaceFileAtomically(path.join(parent, 'server.properties'), 'x'), {
    code: 'FILE_WRITE_FAILED',
    exitCode: 1,
    message: /server\.properties: EISDIR/,
  });
  t.same(readdirSync(parent), ['server.properties']);
});

t.test('a missing directory: exit 1 naming the path', async (t) => {
  t.throws(() => replaceFileAtomically(path.join(dir, 'nope', 'f'), 'x', { errorCode: 'ZK_WRITE_FAILED' }), {
    code: 'ZK_WRITE_FAILED',
    exitCode: 1,
    message: /nope\/f: ENOENT/,
  });
});

t.test('a symlink planted where a temp file could be is never followed', async (t) => {
  // The temp name is random, so plant links under every name a predictable scheme would use and check none is written.
  const parent = path.join(dir, 'planted');
  mkdirSync(parent);
  const victim = path.join(dir, 'victim');
  writeFileSync(victim, 'keep');
  for (const name of ['zoo.cfg.zk-bootstrap.tmp', `zoo.cfg.tmp-${process.pid}`]) symlinkSync(victim, path.join(parent, name));
  replaceFileAtomically(path.join(parent, 'zoo.cfg'), 'tickTime=2000\n');
  t.equal(readFileSync(victim, 'utf8'), 'keep');
  t.ok(existsSync(path.join(parent, 'zoo.cfg')));
});
