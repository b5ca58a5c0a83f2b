// zk-probe vs the seed's readiness probe (zkCli.sh ls /: ZooKeeperMain from the same jars, a JVM per probe), vs
// `printf ruok | nc` (the floor for a four-letter word) and `node -e 0` (the runtime floor), all in one hyperfine
// run against one real ZooKeeper 3.9.5 on 127.0.0.1. Then the time from the first server's JVM start to three
// voting members, with zk-bootstrap doing the joins (loopback pods, no probe periods in the way).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measure, report } from './lib.ts';
import { startFirstMember } from '../test/fixtures/loopback-zk.ts';
import { loopbackPods } from '../test/fixtures/loopback-pods.ts';
import { REPO_ROOT, zookeeperLibs } from '../test/harness/servers.ts';
import { sendFourLetterWord } from '../common/zk-4lw.ts';

const NODE = process.execPath;
const MINIMAL_CLIENT = [
  "const s = require('node:net').connect(Number(process.argv[1]), '127.0.0.1'); let text = '';",
  "s.on('connect', () => s.end('conf')); s.on('data', (d) => (text += d)); s.on('error', () => process.exit(1));",
  "s.on('close', () => process.stdout.write(text.includes('serverId=') ? 'ok\\n' : 'fail\\n'));",
].join(' ');
const teardowns: Array<() => unknown> = [];
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) };
const work = mkdtempSync(path.join(os.tmpdir(), 'zk-probe-bench-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

// Three voters from the first `java` start: zoo-0 founds, zoo-1 and zoo-2 join one after the other (OrderedReady).
const ensembleMs = async (): Promise<number> => {
  const inner: Array<() => unknown> = [];
  const [zoo0, zoo1, zoo2] = (await loopbackPods({ teardown: (fn) => void inner.push(fn) }, 3)) as [
    Awaited<ReturnType<typeof loopbackPods>>[0],
    Awaited<ReturnType<typeof loopbackPods>>[0],
    Awaited<ReturnType<typeof loopbackPods>>[0],
  ];
  try {
    await zoo0.init([zoo0]);
    const started = Date.now();
    zoo0.start();
    await zoo0.waitMembers('1:participant');
    await zoo1.init([zoo0, zoo1]);
    zoo1.start();
    await zoo1.waitMembers('1:participant,2:participant');
    await zoo2.init([zoo0, zoo1, zoo2]);
    zoo2.start();
    await zoo2.waitMembers('1:participant,2:participant,3:participant');
    return Date.now() - started;
  } finally {
    for (const fn of inner.reverse()) await fn();
  }
};

try {
  const zk = await startFirstMember(t);
  const port = String(zk.ports.client);
  // A probe talks to a long-running server: warm its four-letter-word path (C1-only JIT here) before measuring.
  for (let i = 0; i < 500; i++) await sendFourLetterWord({ host: '127.0.0.1', port: zk.ports.client, word: i % 2 ? 'conf' : 'ruok', timeoutMs: 2000 });
  const probe = path.join(REPO_ROOT, 'dist/zk-probe.cjs');
  // As zkCli.sh runs it: zkEnv.sh's client heap (ZK_CLIENT_HEAP 256 MB), log4j-less, same jars as the server.
  const zkCli = [
    'java',
    '-Xmx256m',
    '-Dzookeeper.log.dir=/tmp',
    '-cp',
    `${zookeeperLibs}/*`,
    'org.apache.zookeeper.ZooKeeperMain',
    '-server',
    `127.0.0.1:${port}`,
    'ls',
    '/',
  ];
  const figures = measure(
    [
      { name: 'node -e 0', argv: [NODE, '-e', '0'] },
      // Any TCP probe's floor: loading node:net and its streams is most of what zk-probe adds to node -e 0.
      { name: "node -e require('node:net')", argv: [NODE, '-e', "require('node:net')"] },
      // The least any Node exec probe can do: connect, send `conf`, read to the end, print, exit. zk-probe's own work
      // is what it adds to this line.
      { name: 'node: conf over node:net (3 lines)', argv: [NODE, '-e', MINIMAL_CLIENT, port] },
      { name: 'zk-probe ready', argv: [NODE, probe, 'ready', `-port=${port}`] },
      { name: 'zk-probe live', argv: [NODE, probe, 'live', `-port=${port}`] },
      { name: 'printf ruok | nc', argv: ['sh', '-c', `printf ruok | nc -w1 127.0.0.1 ${port}`] },
      { name: 'zkCli.sh ls / (ZooKeeperMain)', argv: zkCli },
    ],
    { runs: 30, warmup: 5 },
  );
  process.stdout.write(report("zk-probe vs the seed's zkCli probe (ZooKeeper 3.9.5, loopback)", figures, 'node -e 0'));
  const cli = figures.find((f) => f.name.startsWith('zkCli'));
  const ready = figures.find((f) => f.name === 'zk-probe ready');
  const floor = figures.find((f) => f.name === 'node -e 0');
  const minimal = figures.find((f) => f.name.startsWith('node: conf'));
  if (cli && ready && floor && minimal) {
    process.stdout.write(
      `zkCli / zk-probe ready = ${(cli.medianMs / ready.medianMs).toFixed(1)}x (goal >= 10x); zk-probe ready / node -e 0 = ${(ready.medianMs / floor.medianMs).toFixed(2)}x (goal <= 1.2x, issue 10), of which the 3-line client is ${(minimal.medianMs / floor.medianMs).toFixed(2)}x and zk-probe's own work ${(ready.medianMs / minimal.medianMs).toFixed(2)}x; RSS ${(ready.maxRssKb / 1024).toFixed(1)} MB (goal <= 45 MB)\n\n`,
    );
  }
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) runs.push(await ensembleMs());
  process.stdout.write(
    `## First server JVM start to 3 voting members (zk-bootstrap joins, loopback)\nruns: ${runs.join(', ')} ms; median ${[...runs].sort((a, b) => a - b)[1]} ms (goal <= 3500 ms)\n\n`,
  );
} finally {
  for (const fn of teardowns.reverse()) await fn();
}
