// Everything kafka-entrypoint does to the world: read inputs, look at the volume, ask other controllers, write
// server.properties, run the StorageTool, become the JVM. Injectable as one object so main can be tested.
import { accessSync, constants, mkdirSync, opendirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgentError, isAgentError } from '../common/errors.ts';
import { DEFAULT_MAX_FILE_BYTES, fileError, readBounded, readTextBounded, replaceFileAtomically } from '../common/files.ts';
import { endpointText, type Endpoint } from '../common/kafka-endpoint.ts';
import { pickVersion, API, DESCRIBE_CLUSTER_VERSIONS } from '../common/kafka-messages.ts';
import { describeControllers } from '../common/kafka-quorum.ts';
import { openSession } from '../common/kafka-session.ts';
import type { Security } from '../common/kafka-security.ts';
import { startSupervised, type ChildExit } from '../common/supervise.ts';
import { startHealthServer, type HealthServer } from '../common/health-server.ts';
import { checkKafka } from '../common/kafka-check.ts';
import type { FileRead, Files, InputPaths } from './config.ts';
import type { Health } from './health-plan.ts';
import { MAX_LISTED_ENTRIES, type ControllerAnswer, type DirEntry, type LogDirState } from './storage-plan.ts';
import { realLeaveEffects, type LeaveEffects } from './leave.ts';
import { CODES } from './catalogue.ts';
import { realDrainEffects, type DrainEffects } from './drain.ts';
import { readKafkaZnodes, type ZookeeperFacts } from '../common/kafka-migration.ts';

export type Effects = {
  readonly readInputs: (paths: InputPaths) => Promise<Files>;
  readonly readLogDirs: (dirs: readonly string[]) => Promise<readonly LogDirState[]>;
  /** What each other controller says about the quorum, within `timeoutMs`, over sessions secured as `security`. */
  readonly askControllers: (endpoints: readonly Endpoint[], timeoutMs: number, security: Security) => Promise<readonly ControllerAnswer[]>;
  /** Kafka's znodes the migration checks read (one ZooKeeper session within `timeoutMs`), or ZK_UNREACHABLE / ZK_TIMEOUT. */
  readonly readZookeeper: (connect: string, timeoutMs: number) => Promise<ZookeeperFacts>;
  /** The path of an executable (a name is looked up on PATH), or JAVA_NOT_FOUND (exit 2). */
  readonly findExecutable: (name: string) => Promise<string>;
  readonly writeFileAtomic: (file: string, text: string) => Promise<'written' | 'unchanged'>;
  readonly runTool: (java: string, args: readonly string[]) => Promise<void>;
  readonly execJvm: (java: string, args: readonly string[], env: NodeJS.ProcessEnv) => Promise<never>;
  /** The JVM as this process's child: its PID once started, and its exit (signals forwarded meanwhile). */
  readonly superviseJvm: (
    java: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv,
    stopGraceMs: number,
    beforeStop?: () => Promise<void>,
  ) => Promise<{ readonly pid: number | undefined; readonly exited: Promise<ChildExit> }>;
  /** Bind the health port on all addresses (HEALTH_PORT_UNAVAILABLE, exit 2, when taken) and answer each probe with a fresh check. */
  readonly serveHealth: (health: Health, status: () => Readonly<Record<string, unknown>>) => Promise<HealthServer>;
  readonly leave: LeaveEffects;
  readonly drain: DrainEffects;
  readonly hostname: () => string;
  readonly stdout: (text: string) => void;
};

// An input file as text, or why not: a FIFO, /dev/zero or a 100 MB file is refused unread (readBounded).
export const readInputFile = (file: string | undefined, what: string, encoding: BufferEncoding): FileRead | undefined => {
  if (file === undefined) return undefined;
  try {
    return { path: file, text: readTextBounded(file, what, encoding) };
  } catch (error) {
    if (isAgentError(error))
      return { path: file, error: error.code === 'FILE_TOO_LARGE' ? `larger than ${DEFAULT_MAX_FILE_BYTES} bytes` : 'not a regular file' };
    return { path: file, error: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
};

const readInputs: Effects['readInputs'] = async (paths) => {
  // server.properties is ISO-8859-1 (java.util.Properties.load), as Kafka reads it.
  const configFile = readInputFile(paths.configFile, '-config-file', 'latin1');
  const clusterIdFile = readInputFile(paths.clusterIdFile, '-cluster-id-file', 'utf8');
  const rackFile = readInputFile(paths.rackFile, '-rack-file', 'utf8');
  const commandConfig = readInputFile(paths.commandConfig, '-command-config', 'latin1');
  return {
    hostname: os.hostname(),
    ...(configFile && { configFile }),
    ...(clusterIdFile && { clusterIdFile }),
    ...(rackFile && { rackFile }),
    ...(commandConfig && { commandConfig }),
  };
};

// Up to `max` names of a directory (never the whole listing of a huge one); a missing directory is empty.
const listDir = (dir: string, max: number): { names: { name: string; kind: DirEntry['kind'] }[]; complete: boolean } => {
  let handle;
  try {
    handle = opendirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { names: [], complete: true };
    throw fileError(CODES.LOG_DIR_UNREADABLE, 'list log dir', dir, error, 'log.dirs must name directories the entrypoint can read');
  }
  try {
    const names: { name: string; kind: DirEntry['kind'] }[] = [];
    for (let entry = handle.readSync(); entry !== null; entry = handle.readSync()) {
      if (names.length === max) return { names, complete: false };
      names.push({ name: entry.name, kind: entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : 'other' });
    }
    return { names, complete: true };
  } catch (error) {
    throw fileError(CODES.LOG_DIR_UNREADABLE, 'list log dir', dir, error, 'log.dirs must name directories the entrypoint can read');
  } finally {
    handle.closeSync();
  }
};

// meta.properties when there is one, else what the dir holds: the facts storagePlan decides on.
const readLogDirs: Effects['readLogDirs'] = async (dirs) =>
  dirs.map((dir): LogDirState => {
    const metaFile = path.join(dir, 'meta.properties');
    try {
      return { dir, kind: 'meta', text: readBounded(metaFile, 'meta.properties', 64 * 1024).toString('latin1') };
    } catch (error) {
      if (isAgentError(error)) throw error;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError(CODES.META_UNREADABLE, 'read', metaFile, error);
    }
    const listing = listDir(dir, MAX_LISTED_ENTRIES);
    const entries = listing.names.map((e): DirEntry => {
      if (e.kind !== 'dir' || e.name !== '__cluster_metadata-0') return e;
      const children = listDir(path.join(dir, e.name), 8);
      return { ...e, children: children.names.map((c) => c.name), childrenComplete: children.complete };
    });
    return { dir, kind: 'unformatted', entries, complete: listing.complete };
  });

// One controller's view (DescribeCluster on its controller listener, KIP-919): the leader it knows and whether it
// has replayed quorum metadata (the finalized-features epoch of its ApiVersions answer).
const askController = async (endpoint: Endpoint, deadline: number, security: Security): Promise<ControllerAnswer> => {
  const { conn, versions } = await openSession(endpoint, { clientId: 'kafka-entrypoint', deadline, security });
  try {
    const leaderId =
      pickVersion(versions.apis, API.DescribeCluster, DESCRIBE_CLUSTER_VERSIONS) === undefined
        ? -1
        : (await describeControllers({ conn, versions })).controllerId;
    return { endpoint: endpointText(endpoint), leaderId, metadataEpoch: versions.finalizedFeaturesEpoch };
  } finally {
    conn.close();
  }
};

const askControllers: Effects['askControllers'] = async (endpoints, timeoutMs, security) => {
  const deadline = Date.now() + timeoutMs;
  return Promise.all(
    endpoints.map((e) =>
      askController(e, deadline, security).catch((err: Error): ControllerAnswer => ({
        endpoint: endpointText(e),
        error: (err as AgentError).code ?? err.message,
      })),
    ),
  );
};

// Write through an exclusive, never-followed temp file and rename (issue 13: the old `<file>.tmp-<pid>` was
// followed through a planted symlink), and leave the file alone when its content is already right. A full,
// read-only or odd volume is exit 1 naming the path and the errno, with no temp file left.
const writeFileAtomic: Effects['writeFileAtomic'] = async (file, text) => {
  let current: string | undefined;
  try {
    current = readBounded(file, 'server.properties').toString('latin1');
  } catch {
    // Missing, a directory, too big: whatever it is, it is replaced (or the write names why it cannot be).
  }
  if (current === text) return 'unchanged';
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (error) {
    throw fileError(CODES.CONFIG_WRITE_FAILED, 'create the directory of', file, error, 'check that the volume is mounted and writable');
  }
  replaceFileAtomically(file, text, { encoding: 'latin1', errorCode: 'CONFIG_WRITE_FAILED' });
  return 'written';
};

// Synchronous on purpose: node:fs/promises and the first async fs call (libuv's thread pool) cost ~2-4 ms of
// every start for two stat calls (issue 10).
const isExecutableFile = (file: string): boolean => {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

// execve needs a path: search PATH like a shell would. Checked before execve, whose failure aborts Node with a
// native stack instead of throwing.
const resolveExecutable = async (name: string): Promise<string> => {
  if (name.includes('/')) {
    if (isExecutableFile(name)) return name;
    throw new AgentError(CODES.JAVA_NOT_FOUND, `${name} is not an executable file; set JAVA_HOME or -java`, { context: { java: name } });
  }
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  throw new AgentError(CODES.JAVA_NOT_FOUND, `${name} is not on PATH; set JAVA_HOME or -java`, { context: { java: name } });
};

// Run the StorageTool as a supervised child: a SIGTERM while it formats (the pod deleted during its first start) is
// passed on and waited for (issue 13: the child used to outlive the entrypoint), then the entrypoint stops too
// instead of starting a broker. What a stopped format wrote before meta.properties is formatted over next time.
const runTool: Effects['runTool'] = async (java, args) => {
  const file = await resolveExecutable(java);
  const { code, stopSignal } = await startSupervised(file, args, definedEnv(process.env)).exited;
  if (stopSignal)
    throw new AgentError(
      CODES.STORAGE_FORMAT_INTERRUPTED,
      `${stopSignal} while formatting storage: passed on to the StorageTool (exit ${code}) and stopped; the next start formats again`,
      { context: { signal: stopSignal, exitCode: code } },
    );
  if (code !== 0)
    throw new AgentError(CODES.STORAGE_FORMAT_FAILED, `kafka.tools.StorageTool format exited ${code}; its output is above`, { context: { exitCode: code } });
};

const definedEnv = (env: NodeJS.ProcessEnv): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));

// Replace this process with the JVM so it keeps the PID and receives SIGTERM itself (controlled shutdown).
const execJvm: Effects['execJvm'] = async (java, args, env) => {
  if (typeof process.execve !== 'function')
    throw new AgentError(CODES.EXEC_UNSUPPORTED, `process.execve is missing in Node ${process.version}; use Node 24 or later`);
  const file = await resolveExecutable(java);
  // Flush the log lines already written: after execve nothing of this process is left to do it.
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
  process.execve(file, [file, ...args], definedEnv(env));
  throw new AgentError(CODES.EXEC_FAILED, `execve ${file} returned`);
};

// Stay the JVM's parent (signals forwarded, its exit code passed through) when something must happen while it runs
// or after it stops.
const superviseJvm: Effects['superviseJvm'] = async (java, args, env, stopGraceMs, beforeStop) => {
  const { pid, exited } = startSupervised(await resolveExecutable(java), args, definedEnv(env), { stopGraceMs, ...(beforeStop && { beforeStop }) });
  return { pid, exited };
};

// kafka-probe's check per request, its deadline the request's: no process per probe. The server is unref'd, and
// closing it aborts the checks in flight (their sockets destroyed), so neither holds the entrypoint open after the
// JVM is gone.
const serveHealth: Effects['serveHealth'] = (health, status) =>
  startHealthServer(
    { port: health.port, checkTimeoutMs: health.checkTimeoutMs },
    { check: (name, deadline, signal) => checkKafka(health.checks[name], { clientId: 'kafka-entrypoint', deadline, signal }), status },
  );

export const realEffects: Effects = {
  readInputs,
  readLogDirs,
  askControllers,
  readZookeeper: readKafkaZnodes,
  findExecutable: resolveExecutable,
  writeFileAtomic,
  runTool,
  execJvm,
  superviseJvm,
  serveHealth,
  leave: realLeaveEffects,
  drain: realDrainEffects,
  hostname: () => os.hostname(),
  stdout: (text) => process.stdout.write(text),
};
