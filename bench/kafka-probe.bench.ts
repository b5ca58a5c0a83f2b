// kafka-probe vs the JVM tool the seed probed with (kafka-broker-api-versions), vs the same check written with
// kafkajs, vs the runtime floor; and kafka-entrypoint's own time before it execs the JVM. One real Kafka 4.2.2
// node on 127.0.0.1, all commands measured in one hyperfine run so the ratios share the machine's state.
import { build } from 'esbuild';
import { waitFor } from '../test/harness/wait.ts';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measure, report } from './lib.ts';
import { startKraftNode, liveBrokerIds, LIBS, ROOT } from '../test/fixtures/real-kafka.ts';

const NODE = process.execPath;
const teardowns: Array<() => unknown> = [];
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) };
const work = mkdtempSync(path.join(os.tmpdir(), 'kafka-probe-bench-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

// BrokerApiVersionsCommand moved to the kafka-tools jar in 4.x, which the server libs do not include.
const toolsJar = [
  path.join(LIBS['4.2.2'], 'kafka-tools-4.2.2.jar'),
  path.join(os.homedir(), '.m2/repository/org/apache/kafka/kafka-tools/4.2.2/kafka-tools-4.2.2.jar'),
].find(existsSync);

// The same readiness question asked through kafkajs, bundled like our agents, for the "measurably cheaper" claim.
const kafkajsProbe = async (): Promise<string> => {
  const src = path.join(work, 'kafkajs-ready.ts');
  writeFileSync(
    src,
    `import { Kafka, logLevel } from 'kafkajs';
const [broker, id] = process.argv.slice(2);
const admin = new Kafka({ clientId: 'p', brokers: [broker], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 2000 }).admin();
await admin.connect();
const { brokers } = await admin.describeCluster();
await admin.disconnect();
process.exitCode = brokers.some((b) => b.nodeId === Number(id)) ? 0 : 1;
`,
  );
  const out = path.join(work, 'kafkajs-ready.mjs');
  await build({
    entryPoints: [src],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    nodePaths: [path.join(ROOT, 'node_modules')],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  return out;
};

try {
  const node = await startKraftNode(t);
  await waitFor('node 0 registered', async () => ((await liveBrokerIds(node.port)).includes(0) ? true : undefined), { timeoutMs: 120_000, intervalMs: 200 });
  const bootstrap = `127.0.0.1:${node.port}`;
  const probe = path.join(ROOT, 'dist/kafka-probe.cjs');
  const commands = [
    { name: 'node -e 0', argv: [NODE, '-e', '0'] },
    { name: 'kafka-probe ready', argv: [NODE, probe, 'ready', `--config=${node.dir}/server.properties`] },
    { name: 'kafka-probe live', argv: [NODE, probe, 'live', `--config=${node.dir}/server.properties`] },
    { name: 'kafkajs ready (bundled)', argv: [NODE, await kafkajsProbe(), bootstrap, '0'] },
  ];
  if (toolsJar) {
    // As kafka-broker-api-versions.sh runs it: kafka-run-class.sh's default tool heap and JVM flags.
    const jvm = [
      '-Xmx256M',
      '-server',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:InitiatingHeapOccupancyPercent=35',
      '-XX:+ExplicitGCInvokesConcurrent',
      '-XX:MaxInlineLevel=15',
      '-Djava.awt.headless=true',
    ];
    commands.push({
      name: 'kafka-broker-api-versions (JVM)',
      argv: ['java', ...jvm, '-cp', `${LIBS['4.2.2']}/*:${toolsJar}`, 'org.apache.kafka.tools.BrokerApiVersionsCommand', '--bootstrap-server', bootstrap],
    });
  } else {
    process.stdout.write(
      '(kafka-tools-4.2.2.jar not found: JVM tool row skipped; mvn dependency:get -Dartifact=org.apache.kafka:kafka-tools:4.2.2 -Dtransitive=false)\n',
    );
  }
  const probeFigures = measure(commands, { runs: 20, warmup: 3 });
  process.stdout.write(report('kafka-probe vs the JVM tool and kafkajs (Kafka 4.2.2, loopback)', probeFigures, 'node -e 0'));
  const jvmRow = probeFigures.find((f) => f.name.includes('JVM'));
  const readyRow = probeFigures.find((f) => f.name === 'kafka-probe ready');
  if (jvmRow && readyRow) process.stdout.write(`JVM tool / kafka-probe ready = ${(jvmRow.medianMs / readyRow.medianMs).toFixed(1)}x (goal >= 15x)\n\n`);

  // Entrypoint overhead: everything up to execve, on an already formatted volume, with /bin/true as "java".
  const vol = path.join(work, 'vol');
  mkdirSync(path.join(vol, 'data'), { recursive: true });
  writeFileSync(path.join(vol, 'data/meta.properties'), 'version=1\nnode.id=2\ncluster.id=MkU3OEVBNTcwNTJENDM2Qg\ndirectory.id=abcdefghijklmnopqrstuv\n');
  const seed = ['--override', 'num.partitions=1', '--override', 'log.retention.hours=168'];
  const entrypoint = [
    NODE,
    path.join(ROOT, 'dist/kafka-entrypoint.cjs'),
    '--hostname=kafka-2',
    '--service=kafka',
    '--controllers=3',
    '--cluster-id=MkU3OEVBNTcwNTJENDM2Qg',
    `--data-dir=${vol}`,
    '--java=/bin/true',
    ...seed,
  ];
  const entry = measure(
    [
      { name: 'node -e 0', argv: [NODE, '-e', '0'] },
      { name: 'kafka-entrypoint until execve', argv: entrypoint },
    ],
    { runs: 20, warmup: 3 },
  );
  process.stdout.write(report('kafka-entrypoint overhead before the JVM (goal <= 150 ms including Node start)', entry, 'node -e 0'));
} finally {
  for (const fn of teardowns.reverse()) await fn();
}
