// Command lines for the real servers fetched by scripts/fetch-servers.sh (versions in versions.env).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

const versions = Object.fromEntries(
  readFileSync(`${REPO_ROOT}/versions.env`, 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z0-9_]+=/.test(line))
    .map((line) => line.split('=', 2) as [string, string]),
);

export const ZOOKEEPER_VERSION = versions.ZOOKEEPER_VERSION as string;
/** Only zk-bootstrap's admin-client test runs on it (test/zk-bootstrap/zk-admin.pods.test.ts). */
export const ZOOKEEPER_38_VERSION = versions.ZOOKEEPER_38_VERSION as string;
export const KAFKA_ZK_VERSION = versions.KAFKA_ZK_VERSION as string;
export const KAFKA_KRAFT_VERSION = versions.KAFKA_KRAFT_VERSION as string;

export const zookeeperLibsOf = (version: string): string => `${REPO_ROOT}/.cache/servers/zookeeper-${version}/libs`;
export const zookeeperLibs = zookeeperLibsOf(ZOOKEEPER_VERSION);
export const kafkaLibs = (mode: 'zookeeper' | 'kraft'): string =>
  `${REPO_ROOT}/.cache/servers/kafka-${mode === 'zookeeper' ? KAFKA_ZK_VERSION : KAFKA_KRAFT_VERSION}/libs`;

// Small heaps and a quick-starting JIT: six JVMs share two cores in these tests.
export const JVM_FLAGS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xss512k', '-Djava.awt.headless=true'] as const;

export const zookeeperServerCommand = (configFile: string, extraJvmFlags: readonly string[] = [], version = ZOOKEEPER_VERSION): string[] => [
  'java',
  '-Xms32m',
  '-Xmx256m',
  ...JVM_FLAGS,
  ...extraJvmFlags,
  '-cp',
  `${zookeeperLibsOf(version)}/*`,
  'org.apache.zookeeper.server.quorum.QuorumPeerMain',
  configFile,
];

export const kafkaServerCommand = (mode: 'zookeeper' | 'kraft', propertiesFile: string): string[] => [
  'java',
  '-Xms128m',
  '-Xmx512m',
  ...JVM_FLAGS,
  '-cp',
  `${kafkaLibs(mode)}/*`,
  'kafka.Kafka',
  propertiesFile,
];

export const kafkaStorageCommand = (args: readonly string[]): string[] => [
  'java',
  '-Xmx256m',
  ...JVM_FLAGS,
  '-cp',
  `${kafkaLibs('kraft')}/*`,
  'kafka.tools.StorageTool',
  ...args,
];

// Path of the Node 24 that runs the tests; pods run agents with the same runtime the images ship.
export const NODE = process.execPath;
export const agentBundle = (agent: string): string => `${REPO_ROOT}/dist/${agent}.cjs`;
