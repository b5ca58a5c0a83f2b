import t from 'tap';
import { failure } from '../fixtures/log-lines.ts';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { once } from 'node:events';
import { run } from '../harness/process.ts';
import { REPO_ROOT } from '../harness/servers.ts';
import { httpGet } from '../harness/http.ts';
import { freePorts } from '../harness/ports.ts';
import { waitFor } from '../harness/wait.ts';
import { withLoadedBuiltins } from '../fixtures/loaded-builtins.ts';
import { SPECS, LEAVE_SPECS } from '../../kafka-entrypoint/inputs.ts';

const BUNDLE = `${REPO_ROOT}/dist/kafka-entrypoint.cjs`;
const entrypoint = (args: string[], env: Record<string, string> = {}) =>
  run([process.execPath, BUNDLE, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeoutMs: 20_000 });

const tempDir = async (t: { teardown: (fn: () => unknown) => void }): Promise<string> => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kafka-entrypoint-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
};

t.before(() => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run node scripts/build.ts`);
});

t.test('--help names every flag, the env vars and the exit codes', async (t) => {
  const r = await entrypoint(['--help']);
  t.equal(r.exitCode, 0);
  for (const f of Object.values(SPECS)) t.match(r.stdout, `-${f.name}`, f.name);
  for (const word of ['KAFKA_HEAP_OPTS', 'KAFKA_OPTS', 'KAFKA_PORT', 'Exit codes:', '  2  ']) t.match(r.stdout, word);
});

t.test('usage errors exit 2 with one line naming the input, and touch nothing on disk', async (t) => {
  const dir = await tempDir(t);
  const data = path.join(dir, 'vol');
  const rows = [
    { name: 'hostname without ordinal', args: ['--hostname=kafka'], env: {} },
    { name: 'bad override syntax', args: ['--hostname=kafka-0', '--override', 'oops'], env: {} },
    { name: 'bad env name', args: ['--hostname=kafka-0', '--controllers=1'], env: { KAFKA_LOG____DIRS: 'x' } },
    { name: 'missing zookeeper.connect', args: ['--hostname=kafka-0', '--mode=zookeeper'], env: {} },
    { name: 'unknown flag', args: ['--hostname=kafka-0', '--bogus=1'], env: {} },
  ];
  for (const row of rows) {
    const r = await entrypoint([...row.args, `--data-dir=${data}`], row.env);
    t.equal(r.exitCode, 2, `${row.name}: ${r.stderr}`);
    t.equal(r.stderr.trim().split('\n').length, 1, `${row.name}: one line`);
    t.match(r.stderr, /code=CONFIG_INVALID/, row.name);
  }
  t.notOk(existsSync(data), 'the data dir was never created');
});

t.test('-log-format=json (or LOG_FORMAT=json) applies to the config error itself, for the start and for leave', async (t) => {
  for (const [name, args, env] of [
    ['start, flag', ['--log-format=json', '--hostname=kafka-0', '--port=x'], {}],
    ['start, env', ['--hostname=kafka-0', '--port=x'], { LOG_FORMAT: 'json' }],
    ['leave, flag', ['leave', '--log-format=json', '--hostname=ctrl-0', '--timeout=0s'], {}],
  ] as const) {
    const r = await entrypoint([...args], { ...env });
    t.equal(r.exitCode, 2, name);
    const line = JSON.parse(r.stderr.trim()) as Record<string, unknown>;
    t.match(line, { event: 'kafka-entrypoint.failed', code: 'CONFIG_INVALID' }, name);
    t.match(line['message'], name.startsWith('leave') ? /-timeout/ : /-port/, `${name}: names the input`);
  }
});

t.test('a meta.properties with another cluster id is refused and the volume is left byte-identical', async (t) => {
  const dir = await tempDir(t);
  const meta = 'version=1\nnode.id=0\ncluster.id=q1Sh-9_ISia_zwGINzRvyQ\ndirectory.id=abcdefghijklmnopqrstuv\n';
  await mkdir(path.join(dir, 'data'), { recursive: true });
  await writeFile(path.join(dir, 'data/meta.properties'), meta);
  const r = await entrypoint(['--hostname=kafka-0', '--service=kafka', '--controllers=1', `--data-dir=${dir}`, '--cluster-id=MkU3OEVBNTcwNTJENDM2Qg']);
  t.equal(r.exitCode, 2, r.stderr);
  t.match(r.stderr, /code=CLUSTER_ID_MISMATCH/);
  t.match(r.stderr.trim().split('\n').at(-1), /CLUSTER_ID=q1Sh-9_ISia_zwGINzRvyQ/, 'the error names the fix');
  t.equal(await readFile(path.join(dir, 'data/meta.properties'), 'utf8'), meta);
  t.same(await readdir(dir), ['data'], 'no server.properties written');
});

t.test('a meta.properties of another node id is refused', async (t) => {
  const dir = await tempDir(t);
  await mkdir(path.join(dir, 'data'), { recursive: true });
  await writeFile(path.join(dir, 'data/meta.properties'), 'version=0\nbroker.id=1\n');
  const r = await entrypoint(['--hostname=kafka-2', `--data-dir=${dir}`, '--override', 'zookeeper.connect=zk:2181']);
  t.equal(r.exitCode, 2);
  t.match(r.stderr, /code=NODE_ID_MISMATCH/);
});

t.test('--dry-run prints server.properties and the commands, writes nothing', async (t) => {
  const dir = await tempDir(t);
  const r = await entrypoint(['--hostname=kafka-1', '--service=kafka', '--controllers=3', `--data-dir=${dir}/vol`, '--dry-run', '--libs=/opt/kafka/libs'], {
    KAFKA_PORT: 'tcp://10.0.0.1:9092',
    KAFKA_SSL_KEYSTORE_PASSWORD: 'hunter2',
  });
  t.equal(r.exitCode, 0, r.stderr);
  t.match(r.stdout, /^node\.id=1$/m);
  t.match(r.stdout, /^ssl\.keystore\.password=hunter2$/m, 'the file itself keeps the secret');
  t.notMatch(r.stderr, /hunter2/, 'the printed config redacts it');
  t.match(r.stderr, /kafka-entrypoint\.config key=ssl\.keystore\.password value=\[redacted\] source="env KAFKA_SSL_KEYSTORE_PASSWORD"/);
  t.match(r.stderr, /kafka-entrypoint\.service-links-ignored names=KAFKA_PORT/);
  t.match(r.stderr, /kafka-entrypoint\.would-format command=.*kafka\.tools\.StorageTool format --cluster-id=/);
  t.notOk(existsSync(`${dir}/vol`));
});

t.test('leave --help names its flags and exit codes', async (t) => {
  const r = await entrypoint(['leave', '--help']);
  t.equal(r.exitCode, 0);
  for (const f of Object.values(LEAVE_SPECS)) t.match(r.stdout, `-${f.name}`, f.name);
  t.match(r.stdout, /LAST_VOTER/);
});

t.test('leave: bad inputs exit 2 with one line naming the input', async (t) => {
  const dir = await tempDir(t);
  const rows = [
    { name: 'hostname without ordinal', args: ['--hostname=ctrl', `--config=${dir}/server.properties`], code: 'CONFIG_INVALID' },
    { name: 'unknown flag', args: ['--hostname=ctrl-0', '--bogus'], code: 'CONFIG_INVALID' },
    { name: 'no server.properties', args: ['--hostname=ctrl-0', `--config=${dir}/missing.properties`], code: 'LEAVE_NO_CONFIG' },
    { name: 'timeout past a timer', args: ['--hostname=ctrl-0', '--timeout=999999999h'], code: 'CONFIG_INVALID' },
    { name: 'relative -config', args: ['--hostname=ctrl-0', '--config=server.properties'], code: 'CONFIG_INVALID' },
    { name: 'server.properties is a FIFO-like non-file', args: ['--hostname=ctrl-0', '--config=/dev/zero'], code: 'LEAVE_NO_CONFIG' },
  ];
  for (const row of rows) {
    const r = await entrypoint(['leave', ...row.args]);
    t.equal(r.exitCode, 2, `${row.name}: ${r.stderr}`);
    t.equal(r.stderr.trim().split('\n').length, 1, `${row.name}: one line`);
    t.match(r.stderr, `code=${row.code}`, row.name);
  }
});

t.test('a bad -command-config (missing file, unsupported mechanism or protocol) is exit 2, one line naming the flag, file and fix', async (t) => {
  const dir = await tempDir(t);
  await writeFile(path.join(dir, 'gssapi.properties'), 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=GSSAPI\n');
  await writeFile(path.join(dir, 'bogus.properties'), 'security.protocol=QUIC\n');
  const rows = [
    { name: 'missing file', file: `${dir}/missing.properties`, problem: /-command-config \S+missing\.properties cannot be read \(ENOENT\)/ },
    { name: 'a directory', file: dir, problem: /-command-config \S+ cannot be read \(not a regular file\)/ },
    {
      name: 'unsupported sasl.mechanism',
      file: `${dir}/gssapi.properties`,
      problem: /sasl\.mechanism=GSSAPI: supported are PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/,
    },
    {
      name: 'unsupported security.protocol',
      file: `${dir}/bogus.properties`,
      problem: /security\.protocol=QUIC: use one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL/,
    },
  ];
  for (const row of rows) {
    for (const [what, args] of [
      ['start', ['--hostname=kafka-0', `--data-dir=${dir}/vol`, `--command-config=${row.file}`]],
      ['leave', ['leave', '--hostname=ctrl-0', `--command-config=${row.file}`]],
    ] as const) {
      const r = await entrypoint([...args]);
      t.equal(r.exitCode, 2, `${what}, ${row.name}: ${r.stderr}`);
      t.equal(r.stderr.trim().split('\n').length, 1, `${what}, ${row.name}: one line`);
      t.match(r.stderr, row.problem, `${what}, ${row.name}`);
      t.notMatch(r.stderr, /\n\s+at /, `${what}, ${row.name}: no stack`);
    }
  }
  t.notOk(existsSync(`${dir}/vol`), 'nothing written');
});

t.test('leave keeps the vote without asking anyone when the pod is not being scaled away', async (t) => {
  const dir = await tempDir(t);
  const controller =
    'node.id=1\nprocess.roles=controller\nlisteners=CONTROLLER://:9093\ncontroller.listener.names=CONTROLLER\ncontroller.quorum.bootstrap.servers=ctrl-0.ctrl:9093\nlog.dirs=/nonexistent\n';
  await writeFile(path.join(dir, 'controller.properties'), controller);
  await writeFile(path.join(dir, 'broker.properties'), controller.replace('process.roles=controller', 'process.roles=broker'));
  await writeFile(path.join(dir, 'desired'), '3\n');
  const rows = [
    {
      name: 'ordinal below the desired count (a restart)',
      args: ['--hostname=ctrl-1', `--config=${dir}/controller.properties`, `--controllers-file=${dir}/desired`],
      reason: /ordinal 1 < 3/,
    },
    {
      name: 'desired count unreadable',
      args: ['--hostname=ctrl-1', `--config=${dir}/controller.properties`, `--controllers-file=${dir}/nope`],
      reason: /cannot tell a scale-down from a restart/,
    },
    { name: 'a broker', args: ['--hostname=kafka-5', `--config=${dir}/broker.properties`], reason: /not a controller/ },
  ];
  for (const row of rows) {
    const r = await entrypoint(['leave', ...row.args]);
    t.equal(r.exitCode, 0, `${row.name}: ${r.stderr}`);
    t.match(r.stderr, /decision=stay/, row.name);
    t.match(r.stderr, row.reason, row.name);
  }
});

// A stand-in java that records its arguments and exits 0: the format and the broker "run" without a JVM.
const fakeJava = async (dir: string): Promise<{ java: string; calls: () => Promise<string[]> }> => {
  const java = path.join(dir, 'java');
  const log = path.join(dir, 'java-calls');
  await writeFile(java, `#!/bin/sh\necho "$*" >> '${log}'\n`, { mode: 0o755 });
  return { java, calls: async () => (existsSync(log) ? (await readFile(log, 'utf8')).trim().split('\n') : []) };
};

const snapshot = async (root: string): Promise<string[]> => {
  const out: string[] = [];
  for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
    const p = path.join(e.parentPath, e.name);
    out.push(`${path.relative(root, p)}${e.isDirectory() ? '/' : `=${await readFile(p, 'latin1')}`}`);
  }
  return out.sort();
};

t.test('a log dir with data but no meta.properties is refused (exit 2), never formatted, and left untouched', async (t) => {
  const dir = await tempDir(t);
  const { java, calls } = await fakeJava(dir);
  const vol = path.join(dir, 'vol');
  await mkdir(path.join(vol, 'data/__cluster_metadata-0'), { recursive: true });
  await mkdir(path.join(vol, 'data/orders-0'));
  await writeFile(path.join(vol, 'data/__cluster_metadata-0/00000000000000000000.log'), 'records');
  await writeFile(path.join(vol, 'data/orders-0/00000000000000000000.log'), 'messages');
  await writeFile(path.join(vol, 'data/bootstrap.checkpoint'), 'x');
  const before = await snapshot(vol);
  for (const extra of [[], ['--dry-run']]) {
    const r = await entrypoint(['--hostname=kafka-0', '--service=kafka', '--controllers=1', `--data-dir=${vol}`, `--java=${java}`, ...extra]);
    t.equal(r.exitCode, 2, r.stderr);
    t.match(r.stderr, /code=LOG_DIR_NOT_EMPTY/);
    t.match(failure(r.stderr)?.fields['message'], /"__cluster_metadata-0\/", "orders-0\/"/, 'names what was found');
  }
  t.same(await snapshot(vol), before, 'volume byte-identical, no server.properties');
  t.same(await calls(), [], 'java never ran');
});

t.test('a restart with a given cluster id execs the JVM without loading node:crypto, node:child_process or node:fs/promises', async (t) => {
  const dir = await tempDir(t);
  const vol = path.join(dir, 'vol');
  await mkdir(path.join(vol, 'data'), { recursive: true });
  await writeFile(path.join(vol, 'data/meta.properties'), 'version=1\nnode.id=0\ncluster.id=MkU3OEVBNTcwNTJENDM2Qg\ndirectory.id=abcdefghijklmnopqrstuv\n');
  const loaded = path.join(dir, 'loaded');
  const r = await run(
    [
      ...withLoadedBuiltins(loaded),
      BUNDLE,
      '--hostname=kafka-0',
      '--service=kafka',
      '--controllers=1',
      '--cluster-id=MkU3OEVBNTcwNTJENDM2Qg',
      `--data-dir=${vol}`,
      '--java=/bin/true',
    ],
    { timeoutMs: 20_000 },
  );
  t.equal(r.exitCode, 0, r.stderr);
  const names = (await readFile(loaded, 'utf8')).split('\n');
  for (const name of ['crypto', 'child_process', 'fs/promises']) t.notOk(names.includes(name), `${name} not loaded`);
});

t.test('a log dir holding only lost+found is formatted, then the broker started', async (t) => {
  const dir = await tempDir(t);
  const { java, calls } = await fakeJava(dir);
  await mkdir(path.join(dir, 'vol/data/lost+found'), { recursive: true });
  const r = await entrypoint(['--hostname=kafka-0', '--service=kafka', '--controllers=1', `--data-dir=${dir}/vol`, `--java=${java}`]);
  t.equal(r.exitCode, 0, r.stderr);
  const [format, broker] = await calls();
  t.match(format, /kafka\.tools\.StorageTool format --cluster-id=/);
  t.match(broker, /kafka\.Kafka .*server\.properties$/);
});

// A stand-in broker JVM that runs until SIGTERM and then exits 7 (a code no signal gives), or ignores SIGTERM; the
// fake format exits 0.
const fakeLongJava = async (dir: string, onTerm = 'process.exit(7)'): Promise<{ java: string; calls: () => Promise<string[]> }> => {
  const java = path.join(dir, 'java');
  const log = path.join(dir, 'java-calls');
  // It says when its handler is in place: a SIGTERM before that would kill it with 143 instead.
  const broker = `exec '${process.execPath}' -e "process.on('SIGTERM', () => ${onTerm}); require('fs').writeFileSync('${dir}/jvm-ready', ''); setInterval(() => {}, 1000)"`;
  await writeFile(java, `#!/bin/sh\necho "$*" >> '${log}'\ncase "$*" in *kafka.Kafka*) ${broker};; esac\n`, { mode: 0o755 });
  return { java, calls: async () => (existsSync(log) ? (await readFile(log, 'utf8')).trim().split('\n') : []) };
};

t.test(
  'with -health-port the entrypoint stays the JVM parent and serves /status, /livez and /readyz; SIGTERM reaches the JVM and its exit code passes through',
  async (t) => {
    const dir = await tempDir(t);
    const { java } = await fakeLongJava(dir);
    const [port] = await freePorts(1);
    const child = spawn(
      process.execPath,
      [BUNDLE, '--hostname=kafka-0', '--service=kafka', '--controllers=1', `--data-dir=${dir}/vol`, `--java=${java}`, '--health-timeout=500ms'],
      {
        env: { PATH: process.env.PATH ?? '', KAFKA_HEALTH_PORT: String(port) },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    t.teardown(() => child.kill('SIGKILL'));
    const url = `http://127.0.0.1:${port}`;
    const status = await waitFor(
      '/status with the JVM pid',
      async () => {
        const r = await httpGet(`${url}/status`, 1000);
        return r.status === 200 && JSON.parse(r.body).jvm.pid !== null && existsSync(`${dir}/jvm-ready`) ? JSON.parse(r.body) : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    t.match(status, { agent: 'kafka-entrypoint', 'node.id': 0, roles: ['broker', 'controller'], quorum: 'static' });
    t.match(readFileSync(`/proc/${status.jvm.pid}/status`, 'utf8'), new RegExp(`^PPid:\\s+${child.pid}$`, 'm'), 'the JVM is the entrypoint child');
    // Nothing listens on 9092/9093 here: the probes' own verdicts, refused at once.
    const live = await httpGet(`${url}/livez`, 2000);
    t.equal(live.status, 503);
    t.match(live.body, /^live fail: 127\.0\.0\.1:9093: .*\[KAFKA_UNREACHABLE\]/);
    const ready = await httpGet(`${url}/readyz`, 2000);
    t.equal(ready.status, 503);
    t.match(ready.body, /^ready fail: 127\.0\.0\.1:9092: /);
    t.match(stderr, new RegExp(`kafka-entrypoint\\.health-endpoints port=${port} `));
    t.match(stderr, /kafka-entrypoint\.supervise .*why="health endpoints on port/);
    const stopped = Date.now();
    child.kill('SIGTERM');
    const [code] = await exited;
    t.equal(code, 7, "the JVM's exit code is the entrypoint's");
    t.ok(Date.now() - stopped < 3000, `stopped ${Date.now() - stopped} ms after SIGTERM`);
    t.match(stderr, /kafka-entrypoint\.jvm-exited code=7 stopSignal=SIGTERM/);
    t.equal((await httpGet(`${url}/livez`, 1000)).status, 0, 'the port is closed with the JVM');
  },
);

t.test('a taken -health-port stops the start with exit 2 naming the port, before anything is written or run', async (t) => {
  const dir = await tempDir(t);
  const { java, calls } = await fakeJava(dir);
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, resolve));
  t.teardown(() => new Promise((resolve) => holder.close(resolve)));
  const port = (holder.address() as net.AddressInfo).port;
  const r = await entrypoint(['--hostname=kafka-0', '--service=kafka', '--controllers=1', `--data-dir=${dir}/vol`, `--java=${java}`, `--health-port=${port}`]);
  t.equal(r.exitCode, 2, r.stderr);
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  t.match(last, /code=HEALTH_PORT_UNAVAILABLE/);
  t.match(last, new RegExp(`port ${port}: EADDRINUSE`));
  t.same(await calls(), [], 'neither the format nor the JVM ran');
  t.notOk(existsSync(`${dir}/vol/server.properties`), 'nothing written');
});

t.test('a supervised JVM that ignores SIGTERM gets SIGKILL after -stop-grace, and the entrypoint exits 137', async (t) => {
  const dir = await tempDir(t);
  const { java } = await fakeLongJava(dir, '{}');
  const [port] = await freePorts(1);
  const child = spawn(
    process.execPath,
    [BUNDLE, '--hostname=kafka-0', '--service=kafka', '--controllers=1', `--data-dir=${dir}/vol`, `--java=${java}`, `--health-port=${port}`],
    {
      env: { PATH: process.env.PATH ?? '', KAFKA_STOP_GRACE: '300ms' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  t.teardown(() => child.kill('SIGKILL'));
  await waitFor('the fake JVM ready', () => existsSync(`${dir}/jvm-ready`), { timeoutMs: 15_000, intervalMs: 100 });
  const stopped = Date.now();
  child.kill('SIGTERM');
  const [code] = await exited;
  t.equal(code, 137, stderr.split('\n').slice(-3).join('\n'));
  t.ok(Date.now() - stopped < 3000, `gone ${Date.now() - stopped} ms after SIGTERM`);
  t.match(stderr, /supervise\.kill .*still running 300ms after the stop signal/);
});
