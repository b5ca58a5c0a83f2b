// kafka-entrypoint on a read-only or full volume, through the built bundle: a small tmpfs, so root only (the other
// hostile files are in hostile-files.cli.test.ts).
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtAgent } from '../fixtures/agent-bundle.ts';

const { run: entrypoint } = builtAgent(t, 'kafka-entrypoint', 20_000);
const BASE = ['--hostname=kafka-0', '--service=kafka', '--controllers=1'];

const oneLine = (t: Test, stderr: string, what: string): void => {
  t.notMatch(stderr, /internal error|\n\s+at /, `${what}: no stack`);
};

// A small tmpfs (root only): read-only for EROFS, filled up for ENOSPC. Unmounted by the test's teardown.
const mounted: string[] = [];
const tmpfs = (dir: string, options: string): boolean => {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return false;
  }
  mounted.unshift(dir);
  return true;
};

t.test(
  'a read-only or full volume: exit 1 naming the path and the errno, no temp file left',
  { skip: process.getuid?.() !== 0 && 'needs root to mount a tmpfs' },
  async (t) => {
    // Not t.testdir: its removal would run before the unmounts.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kafka-entrypoint-volumes-'));
    t.teardown(() => {
      for (const m of mounted.splice(0)) execFileSync('umount', [m]);
      rmSync(dir, { recursive: true, force: true });
    });
    const ro = path.join(dir, 'ro');
    const full = path.join(dir, 'full');
    if (!tmpfs(ro, 'ro,size=64k') || !tmpfs(full, 'size=64k')) {
      t.comment('mount not permitted here: skipped');
      return;
    }
    // Fill the tmpfs to the last byte.
    try {
      writeFileSync(path.join(full, 'filler'), Buffer.alloc(1024 * 1024));
    } catch {
      // ENOSPC: what was written stays.
    }
    const rows = [
      { name: 'EROFS', out: path.join(ro, 'server.properties'), errno: 'EROFS' },
      { name: 'ENOSPC', out: path.join(full, 'server.properties'), errno: 'ENOSPC' },
    ];
    for (const row of rows) {
      const before = readdirSync(path.dirname(row.out)).sort();
      const r = await entrypoint([...BASE, `--data-dir=${dir}/vol`, `--config-out=${row.out}`, '--java=/bin/false']);
      t.equal(r.exitCode, 1, `${row.name}: ${r.stderr}`);
      t.match(r.stderr, new RegExp(`cannot write ${row.out}: ${row.errno}`), row.name);
      oneLine(t, r.stderr, row.name);
      t.same(readdirSync(path.dirname(row.out)).sort(), before, `${row.name}: no temp file left`);
    }
  },
);
