import t from 'tap';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loopbackPods, BOOTSTRAP, type LoopbackPod } from '../fixtures/loopback-pods.ts';
import { run, startLogged, killGroup } from '../harness/process.ts';
import { waitFor } from '../harness/wait.ts';
import { hostileTcpServer } from '../fixtures/hostile-tcp.ts';
import { failure, parseLogLine } from '../fixtures/log-lines.ts';

t.before(() => {
  if (!existsSync(BOOTSTRAP)) throw new Error(`${BOOTSTRAP} is missing: run node scripts/build.ts`);
});

// The tests are independent (each its own volumes, ports and processes) and mostly wait on deadlines: side by side.
t.jobs = 4;

// Every file under dir with its content: "nothing changed on disk" is equality of two of these.
const snapshot = (dir: string): Record<string, string> => {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!name.endsWith('.log')) out[path] = readFileSync(path, 'latin1');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
};

const codeOf = (stderr: string): string | undefined => failure(stderr)?.fields.code;

t.test('bad inputs: one line naming the problem, non-zero exit, nothing changed on disk', async (t) => {
  const [zoo0, zoo1] = (await loopbackPods(t, 2)) as [LoopbackPod, LoopbackPod];
  t.equal((await zoo0.init([zoo0])).exitCode, 0);
  const before = snapshot(zoo0.volume);

  const rows = [
    { name: 'myid on the volume disagrees', env: { HOSTNAME: 'zoo-4' }, exit: 2, code: 'ZK_MYID_MISMATCH' },
    { name: 'hostname without an ordinal', env: { HOSTNAME: 'zookeeper' }, exit: 2, code: 'CONFIG_INVALID' },
    { name: 'no secret', env: { ZK_SUPER_SECRET: '' }, exit: 2, code: 'CONFIG_INVALID' },
    { name: 'unreadable secret file', env: { ZK_SUPER_SECRET_FILE: '/nonexistent/secret' }, exit: 2, code: 'ZK_SECRET_UNREADABLE' },
    { name: 'peer list without this pod', env: {}, peers: [zoo1], exit: 2, code: 'ZK_PEERS_WITHOUT_SELF' },
  ];
  for (const row of rows) {
    const r = await zoo0.init(row.peers ?? [zoo0], row.env);
    t.equal(r.exitCode, row.exit, `${row.name}: exit`);
    t.equal(codeOf(r.stderr), row.code, `${row.name}: code`);
    t.equal(r.stderr.trim().split('\n').length, 1, `${row.name}: one line`);
  }
  t.same(snapshot(zoo0.volume), before, 'the volume is unchanged');
});

t.test('-log-format=json: even a config error is one JSON line, with the code and every problem', async (t) => {
  const r = await run([process.execPath, BOOTSTRAP, 'init', '-log-format=json', '-mode=magic', '-client-port=0'], {
    env: { HOSTNAME: 'zoo-0', ZK_SUPER_SECRET: 'x' },
    input: '',
    timeoutMs: 30_000,
  });
  t.equal(r.exitCode, 2);
  const lines = r.stderr.trim().split('\n');
  t.equal(lines.length, 1, 'one line');
  const line = JSON.parse(lines[0] as string) as Record<string, string>;
  t.match(line, { level: 'error', event: 'zk-bootstrap.failed', code: 'CONFIG_INVALID' });
  t.match(line.message, /-mode .*-client-port/, 'names both inputs');
});

t.test('an unwritable data dir is named and nothing is written', async (t) => {
  const [zoo0] = (await loopbackPods(t, 1)) as [LoopbackPod];
  writeFileSync(join(zoo0.volume, 'data'), 'a file where the data dir should be');
  const r = await zoo0.init([zoo0]);
  t.equal(r.exitCode, 1);
  t.equal(codeOf(r.stderr), 'ZK_DIR_UNWRITABLE');
  t.match(failure(r.stderr)?.fields.message, /ZOO_DATA_DIR|ZK_CONF_DIR/, 'the message names the input');
  t.same(
    readdirSync(zoo0.volume).filter((name) => name !== 'tmp'),
    ['data'],
    "nothing but the pod's own tmp dir beside it",
  );
});

t.test('others exist but none serves: init waits, then gives up without founding anything', async (t) => {
  const [zoo0, zoo1] = (await loopbackPods(t, 2)) as [LoopbackPod, LoopbackPod];
  mkdirSync(join(zoo0.volume, 'data'));
  const r = await zoo0.init([zoo0, zoo1], { ZK_WAIT_TIMEOUT: '2s', ZK_TIMEOUT: '500ms' });
  t.equal(r.exitCode, 1);
  t.match(failure(r.stderr), { event: 'zk-bootstrap.failed', fields: { code: 'ZK_ENSEMBLE_UNREACHABLE', waitingFor: 'a-serving-member' } });
  t.same(snapshot(zoo0.volume), {}, 'no myid, no config');
});

// Hostile-input issues 8 (classes 3 and 5): stdin is not trusted.
t.test('a peer list with a NUL byte or 50 MB on stdin: one short line, exit 2, nothing written', async (t) => {
  const [zoo0] = (await loopbackPods(t, 1)) as [LoopbackPod];
  const rows = [
    { name: 'NUL in the only other name', input: `${zoo0.ip}\n127.0.0.9\u0000\n`, code: 'ZK_PEERS_INVALID' },
    { name: 'colon in the only other name', input: `${zoo0.ip}\n127.0.0.9:2181\n`, code: 'ZK_PEERS_INVALID' },
    { name: '50 MB on one line', input: 'x'.repeat(50 * 1024 * 1024), code: 'ZK_PEERS_TOO_LARGE' },
  ];
  for (const row of rows) {
    const r = await run([process.execPath, BOOTSTRAP, 'init'], { input: row.input, env: zoo0.env(), timeoutMs: 30_000 });
    t.equal(r.exitCode, 2, `${row.name}: exit`);
    t.equal(codeOf(r.stderr), row.code, `${row.name}: code`);
    t.equal(r.stderr.trim().split('\n').length, 1, `${row.name}: one line`);
    t.ok(r.stderr.length < 1000, `${row.name}: short (${r.stderr.length} bytes)`);
  }
  t.same(snapshot(zoo0.volume), {}, 'nothing written');
});

// Hostile-input issue 13 item 3: a server command that cannot start is one line with the errno; the spawn
// arguments (the super user's digest) never reach the output, and there is no unhandled rejection or stack.
t.test('run -- a missing or non-executable server: one line, exit 2, no digest, no stack', async (t) => {
  const [zoo0] = (await loopbackPods(t, 1)) as [LoopbackPod];
  t.equal((await zoo0.init([zoo0])).exitCode, 0);
  const notExecutable = join(zoo0.volume, 'java');
  writeFileSync(notExecutable, '#!/bin/sh\n');
  const cases = (['dynamic', 'static'] as const).flatMap((mode) =>
    (
      [
        ['missing', '/nonexistent/java', 'ENOENT'],
        ['not executable', notExecutable, 'EACCES'],
        ['a directory', zoo0.volume, 'EACCES'],
      ] as const
    ).map(([name, command, errno]) => ({ mode, name, command, errno })),
  );
  // Side by side: the dynamic runs find the volume init prepared (nothing to write), each static run has its own dir.
  const results = await Promise.all(
    cases.map(({ mode, command }, i) => {
      const env = zoo0.env(mode === 'static' ? { ZK_MODE: 'static', ZK_REPLICAS: '1', ZK_DOMAIN: 'zk', ZOO_DATA_DIR: join(zoo0.volume, `static-${i}`) } : {});
      return run([process.execPath, BOOTSTRAP, 'run', '--', command, '-cp', 'x', 'Main'], { env, timeoutMs: 30_000 });
    }),
  );
  for (const [i, { mode, name, errno }] of cases.entries()) {
    const r = results[i]!;
    const what = `${name} (${mode})`;
    t.equal(r.exitCode, 2, `${what}: exit 2`);
    t.equal(codeOf(r.stderr), 'CHILD_COMMAND_INVALID', `${what}: code`);
    t.match(failure(r.stderr), { event: 'zk-bootstrap.failed', fields: { code: 'CHILD_COMMAND_INVALID', errno } }, `${what}: the errno`);
    t.equal(r.stderr.split('\n').filter((l) => l.startsWith('ERROR')).length, 1, `${what}: one error line`);
    t.notMatch(r.stderr + r.stdout, /superDigest|spawnargs|\n\s+at |test-secret/, `${what}: no digest, no secret, no stack`);
  }
});

// Hostile-input issue 13 item 5: `run` waited forever on a server that ignores SIGTERM.
t.test('run: a server that ignores SIGTERM is killed after -stop-grace', async (t) => {
  const [zoo0] = (await loopbackPods(t, 1)) as [LoopbackPod];
  const env = zoo0.env({ ZK_MODE: 'static', ZK_REPLICAS: '1', ZK_DOMAIN: 'zk', ZK_STOP_GRACE: '500ms' });
  // The server says when its trap is set ($0 is the file it touches); SIGTERM before that would simply kill it.
  const trapped = join(zoo0.volume, 'trapped');
  const started = startLogged(
    [process.execPath, BOOTSTRAP, 'run', '--', 'sh', '-c', 'trap "" TERM; touch "$0"; while :; do sleep 0.05; done', trapped],
    join(zoo0.volume, 'run.log'),
    env,
  );
  t.teardown(() => killGroup(started.child, 'SIGKILL'));
  await waitFor('the server to ignore SIGTERM', () => existsSync(trapped), { timeoutMs: 20_000, intervalMs: 20 });
  const stopAt = Date.now();
  started.child.kill('SIGTERM');
  // unref: the fallback must not keep this file's process alive 10 s after the test (it did).
  const exit = await Promise.race([started.exited, new Promise((r) => setTimeout(() => r('still running'), 10_000).unref())]);
  t.same(exit, { exitCode: 137, signal: null }, 'the server was killed, its 128+9 is the exit code');
  t.ok(Date.now() - stopAt < 3000, `exited ${Date.now() - stopAt}ms after SIGTERM`);
  t.ok(
    readFileSync(join(zoo0.volume, 'run.log'), 'utf8')
      .split('\n')
      .some((line) => parseLogLine(line).event === 'supervise.kill'),
    'the kill is logged',
  );
});

// Hostile-input issue 13 item 2: a member that accepts TCP but never answers (a SIGSTOPped server) kept init alive
// ~2 minutes past its deadline, until the peer hung up. Every ZooKeeper connection is destroyed at the deadline.
t.test('a silent member: init gives up at -wait-timeout and exits, it does not wait for the peer to hang up', async (t) => {
  const [zoo0] = (await loopbackPods(t, 1)) as [LoopbackPod];
  const silent = await hostileTcpServer(t, { kind: 'silent' });
  const started = Date.now();
  const r = await run([process.execPath, BOOTSTRAP, 'init'], {
    input: `${zoo0.ip}\n${silent.host}\n`,
    env: zoo0.env({ ZK_CLIENT_PORT: String(silent.port), ZK_WAIT_TIMEOUT: '2s', ZK_TIMEOUT: '500ms' }),
    timeoutMs: 60_000,
  });
  const ms = Date.now() - started;
  t.equal(r.exitCode, 1);
  t.equal(codeOf(r.stderr), 'ZK_ENSEMBLE_UNREACHABLE');
  t.ok(silent.connections() > 0, 'the silent member was dialled');
  t.ok(ms < 2000 + 500 + 1500, `exited ${ms}ms after start (deadline 2s, one call 500ms, node start-up)`);
});
