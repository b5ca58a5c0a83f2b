// "Pods" for zk-bootstrap on loopback, until a test needs real namespaces: pod N is 127.0.0.(N+2) with the same
// ports as every other pod (as in a StatefulSet), its own volume dir, and zk-bootstrap run as a child process.
import { mkdtempSync, mkdirSync, rmSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, startLogged, killGroup, type Started, type RunResult } from '../../harness/process.ts';
import { REPO_ROOT, zookeeperLibs, JVM_FLAGS } from '../../harness/servers.ts';
import { waitFor } from '../../harness/wait.ts';
import { SUPER_SECRET } from './loopback-zk.ts';
import { freePorts } from '../../harness/ports.ts';
import { reapOnExit, forget, reapDirOnExit, forgetDir } from './reaper.ts';
import { sendFourLetterWord } from '../../../common/zk-4lw.ts';
import { confFromText } from '../../../common/zk-4lw-parse.ts';

type Teardown = { teardown(fn: () => void | Promise<void>): void };

export const BOOTSTRAP = `${REPO_ROOT}/dist/zk-bootstrap.cjs`;

export class LoopbackPod {
  readonly ordinal: number;
  readonly volume: string;
  readonly ports: { client: number; quorum: number; election: number };
  readonly extraEnv: Record<string, string>;
  #run: Started | undefined;
  runExit: Promise<{ exitCode: number | null; signal: string | null }> | undefined;

  constructor(ordinal: number, volume: string, ports: LoopbackPod['ports'], extraEnv: Record<string, string>) {
    this.ordinal = ordinal;
    this.volume = volume;
    this.ports = ports;
    this.extraEnv = extraEnv;
  }

  get name(): string {
    return `zoo-${this.ordinal}`;
  }

  get ip(): string {
    return `127.0.0.${this.ordinal + 2}`;
  }

  get confFile(): string {
    return join(this.volume, 'data', 'conf', 'zoo.cfg');
  }

  env(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOSTNAME: this.name,
      ZOO_DATA_DIR: join(this.volume, 'data'),
      ZK_ADDRESS: this.ip,
      ZK_CLIENT_ADDRESS: this.ip,
      ZK_CLIENT_PORT: String(this.ports.client),
      ZK_SERVER_PORT: String(this.ports.quorum),
      ZK_ELECTION_PORT: String(this.ports.election),
      ZK_SUPER_SECRET: SUPER_SECRET,
      ZK_TIMEOUT: '3s',
      ZK_WAIT_TIMEOUT: '60s',
      // Distinct loopback addresses share ports: each server must bind its own address, not 0.0.0.0.
      ZOO_CFG_EXTRA: 'quorumListenOnAllIPs=false tickTime=500',
      ZOO_ADMINSERVER_ENABLED: 'false',
      ...this.extraEnv,
      ...overrides,
    };
  }

  /** `zk-bootstrap init` with the peer list (names of pods that "exist in DNS") on stdin. */
  init(peers: readonly LoopbackPod[], overrides: Record<string, string> = {}): Promise<RunResult> {
    return run([process.execPath, BOOTSTRAP, 'init'], { input: peers.map((p) => p.ip).join('\n') + '\n', env: this.env(overrides), timeoutMs: 120_000 });
  }

  serverCommand(): string[] {
    return ['java', '-Xms32m', '-Xmx256m', ...JVM_FLAGS, '-cp', `${zookeeperLibs}/*`, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', this.confFile];
  }

  /** `zk-bootstrap run -- java ...` in the background, output in <volume>/run.log. */
  start(overrides: Record<string, string> = {}): void {
    this.#run = startLogged([process.execPath, BOOTSTRAP, 'run', '--', ...this.serverCommand()], join(this.volume, 'run.log'), this.env(overrides));
    reapOnExit(this.#run.child.pid);
    this.runExit = this.#run.exited;
  }

  /** The server zk-bootstrap run started (its child), as /proc shows it to anyone on the node: argv and environment. */
  server(): { pid: number; argv: string[]; env: Record<string, string> } | undefined {
    const parent = this.#run?.child.pid;
    if (parent === undefined) return undefined;
    const read = (pid: string, file: string): string[] => readFileSync(`/proc/${pid}/${file}`, 'utf8').split('\0').filter(Boolean);
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after the last ')'.
        const ppid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').pop()?.trim().split(' ')[1]);
        if (ppid !== parent) continue;
        const env = Object.fromEntries(read(pid, 'environ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
        return { pid: Number(pid), argv: read(pid, 'cmdline'), env };
      } catch {
        // gone meanwhile
      }
    }
    return undefined;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.#run?.child.pid) process.kill(this.#run.child.pid, signal);
  }

  /** kill -9 of zk-bootstrap and the JVM (the whole process group), like a node failure. */
  async kill(): Promise<void> {
    const started = this.#run;
    this.#run = undefined;
    if (!started) return;
    killGroup(started.child, 'SIGKILL');
    await started.exited;
    forget(started.child.pid);
  }

  leave(overrides: Record<string, string> = {}): Promise<RunResult> {
    return run([process.execPath, BOOTSTRAP, 'leave'], { env: this.env(overrides), timeoutMs: 120_000 });
  }

  async ask(word: 'srvr' | 'conf' | 'ruok'): Promise<string | undefined> {
    const r = await sendFourLetterWord({ host: this.ip, port: this.ports.client, word, timeoutMs: 1000 });
    return r.kind === 'answer' ? r.text : undefined;
  }

  /** The committed membership as this pod's server reports it: `1:participant,2:observer`. */
  async members(): Promise<string | undefined> {
    const text = await this.ask('conf');
    const conf = text === undefined ? undefined : confFromText(text);
    return conf?.kind === 'conf' ? conf.membership.servers.map((s) => `${s.id}:${s.role}`).join(',') : undefined;
  }

  waitMembers(want: string, timeoutMs = 60_000): Promise<string> {
    return waitFor(`${this.name} to report members ${want} (log ${this.volume}/run.log)`, async () => ((await this.members()) === want ? want : undefined), { timeoutMs, intervalMs: 100 });
  }
}

// `count` pods sharing three random ports, volumes under one temp dir; everything killed and removed at teardown.
export const loopbackPods = async (t: Teardown, count: number, extraEnv: Record<string, string> = {}): Promise<LoopbackPod[]> => {
  const root = mkdtempSync(join(tmpdir(), 'zk-pods-'));
  reapDirOnExit(root);
  const [client, quorum, election] = (await freePorts(3)) as [number, number, number];
  const pods = Array.from({ length: count }, (_, i) => {
    const volume = join(root, `zoo-${i}`);
    mkdirSync(volume, { recursive: true });
    return new LoopbackPod(i, volume, { client, quorum, election }, extraEnv);
  });
  t.teardown(async () => {
    await Promise.all(pods.map((p) => p.kill()));
    if (!process.env.KEEP_ZK_PODS) rmSync(root, { recursive: true, force: true });
    forgetDir(root);
  });
  return pods;
};
