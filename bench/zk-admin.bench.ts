// zk-bootstrap's admin client against one real ZooKeeper 3.9.5 on 127.0.0.1: a one-shot getConfig (session, sync,
// read, close) as its own process next to `node -e 0`, the same in-process, and the time a session takes to fail
// where nothing listens and where a server accepts TCP but never answers. Figures in zk-bootstrap/README.md.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { measure, report } from './lib.ts';
import { startFirstMember } from '../test/fixtures/loopback-zk.ts';
import { freePorts } from '../test/harness/ports.ts';
import { REPO_ROOT } from '../test/harness/servers.ts';
import { openSession, getConfig } from '../zk-bootstrap/zk-admin.ts';

const NODE = process.execPath;
const teardowns: Array<() => unknown> = [];
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) };
const work = mkdtempSync(path.join(os.tmpdir(), 'zk-admin-bench-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

const oneShot = `import { openSession, getConfig } from ${JSON.stringify(`${REPO_ROOT}/zk-bootstrap/zk-admin.ts`)};
const s = await openSession({ connectString: process.argv[2], timeoutMs: 5000 });
try { await getConfig(s); } finally { s.close(); }`;

const timed = async (call: () => Promise<unknown>): Promise<{ ms: number; outcome: string }> => {
  const started = performance.now();
  const outcome = await call().then(
    () => 'ok',
    (error: unknown) => (error as { code?: string }).code ?? String(error),
  );
  return { ms: Math.round(performance.now() - started), outcome };
};

try {
  const bundle = path.join(work, 'get-config.mjs');
  await build({
    stdin: { contents: oneShot, resolveDir: REPO_ROOT, loader: 'ts' },
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
    logLevel: 'warning',
  });
  const zk = await startFirstMember(t);
  const connectString = zk.connectString;
  const figures = measure(
    [
      { name: 'node -e 0', argv: [NODE, '-e', '0'] },
      { name: 'getConfig one-shot', argv: [NODE, bundle, connectString] },
    ],
    { runs: 30, warmup: 5 },
  );
  process.stdout.write(report(`zk-admin getConfig as a process (ZooKeeper 3.9.5, loopback; bundle ${statSync(bundle).size} bytes)`, figures, 'node -e 0'));

  const rounds: number[] = [];
  for (let i = 0; i < 200; i++) {
    const started = performance.now();
    const s = await openSession({ connectString, timeoutMs: 5000 });
    try {
      await getConfig(s);
    } finally {
      s.close();
    }
    rounds.push(performance.now() - started);
  }
  rounds.sort((a, b) => a - b);
  process.stdout.write(`## In-process session + getConfig + close, 200 rounds\nmedian ${rounds[100]?.toFixed(2)} ms, p90 ${rounds[180]?.toFixed(2)} ms\n\n`);

  const [closed] = (await freePorts(1)) as [number];
  const silent = createServer(() => {}); // accepts, never answers (a SIGSTOPped server)
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(() => silent.close());
  const silentPort = (silent.address() as { port: number }).port;
  const refused = await timed(() => openSession({ connectString: `127.0.0.1:${closed}`, timeoutMs: 800 }));
  const mute = await timed(() => openSession({ connectString: `127.0.0.1:${silentPort}`, timeoutMs: 800 }));
  process.stdout.write(
    `## openSession with an 800 ms deadline\nnothing listens: ${refused.outcome} after ${refused.ms} ms; accepts but never answers: ${mute.outcome} after ${mute.ms} ms\n\n`,
  );
} finally {
  for (const fn of teardowns.reverse()) await fn();
}
