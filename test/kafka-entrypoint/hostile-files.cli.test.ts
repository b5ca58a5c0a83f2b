// kafka-entrypoint against hostile or broken files and volumes, through the built bundle: inputs that are FIFOs,
// /dev/zero or huge; an output path that is a directory; a planted temp-file symlink; a SIGTERM while the storage
// format runs. Exit 0/1/2 as documented, one line, never a stack, nothing half-written. Read-only and full volumes
// (root: a tmpfs) are in hostile-volumes.pods.test.ts.
import t, { type Test } from 'tap';
import { failure } from '../fixtures/log-lines.ts';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { builtAgent } from '../fixtures/agent-bundle.ts';
import { waitFor } from '../harness/wait.ts';
import { realEffects } from '../../kafka-entrypoint/effects.ts';

const { file: BUNDLE, run: entrypoint } = builtAgent(t, 'kafka-entrypoint', 20_000);
const BASE = ['--hostname=kafka-0', '--service=kafka', '--controllers=1'];

const oneLine = (t: Test, stderr: string, what: string): void => {
  t.notMatch(stderr, /internal error|\n\s+at /, `${what}: no stack`);
};

t.test('input files that are FIFOs, /dev/zero or 100 MB are refused unread, quickly (exit 2)', async (t) => {
  const dir = t.testdir({});
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const big = path.join(dir, 'big.properties');
  writeFileSync(big, '');
  truncateSync(big, 100 * 1024 * 1024);
  const rows = [
    { name: '-config-file FIFO', arg: `--config-file=${fifo}`, why: /-config-file .*fifo cannot be read: not a regular file/ },
    { name: '-config-file /dev/zero', arg: '--config-file=/dev/zero', why: /not a regular file/ },
    { name: '-config-file 100 MB', arg: `--config-file=${big}`, why: /larger than 1048576 bytes/ },
    { name: '-cluster-id-file FIFO', arg: `--cluster-id-file=${fifo}`, why: /-cluster-id-file .* not a regular file/ },
    { name: '-rack-file /dev/zero', arg: '--rack-file=/dev/zero', why: /-rack-file .* not a regular file/ },
  ];
  for (const row of rows) {
    const started = Date.now();
    const r = await entrypoint([...BASE, `--data-dir=${dir}/vol`, row.arg, '--dry-run']);
    t.equal(r.exitCode, 2, `${row.name}: ${r.stderr}`);
    t.match(r.stderr, row.why, row.name);
    t.ok(Date.now() - started < 5000, `${row.name}: bounded time`);
    oneLine(t, r.stderr, row.name);
  }
  t.notOk(existsSync(`${dir}/vol`));
});

t.test('a directory where server.properties should be: exit 1 naming the path and EISDIR, no temp file left', async (t) => {
  const dir = t.testdir({});
  const out = path.join(dir, 'out');
  mkdirSync(path.join(out, 'server.properties'), { recursive: true });
  const r = await entrypoint([...BASE, `--data-dir=${dir}/vol`, `--config-out=${out}/server.properties`, '--java=/bin/false']);
  t.equal(r.exitCode, 1, r.stderr);
  t.match(r.stderr, /code=CONFIG_WRITE_FAILED/);
  t.match(r.stderr, new RegExp(`cannot write ${out}/server.properties: EISDIR`));
  oneLine(t, r.stderr, 'EISDIR');
  t.same(readdirSync(out), ['server.properties'], 'no temp file left');
});

t.test('a symlink planted where the old temp file went is never written through', async (t) => {
  const dir = t.testdir({ victim: 'precious\n' });
  const file = path.join(dir, 'server.properties');
  // The old code wrote `<file>.tmp-<pid>`: plant that name, for this process's pid.
  symlinkSync(path.join(dir, 'victim'), `${file}.tmp-${process.pid}`);
  t.equal(await realEffects.writeFileAtomic(file, 'node.id=0\n'), 'written');
  t.equal(readFileSync(path.join(dir, 'victim'), 'utf8'), 'precious\n', 'the symlink target is untouched');
  t.equal(readFileSync(file, 'latin1'), 'node.id=0\n');
  t.equal(await realEffects.writeFileAtomic(file, 'node.id=0\n'), 'unchanged');
});

t.test('SIGTERM during the storage format is passed on to the format child and waited for; no broker starts', async (t) => {
  const dir = t.testdir({});
  const marks = path.join(dir, 'marks');
  const java = path.join(dir, 'java');
  // A stand-in java: the format sleeps until TERM, then takes a moment to clean up; the broker only records itself.
  writeFileSync(
    java,
    `#!/bin/sh
case "$*" in
  *StorageTool*)
    echo format-started >> '${marks}'
    trap 'kill $pid; sleep 0.3; echo format-cleaned-up >> "${marks}"; exit 143' TERM
    sleep 30 & pid=$!
    wait $pid
    echo format-finished >> '${marks}' ;;
  *) echo broker-started >> '${marks}' ;;
esac
`,
    { mode: 0o755 },
  );
  const child = spawn(process.execPath, [BUNDLE, ...BASE, `--data-dir=${dir}/vol`, `--java=${java}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = once(child, 'exit');
  t.teardown(() => void child.kill('SIGKILL'));
  await waitFor('format started', async () => (existsSync(marks) ? true : undefined), { timeoutMs: 10_000, intervalMs: 50 });
  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  const seen = readFileSync(marks, 'utf8').trim().split('\n');
  t.same(seen, ['format-started', 'format-cleaned-up'], 'the child got TERM and had finished before the entrypoint exited; no broker');
  t.equal(code, 1, stderr);
  t.match(stderr, /code=STORAGE_FORMAT_INTERRUPTED/);
  oneLine(t, stderr, 'SIGTERM');
});

t.test('a java that is missing or no executable file is exit 2 naming it, never a native abort of execve', async (t) => {
  const dir = t.testdir({ 'not-executable': 'x' });
  for (const [name, args] of [
    ['ZooKeeper mode (exec)', ['--override', 'zookeeper.connect=zk:2181']],
    ['KRaft (format first)', ['--service=kafka', '--controllers=1']],
  ] as const) {
    for (const java of ['/nonexistent/java', path.join(dir, 'not-executable'), dir]) {
      const r = await entrypoint(['--hostname=kafka-0', `--data-dir=${dir}/vol-${name.length}`, `--java=${java}`, ...args]);
      t.equal(r.exitCode, 2, `${name} ${java}: ${r.stderr}`);
      t.match(r.stderr, /code=JAVA_NOT_FOUND/, `${name} ${java}`);
      oneLine(t, r.stderr, name);
      t.notOk(existsSync(`${dir}/vol-${name.length}`), `${name} ${java}: nothing written`);
    }
  }
});

t.test('odd log dirs: a file where the log dir should be is exit 1 naming it; a meta.properties that is no file is exit 2', async (t) => {
  const dir = t.testdir({ 'vol-file': { data: 'not a directory' }, 'vol-fifo': { data: {} }, 'vol-dir': { data: { 'meta.properties': {} } } });
  execFileSync('mkfifo', [path.join(dir, 'vol-fifo/data/meta.properties')]);
  const rows = [
    { name: 'log dir is a file', vol: 'vol-file', exit: 1, code: /^(LOG_DIR_UNREADABLE|META_UNREADABLE)$/, why: /vol-file\/data.*: ENOTDIR/ },
    { name: 'meta.properties is a FIFO', vol: 'vol-fifo', exit: 2, code: /^FILE_NOT_REGULAR$/, why: /meta\.properties/ },
    { name: 'meta.properties is a directory', vol: 'vol-dir', exit: 2, code: /^FILE_NOT_REGULAR$/, why: /meta\.properties/ },
  ];
  for (const row of rows) {
    const started = Date.now();
    const r = await entrypoint([...BASE, `--data-dir=${dir}/${row.vol}`, '--java=/bin/false']);
    t.equal(r.exitCode, row.exit, `${row.name}: ${r.stderr}`);
    t.match(failure(r.stderr)?.fields['code'], row.code, row.name);
    t.match(failure(r.stderr)?.fields['message'], row.why, `${row.name}: names the dir or file`);
    t.ok(Date.now() - started < 5000, `${row.name}: bounded time`);
    oneLine(t, r.stderr, row.name);
    t.notOk(existsSync(`${dir}/${row.vol}/server.properties`), `${row.name}: nothing written`);
  }
});
