// agents-install: the bundle as an init container runs it (into a directory, twice); its plan is in main.test.ts.
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync, lstatSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../harness/servers.ts';
import { failure, parseLogLine } from '../fixtures/log-lines.ts';

const run = promisify(execFile);
const BUNDLE = `${REPO_ROOT}/dist/agents-install.cjs`;
const install = (args: string[]) =>
  run(process.execPath, [BUNDLE, ...args], { timeout: 20_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }),
  );

t.test('copies node and the bundles, runnable; a second run replaces them, a symlink is replaced, not followed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'agents-install-'));
  const victim = join(dir, '..', `victim-${process.pid}`);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.teardown(() => rmSync(victim, { force: true }));
  const src = join(dir, 'app');
  const dst = join(dir, 'agents');
  mkdirSync(src);
  mkdirSync(dst);
  writeFileSync(join(src, 'hello.cjs'), "console.log('hello ' + process.version)\n");
  writeFileSync(join(src, 'agents-install.cjs'), '');
  writeFileSync(victim, 'keep');
  symlinkSync(victim, join(dst, 'hello.cjs'));
  for (const round of [1, 2]) {
    const r = await install([`-from=${src}`, dst]);
    t.equal(r.code, 0, `round ${round}: ${r.stderr}`);
    t.equal(r.stderr.split('\n').length, 2, 'one line');
    const line = parseLogLine(r.stderr.trim());
    t.same([line.event, line.fields['dir'], line.fields['files']], ['agents-install.installed', dst, 'node,hello.cjs']);
    t.match(line.fields, { bytes: /^\d+$/, ms: /^\d+$/ });
  }
  t.same(readdirSync(dst).sort(), ['hello.cjs', 'node'], 'nothing else, no temporary files');
  t.equal(statSync(join(dst, 'node')).mode & 0o777, 0o755);
  t.ok(lstatSync(join(dst, 'hello.cjs')).isFile(), 'the symlink was replaced by a file');
  t.equal(readFileSync(victim, 'utf8'), 'keep', 'its target untouched');
  const hello = await run(join(dst, 'node'), [join(dst, 'hello.cjs')]);
  t.equal(hello.stdout, `hello ${process.version}\n`, 'the copied node runs the copied bundle');
});

t.test('errors: one line, exit 2 for a missing directory or no argument, 1 when there is nothing to copy', async (t) => {
  const missing = await install(['/nonexistent/agents']);
  t.equal(missing.code, 2);
  t.match(
    failure(missing.stderr),
    { event: 'agents-install.failed', fields: { code: 'CONFIG_INVALID', message: /^\/nonexistent\/agents / } },
    'names the directory',
  );
  t.equal(missing.stderr.trim().split('\n').length, 1, 'one line');
  const noArgument = await install([]);
  t.equal(noArgument.code, 2);
  t.equal(failure(noArgument.stderr)?.fields['code'], 'CONFIG_INVALID');
  const relative = await install(['-from=app', empty(t)]);
  t.equal(failure(relative.stderr)?.fields['code'], 'CONFIG_INVALID', 'a relative -from is refused');
  t.match(failure(relative.stderr)?.fields['message'], /^-from /, 'naming -from');
  const dir = empty(t);
  const none = await install([`-from=${dir}`, dir]);
  t.equal(none.code, 1);
  t.match(failure(none.stderr), { event: 'agents-install.failed', fields: { code: 'INSTALL_FAILED', path: dir } });
  const help = await install(['--help']);
  t.match(help.stdout, /^Usage: agents-install \[flags\] <dir>/);
  const json = await install(['-log-format=json', '/nonexistent/agents']);
  t.same(
    JSON.parse(json.stderr) as unknown,
    {
      time: (JSON.parse(json.stderr) as { time: string }).time,
      level: 'error',
      event: 'agents-install.failed',
      code: 'CONFIG_INVALID',
      message: '/nonexistent/agents is not a directory (mount the emptyDir there)',
    },
    '-log-format=json',
  );
});

const empty = (t: { teardown: (fn: () => void) => void }): string => {
  const dir = mkdtempSync(join(tmpdir(), 'agents-install-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};
