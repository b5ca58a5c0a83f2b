// Container specs for Kafka pods run by kafka-entrypoint and probed by kafka-probe, for the harness pod tests.
import { readdirSync, readFileSync } from 'node:fs';
import { NODE, JVM_FLAGS, agentBundle, kafkaLibs, type Pod, type ExecProbe, type HttpProbe } from '../harness/index.ts';
import { SMALL_BROKER, SMALL_BROKER_4X, SMALL_JVM_ENV } from './real-kafka.ts';

export const overrides = (list: readonly string[]): string[] => list.flatMap((o) => ['--override', o]);

export const entrypointCommand = (mode: 'zookeeper' | 'kraft', args: readonly string[]): string[] => [
  NODE, agentBundle('kafka-entrypoint'), '--data-dir=$(VOLUME)', `--libs=${kafkaLibs(mode)}`,
  ...overrides([...SMALL_BROKER, ...(mode === 'kraft' ? SMALL_BROKER_4X : [])]),
  ...args,
];

export const kafkaEnv = { ...SMALL_JVM_ENV };

export const probe = (check: 'ready' | 'live', extra: readonly string[] = []): ExecProbe => ({
  command: [NODE, agentBundle('kafka-probe'), check, '--config=$(VOLUME)/server.properties', '--timeout=3s', ...extra],
  periodMs: 1000,
  timeoutMs: 4000,
  failureThreshold: 1,
});

/** The port kafka-entrypoint -health-port serves /livez, /readyz and /status on in the pod tests (as in deploy/). */
export const HEALTH_PORT = 8080;

// kubelet's httpGet probe on the entrypoint's endpoints; its deadline (-health-timeout, 2s) is inside timeoutMs.
export const healthProbe = (path: '/readyz' | '/livez'): HttpProbe => ({ httpGet: { port: HEALTH_PORT, path }, periodMs: 1000, timeoutMs: 3000, failureThreshold: 1 });

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

// The PID of the Kafka JVM serving this pod's volume (harness pods share the host's PID namespace).
export const jvmPid = (pod: Pod): number | undefined => {
  const config = `${pod.volumeDir}/server.properties`;
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    if (argv.includes('kafka.Kafka') && argv.includes(config)) return Number(entry);
  }
  return undefined;
};

// The voter ids of the KRaft quorum as Kafka's own tool reports them (kafka-metadata-quorum describe --status).
export const quorumVoters = async (client: Pod, controller: string): Promise<number[]> => {
  const r = await client.exec(['java', '-Xmx128m', ...JVM_FLAGS, '-cp', `${kafkaLibs('kraft')}/*`, 'org.apache.kafka.tools.MetadataQuorumCommand', '--bootstrap-controller', controller, 'describe', '--status'], { timeoutMs: 60_000 });
  const line = /^CurrentVoters:\s*(.*)$/m.exec(r.stdout)?.[1];
  if (r.exitCode !== 0 || line === undefined) throw new Error(`kafka-metadata-quorum exited ${r.exitCode}: ${(r.stdout + r.stderr).slice(-1500)}`);
  return [...line.matchAll(/"id":\s*(\d+)/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
};

// A line of /proc/<pid>/status (PPid, VmRSS, State), or undefined once the process is gone.
export const procStatus = (pid: number, key: string): string | undefined => {
  try {
    return new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1];
  } catch {
    return undefined;
  }
};

// The PIDs whose parent is `pid` (harness pods share the host's PID namespace, so this sees the pod's processes).
export const childPids = (pid: number): number[] =>
  readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((child) => procStatus(child, 'PPid') === String(pid));
