// peer-finder against a loopback dnsmasq: the whole process for 3 and 1,000 members (hyperfine, vs node -e 0, with
// peak RSS), one SRV lookup in-process (vs Node's c-ares resolver on the same server), and the time from a record
// appearing to the hook starting. Goals (issue 3): <= 50 ms per 1,000-member lookup, <= 50 MB RSS, hook within
// one poll period.
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import os from 'node:os';
import path from 'node:path';
import { measure, percentile, report } from './lib.ts';
import { startDnsmasq, srvRecords, kubeletResolvConf } from '../test/fixtures/loopback-dnsmasq.ts';
import { createDnsClient } from '../common/dns-client.ts';
import { parseResolvConf } from '../common/resolv-conf.ts';

const NODE = process.execPath;
const BUNDLE = path.join(import.meta.dirname, '..', 'dist', 'peer-finder.cjs');
const teardowns: Array<() => unknown> = [];
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) };
const work = mkdtempSync(path.join(os.tmpdir(), 'peer-finder-bench-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
const out = (text: string): boolean => process.stdout.write(text);

const ordinals = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

// Median and p95 of `runs` sequential calls, after a few warm-up calls.
const timeCalls = async (runs: number, call: () => Promise<unknown>): Promise<{ median: number; p95: number }> => {
  for (let i = 0; i < 5; i++) await call();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 0.5), p95: percentile(times, 0.95) };
};

try {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run node scripts/build.ts`);
  const resolvConf = path.join(work, 'resolv.conf');
  writeFileSync(resolvConf, kubeletResolvConf());
  const small = await startDnsmasq(t, srvRecords('zk', 'zoo', ordinals(3)));
  const big = await startDnsmasq(t, srvRecords('zk', 'zoo', ordinals(1000)));
  const run = (port: number): string[] => [
    NODE,
    BUNDLE,
    '-on-start=cat >/dev/null',
    '-service=zk',
    '-ns=default',
    '-hostname=zoo-1',
    `-resolv-conf=${resolvConf}`,
    `-dns-port=${port}`,
  ];

  const whole = measure(
    [
      { name: 'node -e 0', argv: [NODE, '-e', '0'] },
      { name: 'peer-finder, 3 members', argv: run(small.port) },
      { name: 'peer-finder, 1,000 members (TCP)', argv: run(big.port) },
      // How deploy/ runs it: V8's lite mode (no optimizing compiler) for a one-shot lookup.
      { name: 'peer-finder, 1,000 members (TCP), node --lite-mode as deploy/', argv: [NODE, '--lite-mode', ...run(big.port).slice(1)] },
    ],
    { runs: 20, warmup: 3 },
  );
  out(report('peer-finder: whole process, lookup to hook exit (loopback dnsmasq)', whole, 'node -e 0'));

  // One lookup in-process, the figure the goal is about, next to Node's own resolver on the same server and name.
  const lookups: Array<[string, { median: number; p95: number }]> = [];
  for (const [label, dns] of [
    ['3 members', small],
    ['1,000 members', big],
  ] as const) {
    const client = createDnsClient({ resolv: parseResolvConf(kubeletResolvConf()), port: dns.port });
    lookups.push([`our client, ${label}, short name via search list`, await timeCalls(50, () => client.lookupSrv('zk'))]);
    const cares = new Resolver({ timeout: 5000, tries: 1 });
    cares.setServers([`127.0.0.1:${dns.port}`]);
    lookups.push([`node:dns resolveSrv, ${label}, FQDN`, await timeCalls(50, () => cares.resolveSrv('zk.default.svc.cluster.local'))]);
  }
  out(
    [
      '## One SRV lookup in-process (50 runs)',
      '| lookup | median ms | p95 ms |',
      '|---|---|---|',
      ...lookups.map(([n, f]) => `| ${n} | ${f.median.toFixed(2)} | ${f.p95.toFixed(2)} |`),
      '',
    ].join('\n') + '\n',
  );

  // From a record appearing to the hook starting, with the default 1 s poll period: the sidecar waits for zoo-1,
  // the record is added (dnsmasq restarted with it), and the hook writes its start time.
  const grow = await startDnsmasq(t, srvRecords('zk', 'zoo', [0]));
  const delays: number[] = [];
  for (let round = 0; round < 5; round++) {
    await grow.setRecords(srvRecords('zk', 'zoo', [0]));
    const stamp = path.join(work, `hook-${round}`);
    const child = spawn(
      NODE,
      [BUNDLE, `-on-start=date +%s%3N > ${stamp}`, '-service=zk', '-ns=default', '-hostname=zoo-1', `-resolv-conf=${resolvConf}`, `-dns-port=${grow.port}`],
      { stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    t.teardown(() => child.kill('SIGKILL'));
    // Let it settle into waiting, at a different phase of its poll period each round.
    await new Promise((resolve) => setTimeout(resolve, 1200 + round * 170));
    await grow.setRecords(srvRecords('zk', 'zoo', [0, 1]));
    const appeared = Date.now();
    await exited;
    delays.push(Number(readFileSync(stamp, 'utf8').trim()) - appeared);
  }
  delays.sort((a, b) => a - b);
  out(
    `## Record appearing -> hook starting (poll period 1 s, 5 rounds)\nms: ${delays.join(', ')} (median ${percentile(delays, 0.5)}, max ${delays.at(-1)}; goal: within one poll period, 1000 ms)\n\n`,
  );
} finally {
  for (const fn of teardowns.reverse()) await fn();
}
