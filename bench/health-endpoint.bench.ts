// The resident agent's health endpoint (issue 10) against one real ZooKeeper 3.9.5 on 127.0.0.1: 10,000 GET /readyz
// as kubelet sends them (sequential, a new connection each, `Connection: close`) to bench/health-agent.ts, which
// serves zk-probe's verdicts over the four-letter-word client exactly as zk-bootstrap does. Baselines measured in the
// same invocation: `printf ruok | nc` (the floor for one four-letter word), the exec probe `zk-probe ready` and
// `node -e 0`. CPU per probe comes from /proc/<pid>/task/*/schedstat (the agent) and process.cpuUsage (this
// client), the exec probe's from hyperfine's rusage of each run; memory from /proc/<pid>/status (RSS) and
// smaps_rollup (anonymous).
import { build } from 'esbuild';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { measure, percentile } from './lib.ts';
import { startFirstMember } from '../test/fixtures/loopback-zk.ts';
import { REPO_ROOT } from '../test/harness/servers.ts';
import { entrypoints } from '../test/fixtures/rendered.ts';

const NODE = process.execPath;
const PROBES = 10_000;
const NC_RUNS = 1_000;
const EXEC_RUNS = 100;
// kubelet's defaults in deploy/zookeeper.yaml: readiness every 5 s, liveness every 10 s.
const PROBES_PER_DAY = 86_400 / 5 + 86_400 / 10;
// The node flags the images start the resident agents with (zookeeper.Containerfile's ENTRYPOINT, between node and
// the bundle): what a pod runs is what is measured.
const RESIDENT_NODE_FLAGS: readonly string[] = (entrypoints().get('statefulset-agents/zookeeper') ?? []).filter((arg) => arg.startsWith('--'));
// kubelet's pace, compressed: a probe, then idle. Garbage of one probe dies before the next, as it does between
// probes 5 s apart; the burst above is the worst case (bounded by the endpoint's 32 connections).
const PACED_PROBES = 300;
const PACED_GAP_MS = 50;
const PROBES_PACED_LABEL = `${PACED_PROBES.toLocaleString('en')} paced (${PACED_GAP_MS} ms apart, a fresh agent)`;
const teardowns: Array<() => unknown> = [];
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) };
const work = mkdtempSync(path.join(os.tmpdir(), 'health-bench-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
const out = (text: string): boolean => process.stdout.write(text);
const load = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const mb = (kb: number): string => (kb / 1024).toFixed(1);

// The agent bundled as the images ship agents (CommonJS, minified): type stripping at run time would cost the
// agent ~150 MB of RSS that no pod pays.
const buildAgent = async (): Promise<string> => {
  const outfile = path.join(work, 'health-agent.cjs');
  await build({
    entryPoints: [path.join(import.meta.dirname, 'health-agent.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    logLevel: 'warning',
  });
  return outfile;
};

const statusKb = (pid: number, key: 'VmRSS' | 'VmHWM'): number =>
  Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

// Anonymous memory (V8's heap, malloc): what the agent allocated. RSS also counts the node binary's code pages it
// touched, page cache of the image's file.
const anonymousKb = (pid: number): number => Number(/^Anonymous:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);

type Memory = { readonly rss: number; readonly anonymous: number };
const memoryOf = (pid: number): Memory => ({ rss: statusKb(pid, 'VmRSS'), anonymous: anonymousKb(pid) });

// CPU time of every thread of a process so far, in ms, from the scheduler's ns counters: ticks (/proc/<pid>/stat)
// over-charge a process that wakes briefly twice a second.
const cpuMsOf = (pid: number): number =>
  readdirSync(`/proc/${pid}/task`).reduce((sum, task) => sum + Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]) / 1e6, 0);

const nextLine = (child: ChildProcess): Promise<string> => {
  const lines = createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`health agent exited ${code}`)));
  });
};

// One probe as kubelet's httpGet sends it: a new TCP connection, GET with Connection: close, read to the end.
const probe = (port: number, target: string): Promise<{ status: number; ms: number }> =>
  new Promise((resolve) => {
    const started = performance.now();
    let head = '';
    const socket = connect(port, '127.0.0.1');
    socket.setEncoding('latin1');
    socket.on('connect', () =>
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: kube-probe/1.33\r\nAccept: */*\r\nConnection: close\r\n\r\n`),
    );
    socket.on('data', (chunk: string) => {
      if (head.length < 64) head += chunk;
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1] ?? 0), ms: performance.now() - started }));
  });

type Served = {
  readonly times: number[];
  readonly wrong: ReadonlyMap<number, number>;
  readonly agentCpuMs: number;
  readonly clientCpuMs: number;
  /** The agent's CPU per probe at kubelet's pace (schedstat), where caches are cold at every probe. */
  readonly pacedCpuMs: number;
  /** Before the endpoint (node:http not loaded), with it on, after the burst of PROBES, after PACED_PROBES paced. */
  readonly memory: {
    readonly before: Memory;
    readonly on: Memory;
    readonly burst: Memory;
    readonly pacedBefore: Memory;
    readonly paced: Memory;
    readonly peakRss: number;
  };
};

// The agent under `nodeFlags`: its memory idle, with the endpoint on, after PROBES sequential GET /readyz, and
// (a second agent, fresh) after PACED_PROBES at kubelet's pace.
const serve = async (zkPort: number, bundle: string, nodeFlags: readonly string[]): Promise<Served> => {
  const startAgent = async (): Promise<{ pid: number; port: number; before: Memory; on: Memory; stop: () => void }> => {
    const agent = spawn(NODE, [...nodeFlags, bundle, String(zkPort)], { stdio: ['pipe', 'pipe', 'inherit'] });
    t.teardown(() => agent.kill('SIGKILL'));
    const pid = agent.pid as number;
    if ((await nextLine(agent)) !== 'idle') throw new Error('health agent did not start');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = memoryOf(pid);
    agent.stdin!.write('start\n');
    const port = Number(/^port=(\d+)$/.exec(await nextLine(agent))?.[1]);
    return { pid, port, before, on: memoryOf(pid), stop: () => agent.stdin!.end() };
  };

  const burst = await startAgent();
  // A long-running agent has a warm JIT; so does the ZooKeeper it asks.
  for (let i = 0; i < 1000; i++) await probe(burst.port, '/readyz');
  const agentCpu0 = cpuMsOf(burst.pid);
  const clientCpu0 = process.cpuUsage();
  const times: number[] = [];
  const wrong = new Map<number, number>();
  for (let i = 0; i < PROBES; i++) {
    const { status, ms } = await probe(burst.port, '/readyz');
    times.push(ms);
    if (status !== 200) wrong.set(status, (wrong.get(status) ?? 0) + 1);
  }
  const clientCpu = process.cpuUsage(clientCpu0);
  const agentCpuMs = cpuMsOf(burst.pid) - agentCpu0;
  const afterBurst = memoryOf(burst.pid);
  const peakRss = statusKb(burst.pid, 'VmHWM');
  burst.stop();

  const paced = await startAgent();
  for (let i = 0; i < 100; i++) await probe(paced.port, '/readyz');
  const pacedCpu0 = cpuMsOf(paced.pid);
  for (let i = 0; i < PACED_PROBES; i++) {
    const { status } = await probe(paced.port, '/readyz');
    if (status !== 200) wrong.set(status, (wrong.get(status) ?? 0) + 1);
    await new Promise((resolve) => setTimeout(resolve, PACED_GAP_MS));
  }
  const pacedCpuMs = (cpuMsOf(paced.pid) - pacedCpu0) / PACED_PROBES;
  const afterPaced = memoryOf(paced.pid);
  paced.stop();
  return {
    times: times.sort((a, b) => a - b),
    wrong,
    agentCpuMs,
    clientCpuMs: (clientCpu.user + clientCpu.system) / 1000,
    pacedCpuMs,
    memory: { before: burst.before, on: burst.on, burst: afterBurst, pacedBefore: paced.before, paced: afterPaced, peakRss },
  };
};

try {
  const loadBefore = load();
  const zk = await startFirstMember(t);
  const bundle = await buildAgent();
  const served = await serve(zk.ports.client, bundle, []);
  const { times, wrong, agentCpuMs, clientCpuMs } = served;
  const [nc] = measure([{ name: 'printf ruok | nc', argv: ['sh', '-c', `printf ruok | nc -w1 127.0.0.1 ${zk.ports.client}`] }], { runs: NC_RUNS, warmup: 20 });
  const [floor, exec] = measure(
    [
      { name: 'node -e 0', argv: [NODE, '-e', '0'] },
      { name: 'zk-probe ready', argv: [NODE, path.join(REPO_ROOT, 'dist/zk-probe.cjs'), 'ready', `-port=${zk.ports.client}`] },
    ],
    { runs: EXEC_RUNS, warmup: 5 },
  );
  if (!nc || !floor || !exec) throw new Error('hyperfine returned fewer results than commands');

  const p50 = percentile(times, 0.5);
  const p99 = percentile(times, 0.99);
  const wrongCount = [...wrong.values()].reduce((a, b) => a + b, 0);
  const ncP50 = percentile(nc.timesMs, 0.5);
  const row = (name: string, a: number, b: number, extra: string): string =>
    `| ${name} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${extra} | ${(a / ncP50).toFixed(2)} |`;
  out(
    [
      `## Health endpoint: GET /readyz over loopback (ZooKeeper 3.9.5, ${PROBES.toLocaleString('en')} probes, sequential, a new connection each)`,
      '| probe | p50 ms | p99 ms | wrong answers | p50 × printf ruok \\| nc |',
      '|---|---|---|---|---|',
      row(
        'GET /readyz (resident agent, HTTP)',
        p50,
        p99,
        `${wrongCount} of ${PROBES.toLocaleString('en')}${wrong.size ? ` (${[...wrong].map(([s, n]) => `${s || 'no answer'}: ${n}`).join(', ')})` : ''}`,
      ),
      row(`printf ruok \\| nc (${NC_RUNS.toLocaleString('en')} runs)`, ncP50, percentile(nc.timesMs, 0.99), '-'),
      row(`zk-probe ready (exec, ${EXEC_RUNS} runs)`, percentile(exec.timesMs, 0.5), percentile(exec.timesMs, 0.99), '-'),
      row(`node -e 0 (${EXEC_RUNS} runs)`, percentile(floor.timesMs, 0.5), percentile(floor.timesMs, 0.99), '-'),
      `goals: p50 <= 1 ms (${p50.toFixed(2)}), p99 <= 5 ms (${p99.toFixed(2)}), faster than the nc floor (${(p50 / ncP50).toFixed(2)}x), 0 wrong answers (${wrongCount})`,
      '',
    ].join('\n') + '\n',
  );

  const perProbe = { agent: agentCpuMs / PROBES, withClient: (agentCpuMs + clientCpuMs) / PROBES, exec: exec.cpuMs };
  const cpuRow = (name: string, ms: number): string =>
    `| ${name} | ${ms.toFixed(3)} | ${((ms * PROBES_PER_DAY) / 1000).toFixed(1)} | ${(perProbe.exec / ms).toFixed(0)}x |`;
  out(
    [
      `## Probe CPU per pod-day (readiness every 5 s + liveness every 10 s = ${PROBES_PER_DAY.toLocaleString('en')} probes)`,
      '| probe | CPU ms per probe | CPU s per pod-day | exec ÷ this |',
      '|---|---|---|---|',
      cpuRow('GET /readyz: the agent', perProbe.agent),
      cpuRow("GET /readyz: the agent + this Node client (kubelet's Go client is lighter)", perProbe.withClient),
      cpuRow(`GET /readyz: the agent at kubelet's pace (${PACED_PROBES} probes ${PACED_GAP_MS} ms apart)`, served.pacedCpuMs),
      cpuRow('exec zk-probe ready (node start included; runc exec not counted)', perProbe.exec),
      `goal: exec ÷ HTTP >= 100x (${(perProbe.exec / perProbe.withClient).toFixed(0)}x with this client's share, ${(perProbe.exec / perProbe.agent).toFixed(0)}x the agent alone in a burst, ${(perProbe.exec / served.pacedCpuMs).toFixed(0)}x at kubelet's pace); node-wide, with kubelet and runc: node bench/kubelet-probes.ts`,
      '',
    ].join('\n') + '\n',
  );

  // A burst grows V8's young generation to its maximum and keeps it, and V8's worker threads keep their malloc
  // arenas: the levers are the node flags on the agent's command, which the images set.
  const deployed = await serve(zk.ports.client, bundle, RESIDENT_NODE_FLAGS);
  const grown = (m: Memory, from: Memory): string => `${mb(m.anonymous)} (+${mb(m.anonymous - from.anonymous)}) / ${mb(m.rss)} (+${mb(m.rss - from.rss)})`;
  const memoryRow = (name: string, r: Served): string => {
    const { before, on, burst, pacedBefore, paced, peakRss } = r.memory;
    return `| ${name} | ${mb(before.anonymous)} / ${mb(before.rss)} | ${grown(on, before)} | ${grown(burst, before)} | ${grown(paced, pacedBefore)} | ${mb(peakRss)} | ${(r.agentCpuMs / PROBES).toFixed(3)} / ${r.pacedCpuMs.toFixed(3)} |`;
  };
  const growth = (m: Memory, from: Memory): number => (m.anonymous - from.anonymous) / 1024;
  out(
    [
      `## Resident agent memory with the endpoint (MB, anonymous / RSS; goal: growth <= 10 MB)`,
      `| agent's node flags | before the endpoint | endpoint on | after ${PROBES.toLocaleString('en')} probes in a burst | after ${PROBES_PACED_LABEL} | peak RSS | agent CPU ms per probe, burst / paced |`,
      '|---|---|---|---|---|---|---|',
      memoryRow('(none)', served),
      memoryRow(`${RESIDENT_NODE_FLAGS.join(' ')} (the images')`, deployed),
      `goal: anonymous growth <= 10 MB with the images' flags: ${growth(deployed.memory.paced, deployed.memory.pacedBefore).toFixed(1)} MB at kubelet's pace, ${growth(deployed.memory.burst, deployed.memory.before).toFixed(1)} MB after the burst (${growth(served.memory.burst, served.memory.before).toFixed(1)} MB without the flags)`,
      `images' flags: ${[...deployed.wrong.values()].reduce((a, b) => a + b, 0)} wrong answers, p50 ${percentile(deployed.times, 0.5).toFixed(2)} ms, p99 ${percentile(deployed.times, 0.99).toFixed(2)} ms`,
      `machine: ${os.cpus().length} cores, load average ${loadBefore} before and ${load()} after (busy: compare ratios, not absolute times)`,
      '',
    ].join('\n') + '\n',
  );
} finally {
  for (const fn of teardowns.reverse()) await fn();
}
