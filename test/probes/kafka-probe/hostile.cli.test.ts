// kafka-probe against hostile inputs and peers, through the built bundle: huge or endless input files, durations
// past a timer's range, ids past int32, and servers that announce frames larger than a probe should hold.
// Exit 0/1/2 as documented, one line, bounded time and memory.
import t from 'tap';
import { failure } from '../../fixtures/log-lines.ts';
import { execFileSync } from 'node:child_process';
import { existsSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from '../../harness/process.ts';
import { REPO_ROOT } from '../../harness/servers.ts';
import { hostileTcpServer } from '../../fixtures/hostile-tcp.ts';

const BUNDLE = `${REPO_ROOT}/dist/kafka-probe.cjs`;
// Under /usr/bin/time: its last stderr line is the probe's peak RSS.
const probe = (args: string[]) =>
  run(['/usr/bin/time', '-f', 'maxrss_kb=%M', process.execPath, BUNDLE, ...args], { env: { PATH: process.env.PATH ?? '' }, timeoutMs: 20_000 });
const maxRssMb = (stderr: string): number => Number(/maxrss_kb=(\d+)/.exec(stderr)?.[1] ?? NaN) / 1024;

t.before(() => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run node scripts/build.ts`);
});

t.test('input files that are huge, FIFOs or /dev/zero are refused at once (exit 2), well inside -timeout', async (t) => {
  const dir = t.testdir({ 'server.properties': 'node.id=0\nprocess.roles=broker\nlisteners=PLAINTEXT://:9092\n' });
  const big = path.join(dir, 'big.properties');
  writeFileSync(big, '');
  truncateSync(big, 200 * 1024 * 1024);
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const rows = [
    { name: '-config 200 MB', args: [`--config=${big}`], why: /larger than 1048576 bytes/ },
    { name: '-config FIFO', args: [`--config=${fifo}`], why: /not a regular file/ },
    { name: '-config /dev/zero', args: ['--config=/dev/zero'], why: /not a regular file/ },
    { name: '-command-config FIFO', args: [`--config=${dir}/server.properties`, `--command-config=${fifo}`], why: /-command-config .* \(not a regular file\)/ },
  ];
  for (const row of rows) {
    const started = Date.now();
    const r = await probe(['ready', '--timeout=2s', ...row.args]);
    t.equal(r.exitCode, 2, `${row.name}: ${r.stderr}`);
    t.match(failure(r.stderr), { event: 'kafka-probe.failed', fields: { code: 'CONFIG_INVALID' } }, row.name);
    t.match(failure(r.stderr)?.fields['message'], row.why, row.name);
    t.ok(Date.now() - started < 2000, `${row.name}: within -timeout (${Date.now() - started} ms)`);
    t.ok(maxRssMb(r.stderr) < 120, `${row.name}: peak RSS ${maxRssMb(r.stderr).toFixed(0)} MB`);
  }
});

t.test('durations past the allowed range and ids past int32 are usage errors (exit 2), never a 1 ms deadline', async (t) => {
  const rows = [
    { name: 'timeout past a timer', args: ['--timeout=999999999h'], why: /-timeout takes a Go duration from 1ms to 1h0m0s, .*got "999999999h"/ },
    { name: 'timeout zero', args: ['--timeout=0s'], why: /-timeout takes a Go duration from 1ms to 1h0m0s, .*got "0s"/ },
    { name: 'max-lag past a timer', args: ['--max-lag=3000h'], why: /-max-lag takes a Go duration from 1ms to 1h0m0s, .*got "3000h"/ },
    { name: 'node id past int32', args: ['--node-id=99999999999'], why: /-node-id takes an integer 0-2147483647, got "99999999999"/ },
  ];
  for (const row of rows) {
    const r = await probe(['ready', '--bootstrap=127.0.0.1:1', '--node-id=0', ...row.args]);
    t.equal(r.exitCode, 2, `${row.name}: ${r.stderr}`);
    t.match(failure(r.stderr), { event: 'kafka-probe.failed', fields: { code: 'CONFIG_INVALID' } }, row.name);
    t.match(failure(r.stderr)?.fields['message'], row.why, row.name);
  }
});

t.test('a server announcing a frame past the cap is refused before it is buffered: bounded time and memory', async (t) => {
  const rows = [
    // 60 MiB announced and sent: the probe used to buffer it all (~250 MB peak).
    { name: '60 MiB frame', length: 60 * 1024 * 1024, body: Buffer.alloc(60 * 1024 * 1024, 1) },
    { name: '2 GB length prefix', length: 2 ** 31, body: Buffer.alloc(0) },
    { name: '4 GB - 1 length prefix', length: 2 ** 32 - 1, body: Buffer.alloc(0) },
  ];
  for (const row of rows) {
    const server = await hostileTcpServer(t, { kind: 'length-prefix', length: row.length, body: row.body });
    for (const check of ['live', 'ready']) {
      const started = Date.now();
      const r = await probe([check, `--bootstrap=${server.host}:${server.port}`, '--node-id=0', '--timeout=5s']);
      const ms = Date.now() - started;
      t.equal(r.exitCode, 1, `${row.name} ${check}: ${r.stdout}`);
      t.match(r.stdout, /fail: .*frame of -?\d+ bytes/, `${row.name} ${check}: says why`);
      t.equal(r.stdout.split('\n').length, 2, 'one line');
      t.ok(ms < 3000, `${row.name} ${check}: refused before the deadline (${ms} ms)`);
      t.ok(maxRssMb(r.stderr) < 120, `${row.name} ${check}: peak RSS ${maxRssMb(r.stderr).toFixed(0)} MB`);
    }
  }
});
