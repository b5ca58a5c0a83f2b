// Container specs for Kafka pods run by kafka-entrypoint and probed by kafka-probe, for the harness pod tests.
import { NODE, agentBundle, kafkaLibs, fixture, type Pod, type Probe } from '../harness/index.ts';
import { SMALL_BROKER, SMALL_BROKER_4X, SMALL_JVM_ENV } from './real-kafka.ts';

export const overrides = (list: readonly string[]): string[] => list.flatMap((o) => ['--override', o]);

export const entrypointCommand = (mode: 'zookeeper' | 'kraft', args: readonly string[]): string[] => [
  NODE, agentBundle('kafka-entrypoint'), '--data-dir=$(VOLUME)', `--libs=${kafkaLibs(mode)}`,
  ...overrides([...SMALL_BROKER, ...(mode === 'kraft' ? SMALL_BROKER_4X : [])]),
  ...args,
];

export const kafkaEnv = { ...SMALL_JVM_ENV };

export const probe = (check: 'ready' | 'live', extra: readonly string[] = []): Probe => ({
  command: [NODE, agentBundle('kafka-probe'), check, '--config=$(VOLUME)/server.properties', '--timeout=3s', ...extra],
  periodMs: 1000,
  timeoutMs: 4000,
  failureThreshold: 1,
});

// Create a topic, produce the seed's two lines through one broker and consume them through another (kafkajs).
export const roundTrip = async (client: Pod, produceTo: string, consumeFrom: string, topic: string, partitions: number, replication: number) => {
  const r = await client.exec([NODE, fixture('kafka-roundtrip.ts'), produceTo, consumeFrom, topic, String(partitions), String(replication), 'I like kafka', 'hello world'], { timeoutMs: 180_000 });
  return { consumed: r.exitCode === 0 ? (JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '[]') as string[]) : [], detail: r.stderr.slice(-2000) };
};

export const SEED_LINES = ['I like kafka', 'hello world'].sort();

type Comment = { comment: (...message: unknown[]) => void };
type Waitable = { waitReady: (n?: number, timeoutMs?: number) => Promise<Pod[]>; readonly pods: Pod[] };

// waitReady, but on a timeout the tail of every pod's log goes into the test output before the failure.
export const waitReadyOrExplain = async (t: Comment, set: Waitable, n: number, timeoutMs: number): Promise<Pod[]> => {
  try {
    return await set.waitReady(n, timeoutMs);
  } catch (error) {
    for (const pod of set.pods) t.comment(`--- ${pod.name} ---\n${pod.logs().split('\n').slice(-40).join('\n')}`);
    throw error;
  }
};
