// Real Kafka nodes on 127.0.0.1 started through kafka-entrypoint (until test/harness pods are used): random ports,
// a temp volume, small-JVM settings for a 2-core machine, and teardown that kills the JVM and removes the volume.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KafkaConnection } from '../../common/kafka-connection.ts';
import { apiVersionsRequest, parseApiVersions, metadataRequest, parseMetadata } from '../../common/kafka-messages.ts';
import { freePorts } from '../harness/ports.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const LIBS = {
  '4.2.2': path.join(ROOT, '.cache/servers/kafka-4.2.2/libs'),
  '3.9.1': path.join(ROOT, '.cache/servers/kafka-3.9.1/libs'),
} as const;
export type KafkaVersion = keyof typeof LIBS;

// What a small test broker needs on 2 cores: one-partition internal topics, few threads, no rebalance delay.
export const SMALL_BROKER = [
  'num.network.threads=1', 'num.io.threads=2', 'num.partitions=1', 'offsets.topic.replication.factor=1',
  'offsets.topic.num.partitions=1', 'transaction.state.log.replication.factor=1', 'transaction.state.log.min.isr=1',
  'transaction.state.log.num.partitions=1', 'group.initial.rebalance.delay.ms=0',
];
export const SMALL_BROKER_4X = ['share.coordinator.state.topic.replication.factor=1', 'share.coordinator.state.topic.min.isr=1'];

export const SMALL_JVM_ENV = {
  KAFKA_HEAP_OPTS: '-Xmx512m',
  KAFKA_JVM_PERFORMANCE_OPTS: '-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true',
};

// The broker ids a node's listener currently lists (registered and unfenced).
export const liveBrokerIds = async (port: number): Promise<readonly number[]> => {
  const conn = await KafkaConnection.open({ host: '127.0.0.1', port }, { deadline: Date.now() + 2000 });
  try {
    parseApiVersions(await conn.request(apiVersionsRequest()), 3);
    return parseMetadata(await conn.request(metadataRequest(12))).brokers.map((b) => b.nodeId);
  } finally {
    conn.close();
  }
};

export type RealNode = {
  readonly dir: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
};

type Teardown = { teardown: (fn: () => unknown) => void };

export type NodeOptions = {
  readonly version?: KafkaVersion;
  readonly dir?: string;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly ports?: { port: number; controllerPort: number };
  /** static: controller.quorum.voters (default); dynamic: a KIP-853 quorum this node founds with --standalone. */
  readonly quorum?: 'static' | 'dynamic';
};

// Start one combined KRaft node (node.id 0, a single-voter quorum) through the entrypoint on 127.0.0.1.
export const startKraftNode = async (t: Teardown, opts: NodeOptions = {}): Promise<RealNode> => {
  const version = opts.version ?? '4.2.2';
  const dir = opts.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'kafka-entrypoint-')));
  if (opts.dir === undefined) t.teardown(() => rm(dir, { recursive: true, force: true }));
  const [freeA, freeB] = (await freePorts(2)) as [number, number];
  const port = opts.ports?.port ?? freeA;
  const controllerPort = opts.ports?.controllerPort ?? freeB;
  const args = [
    path.join(ROOT, 'kafka-entrypoint/main.ts'), '--hostname=kafka-0', '--controllers=1', `--data-dir=${dir}`, `--libs=${LIBS[version]}`,
    '--override', `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    ...(opts.quorum === 'dynamic'
      ? ['--quorum=dynamic', '--service=kafka', '--override', `advertised.listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`, '--override', `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`]
      : ['--override', `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `controller.quorum.voters=0@127.0.0.1:${controllerPort}`]),
    ...[...SMALL_BROKER, ...(version === '4.2.2' ? SMALL_BROKER_4X : [])].flatMap((o) => ['--override', o]),
    ...(opts.args ?? []),
  ];
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...SMALL_JVM_ENV, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  return { dir, port, controllerPort, child, output: () => output, exited };
};
