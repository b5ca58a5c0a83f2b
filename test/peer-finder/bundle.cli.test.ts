import t from 'tap';
import { failure, parseLogLine } from '../fixtures/log-lines.ts';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../harness/process.ts';
import { REPO_ROOT } from '../harness/servers.ts';
import { withLoadedBuiltins } from '../fixtures/loaded-builtins.ts';
import { waitFor } from '../harness/wait.ts';
import { SPECS } from '../../peer-finder/flags.ts';
import { startDnsmasq, srvRecords, kubeletResolvConf } from '../fixtures/loopback-dnsmasq.ts';
import { hostileDnsServer, response, srvRecord, pointerLoopRecord } from '../fixtures/hostile-dns.ts';
import { execFileSync } from 'node:child_process';

const BUNDLE = `${REPO_ROOT}/dist/peer-finder.cjs`;
t.before(() => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run node scripts/build.ts`);
});

// The tests are independent (each its own dir, DNS server and processes) and mostly wait on -timeout or polls:
// side by side.
t.jobs = 4;

type Setup = { dir: string; resolvConf: string; recorder: string; stdinFile: string };
// A scratch dir with a kubelet-shaped resolv.conf and an on-start script that records its stdin and arguments.
const setup = (t: { teardown: (fn: () => void) => void }): Setup => {
  const dir = mkdtempSync(join(tmpdir(), 'pf-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const resolvConf = join(dir, 'resolv.conf');
  writeFileSync(resolvConf, kubeletResolvConf());
  const recorder = join(dir, 'on-start.sh');
  writeFileSync(recorder, `#!/bin/sh\nprintf '%s|' "$@" > ${dir}/args\ncat >> ${dir}/stdin\necho --- >> ${dir}/stdin\necho "hook ran for $PEER_FINDER_SELF"\n`);
  chmodSync(recorder, 0o755);
  return { dir, resolvConf, recorder, stdinFile: join(dir, 'stdin') };
};
const peerFinder = (args: readonly string[], env: Record<string, string> = {}) =>
  run([process.execPath, BUNDLE, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeoutMs: 20_000 });
const local = (s: Setup, port: number): string[] => [`-resolv-conf=${s.resolvConf}`, `-dns-port=${port}`, '-hostname=zoo-1'];
const fqdn = (i: number): string => `zoo-${i}.zk.default.svc.cluster.local`;
const logLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => /^(WARN |ERROR )?peer-finder\./.test(l))
    .map(parseLogLine);
const events = (stderr: string): string[] => logLines(stderr).map((l) => l.event);
const logLine = (stderr: string, event: string) => logLines(stderr).find((l) => l.event === event);
const hookRuns = (s: Setup): string[] => (existsSync(s.stdinFile) ? readFileSync(s.stdinFile, 'utf8').split('---\n').filter(Boolean) : []);

t.test('--help lists every flag, the env vars and the exit codes', async (t) => {
  const result = await peerFinder(['--help']);
  t.equal(result.exitCode, 0);
  for (const flag of Object.values(SPECS)) t.match(result.stdout, `  -${flag.name} `, flag.name);
  for (const word of ['POD_NAMESPACE', 'POD_IP', 'PEER_FINDER_SELF', 'PEER_FINDER_ORDINAL', 'PEER_FINDER_MEMBER_COUNT']) t.match(result.stdout, word);
  t.match(result.stdout, /Exit codes:\n\s+0 .*\n\s+1 .*\n\s+2 /);
});

t.test('bad flags exit 2 with one line naming every problem', async (t) => {
  const rows = [
    { name: 'unknown flag', args: ['-on-start=x', '-service=zk', '-domain=cluster.local', '-ns=default', '-bogus'], match: /unknown flag -bogus/ },
    {
      name: 'no hook, bad duration',
      args: ['-service=zk', '-timeout=soon', '-domain=cluster.local', '-ns=default'],
      match: /-timeout .*-on-start or -on-change/,
    },
    { name: '-domain without a namespace', args: ['-on-start=x', '-service=zk', '-domain=cluster.local'], match: /namespace is unknown/ },
  ];
  for (const row of rows) {
    const result = await peerFinder(row.args);
    t.equal(result.exitCode, 2, row.name);
    t.equal(result.stderr.trimEnd().split('\n').length, 1, `${row.name}: one line`);
    t.match(result.stderr, row.match, row.name);
    t.match(result.stderr, /code=CONFIG_INVALID/, row.name);
  }
});

t.test("runs the seed manifest's exact arguments: on-start gets the sorted list with a final newline, then exit 0", async (t) => {
  const s = setup(t);
  const dns = await startDnsmasq(t, srvRecords('zk', 'zoo', [2, 0, 1]));
  const result = await peerFinder([`-on-start="${s.recorder}"`, '-service=zk', ...local(s, dns.port)], { POD_NAMESPACE: 'default' });
  t.equal(result.exitCode, 0, result.stderr);
  t.same(hookRuns(s), [`${fqdn(0)}\n${fqdn(1)}\n${fqdn(2)}\n`]);
  t.match(result.stdout, `hook ran for ${fqdn(1)}`, 'the hook output is shown');
  t.same(events(result.stderr), ['peer-finder.starting', 'peer-finder.peers-updated', 'peer-finder.exiting']);
  t.match(logLine(result.stderr, 'peer-finder.peers-updated')?.fields, { hook: 'on-start', count: '3' });
});

t.test('passes quotes and arguments in the hook string to the shell, as the original', async (t) => {
  const s = setup(t);
  const dns = await startDnsmasq(t, srvRecords('zk', 'zoo', [0, 1]));
  const result = await peerFinder([`-on-start="${s.recorder}" 'two words' "it's" three`, '-service=zk', '-ns=default', ...local(s, dns.port)]);
  t.equal(result.exitCode, 0, result.stderr);
  t.equal(readFileSync(join(s.dir, 'args'), 'utf8'), "two words|it's|three|");
});

t.test('a failing hook exits 1 with its output shown', async (t) => {
  const s = setup(t);
  const dns = await startDnsmasq(t, srvRecords('zk', 'zoo', [1]));
  const result = await peerFinder(['-on-start=echo "zk failed to start" >&2; exit 4', '-service=zk', '-ns=default', ...local(s, dns.port)]);
  t.equal(result.exitCode, 1);
  t.match(result.stderr, 'zk failed to start');
  t.match(failure(result.stderr), { event: 'peer-finder.failed', fields: { code: 'HOOK_FAILED', message: /on-start hook failed/, exitCode: '4' } });
});

t.test('-timeout expiry exits 1 naming what was missing', async (t) => {
  const s = setup(t);
  const dns = await startDnsmasq(t, srvRecords('zk', 'zoo', [0, 2]));
  const result = await peerFinder(['-on-start=true', '-service=zk', '-ns=default', '-timeout=1500ms', '-poll-period=200ms', ...local(s, dns.port)]);
  t.equal(result.exitCode, 1);
  t.match(failure(result.stderr), {
    event: 'peer-finder.failed',
    fields: { code: 'PEERS_TIMEOUT', missing: new RegExp(`^this pod \\(${fqdn(1)}\\) among 2 member`) },
  });
  t.equal(events(result.stderr).filter((e) => e === 'peer-finder.self-not-found').length, 1, 'the wait is logged once, not every poll');
});

t.test('-timeout also cuts a lookup short when the DNS server does not answer at all', async (t) => {
  const s = setup(t);
  const dns = await startDnsmasq(t, srvRecords('zk', 'zoo', [1]));
  dns.pause();
  t.teardown(() => dns.resume());
  const started = Date.now();
  const result = await peerFinder(['-on-start=true', '-service=zk', '-ns=default', '-timeout=1s', ...local(s, dns.port)]);
  t.equal(result.exitCode, 1);
  t.match(failure(result.stderr), {
    fields: { code: 'PEERS_TIMEOUT', missing: /^an answer from DNS \(timeout: SRV zk.default.svc.cluster.local. @127.0.0.1:\d+: cut short by the deadline\)/ },
  });
  t.ok(Date.now() - started < 4000, `exited after ${Date.now() - started} ms, not after the 5 s resolver timeout`);
});

t.test('hands 1,000 members to the hook after the TCP retry', async (t) => {
  const s = setup(t);
  const dns = await startDnsmasq(
    t,
    srvRecords(
      'zk',
      'zoo',
      Array.from({ length: 1000 }, (_, i) => i),
    ),
  );
  const result = await peerFinder([`-on-start=${s.recorder}`, '-service=zk', '-ns=default', ...local(s, dns.port)]);
  t.equal(result.exitCode, 0, result.stderr);
  const [list] = hookRuns(s);
  t.equal(list?.split('\n').length, 1001);
  t.ok(list?.startsWith(`${fqdn(0)}\n${fqdn(1)}\n${fqdn(10)}\n${fqdn(100)}\n`), 'byte-wise order');
  t.match(result.stderr, /from="SRV zk.default.svc.cluster.local. via tcp @127.0.0.1"/);
});

t.test('a lookup and its hook load no node:crypto (the DNS ids come from /dev/urandom)', async (t) => {
  const s = setup(t);
  const dns = await startDnsmasq(t, srvRecords('zk', 'zoo', [0, 1]));
  const loaded = join(s.dir, 'loaded');
  const result = await run([...withLoadedBuiltins(loaded), BUNDLE, `-on-start=${s.recorder}`, '-service=zk', '-ns=default', ...local(s, dns.port)], {
    timeoutMs: 20_000,
  });
  t.equal(result.exitCode, 0, result.stderr);
  t.equal(hookRuns(s).length, 1);
  t.notOk(readFileSync(loaded, 'utf8').split('\n').includes('crypto'));
});

t.test('writes JSON log lines with -log-format=json', async (t) => {
  const s = setup(t);
  const dns = await startDnsmasq(t, srvRecords('zk', 'zoo', [1]));
  const result = await peerFinder(['-on-start=true', '-service=zk', '-ns=default', '-log-format=json', ...local(s, dns.port)]);
  t.equal(result.exitCode, 0);
  const lines = result.stderr.trimEnd().split('\n');
  t.same(
    lines.map((l) => JSON.parse(l).event),
    ['peer-finder.starting', 'peer-finder.peers-updated', 'peer-finder.exiting'],
  );
});

// A peer-finder left running (a sidecar), killed at teardown.
const startSidecar = (t: { teardown: (fn: () => void) => void }, args: readonly string[]) => {
  const child = spawn(process.execPath, [BUNDLE, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.teardown(() => {
    child.kill('SIGKILL');
  });
  return { child, exited, stderr: () => stderr };
};

t.test('waits through NXDOMAIN and a DNS outage, then runs on-start once its record exists', async (t) => {
  const s = setup(t);
  const dns = await startDnsmasq(t, []);
  const sidecar = startSidecar(t, [`-on-start=${s.recorder}`, '-service=zk', '-ns=default', '-poll-period=100ms', ...local(s, dns.port)]);
  await waitFor(
    'NXDOMAIN logged',
    () => logLines(sidecar.stderr()).some((l) => l.event === 'peer-finder.no-members-yet' && /NXDOMAIN/.test(l.fields['detail'] ?? '')),
    { timeoutMs: 5000, intervalMs: 20 },
  );
  await dns.stop();
  await waitFor(
    'the outage logged',
    () => logLines(sidecar.stderr()).some((l) => l.event === 'peer-finder.lookup-failed' && /ECONNREFUSED/.test(l.fields['detail'] ?? '')),
    { timeoutMs: 5000, intervalMs: 20 },
  );
  await dns.setRecords(srvRecords('zk', 'zoo', [0]));
  await waitFor('waiting for itself', () => events(sidecar.stderr()).includes('peer-finder.self-not-found'), { timeoutMs: 5000, intervalMs: 20 });
  t.same(hookRuns(s), [], 'no hook before its own record exists');
  await dns.setRecords(srvRecords('zk', 'zoo', [0, 1]));
  t.equal(await sidecar.exited, 0, sidecar.stderr());
  t.same(hookRuns(s), [`${fqdn(0)}\n${fqdn(1)}\n`]);
  // Counted up to peer-finder.self-not-found: the restart in the last setRecords is a second, brief outage that a poll
  // may or may not hit (on a loaded machine it did), and a new outage is rightly logged again.
  const duringOutage = sidecar.stderr().slice(0, sidecar.stderr().indexOf('peer-finder.self-not-found'));
  t.equal(events(duringOutage).filter((e) => e === 'peer-finder.lookup-failed').length, 1, 'the outage is logged once');
});

t.test('runs on-change with the whole list after a scale from 3 to 5 and back to 3', async (t) => {
  const s = setup(t);
  const dns = await startDnsmasq(t, srvRecords('zk', 'zoo', [0, 1, 2]));
  const sidecar = startSidecar(t, ['-on-start=true', `-on-change=${s.recorder}`, '-service=zk', '-ns=default', '-poll-period=100ms', ...local(s, dns.port)]);
  await waitFor('on-start', () => /hook=on-start/.test(sidecar.stderr()), { timeoutMs: 5000, intervalMs: 20 });
  await dns.setRecords(srvRecords('zk', 'zoo', [0, 1, 2, 3, 4]));
  await waitFor('first on-change', () => hookRuns(s).length === 1, { timeoutMs: 5000, intervalMs: 20 });
  await dns.setRecords(srvRecords('zk', 'zoo', [0, 1, 2]));
  await waitFor('second on-change', () => hookRuns(s).length === 2, { timeoutMs: 5000, intervalMs: 20 });
  t.same(hookRuns(s), [[0, 1, 2, 3, 4].map((i) => `${fqdn(i)}\n`).join(''), [0, 1, 2].map((i) => `${fqdn(i)}\n`).join('')]);
  t.equal(sidecar.child.exitCode, null, 'still running');
});

t.test('bad input is exit 2 with one short line, never 70 or a stack, and runs no hook', async (t) => {
  const s = setup(t);
  const fifo = join(s.dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const base = ['-on-start=touch ' + join(s.dir, 'ran'), '-ns=default', '-hostname=zoo-1'];
  const rows = [
    {
      name: '-timeout past what a timer holds',
      args: [...base, '-service=zk', '-domain=cluster.local', '-timeout', '999999999h'],
      match: /-timeout takes a Go duration from 0s to 596h31m23.647s/,
    },
    {
      name: '-poll-period past what a timer holds',
      args: [...base, '-service=zk', '-domain=cluster.local', '-poll-period=999999999h'],
      match: /-poll-period takes/,
    },
    { name: 'an underscore in -service', args: [...base, '-service=Kaf_ka', '-domain=cluster.local'], match: /-service .*DNS-1123 label.*"Kaf_ka"/ },
    {
      name: 'a 128 KB hostname (the most one argument holds)',
      args: ['-on-start=true', '-service=zk', '-ns=default', '-domain=cluster.local', `-hostname=${'h'.repeat(131_000)}`],
      match: /-hostname takes text that is not longer than 253 characters, got "h{80}…\(\+130920 chars\)"/,
    },
    { name: '/dev/zero as -resolv-conf', args: [...base, '-service=zk', '-resolv-conf=/dev/zero'], match: /code=FILE_NOT_REGULAR/ },
    { name: 'a FIFO as -resolv-conf', args: [...base, '-service=zk', `-resolv-conf=${fifo}`], match: /code=FILE_NOT_REGULAR/ },
  ];
  for (const row of rows) {
    const started = Date.now();
    const result = await peerFinder(row.args, { POD_NAMESPACE: 'bad\nnamespace' });
    t.equal(result.exitCode, 2, `${row.name}: ${result.stderr.slice(0, 300)}`);
    t.equal(result.stderr.trimEnd().split('\n').length, 1, `${row.name}: one line`);
    t.ok(result.stderr.length < 2000, `${row.name}: ${result.stderr.length} bytes`);
    t.match(`${result.stderr} ${failure(result.stderr)?.fields['message'] ?? ''}`, row.match, row.name);
    t.notMatch(result.stderr, /internal error|\n\s+at /, `${row.name}: no stack`);
    t.ok(Date.now() - started < 5000, `${row.name}: ${Date.now() - started} ms`);
  }
  t.notOk(existsSync(join(s.dir, 'ran')), 'no hook ran');
});

// A resolv.conf for a hostile server on 127.0.0.1, with one short try per name so tests stay fast.
const hostile = (s: Setup, port: number, options = 'ndots:5 attempts:1 timeout:1'): string[] => {
  writeFileSync(s.resolvConf, kubeletResolvConf('default', ['127.0.0.1'], options));
  return [`-resolv-conf=${s.resolvConf}`, `-dns-port=${port}`, '-hostname=zoo-1', '-ns=default'];
};

t.test('only valid host names reach the hook; the rest is logged once, not every poll', async (t) => {
  const s = setup(t);
  let polls = 0;
  const dns = await hostileDnsServer(t, (q) => {
    if (q.name !== 'zk.default.svc.cluster.local') return [response(q, { rcode: 3 })];
    polls++;
    const bad = [
      srvRecord(q.name, `${fqdn(2)}\n${fqdn(9)}`),
      srvRecord(q.name, 'zoo\u0000.zk'),
      srvRecord(q.name, 'zoo 3.zk'),
      srvRecord(q.name, [Buffer.from('zoo-'), Buffer.from([0xff]), Buffer.from('zk')]),
      srvRecord('evil\nowner', fqdn(4)),
    ];
    return [response(q, { answers: [srvRecord(q.name, fqdn(0)), ...bad, ...(polls > 4 ? [srvRecord(q.name, fqdn(1))] : [])] })];
  });
  const result = await peerFinder([`-on-start=${s.recorder}`, '-service=zk', '-poll-period=50ms', ...hostile(s, dns.port)]);
  t.equal(result.exitCode, 0, result.stderr);
  t.same(hookRuns(s), [`${fqdn(0)}\n${fqdn(1)}\n`], 'the hook saw exactly the two valid members');
  t.ok(polls >= 5, `${polls} polls`);
  t.equal(events(result.stderr).filter((e) => e === 'peer-finder.names-rejected').length, 1, 'logged once');
  t.match(result.stderr, /peer-finder.names-rejected count=5 names=".*\\n.*\\u0000/, 'the names escaped inside the one line');
  t.ok(
    result.stderr.split('\n').every((line) => !line.startsWith('zoo-9')),
    'no log line was split by a name',
  );
});

t.test('names what was wrong with the DNS answers when -timeout expires', async (t) => {
  const rows = [
    {
      name: 'pointer loop',
      handler: (q: Parameters<Parameters<typeof hostileDnsServer>[1]>[0]) => [response(q, { answers: [pointerLoopRecord] })],
      match: /malformed answer from 127\.0\.0\.1:\d+: compression pointer loop/,
    },
    {
      name: 'wrong ids',
      handler: (q: Parameters<Parameters<typeof hostileDnsServer>[1]>[0]) =>
        Array.from({ length: 20 }, (_, i) => response(q, { id: (q.id + 1 + i) & 0xffff, rcode: 3 })),
      match: /is not for our query: wrong id/,
    },
    {
      name: 'TC=1, then a TCP stream that stalls',
      handler: (q: Parameters<Parameters<typeof hostileDnsServer>[1]>[0]) =>
        q.transport === 'udp' ? [response(q, { tc: true })] : [{ kind: 'partial' as const, length: 3000 }],
      match: /no TCP answer in 1000ms|cut short by the deadline/,
    },
  ];
  // The rows wait out their -timeout side by side: each has its own server and scratch dir.
  const results = await Promise.all(
    rows.map(async (row) => {
      const s = setup(t);
      const dns = await hostileDnsServer(t, row.handler);
      const started = Date.now();
      const result = await peerFinder(['-on-start=true', '-service=zk', '-timeout=2s', '-poll-period=100ms', ...hostile(s, dns.port)]);
      return { row, result, started, ended: Date.now() };
    }),
  );
  for (const { row, result, started, ended } of results) {
    t.equal(result.exitCode, 1, row.name);
    t.match(result.stderr, /code=PEERS_TIMEOUT/, row.name);
    t.match(result.stderr, row.match, row.name);
    t.notMatch(result.stderr, /\(timeout: SRV \S+ @[\d.:]+: no UDP answer/, `${row.name}: not just "no UDP answer"`);
    t.ok(ended - started < 5000, `${row.name}: exited after ${ended - started} ms`);
  }
});

t.test('-log-format=json (or LOG_FORMAT) writes even a config error as one JSON line', async (t) => {
  for (const [args, env] of [
    [['-log-format=json', '-bogus'], {}],
    [['-bogus'], { LOG_FORMAT: 'json' }],
  ] as const) {
    const result = await peerFinder(args, env);
    t.equal(result.exitCode, 2);
    const line = JSON.parse(result.stderr.trim()) as Record<string, unknown>;
    t.same([line['event'], line['code']], ['peer-finder.failed', 'CONFIG_INVALID']);
  }
});
