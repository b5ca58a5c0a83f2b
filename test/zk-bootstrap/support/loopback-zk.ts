// Real ZooKeeper 3.9 servers on 127.0.0.1 (random ports, own temp dirs) for tests that do not need pods.
// Every server started here is killed and its directory removed at the test's teardown.
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLogged, killGroup, type Started } from '../../harness/process.ts';
import { zookeeperServerCommand } from '../../harness/servers.ts';
import { waitFor } from '../../harness/wait.ts';
import { freePorts } from '../../harness/ports.ts';
import { sendFourLetterWord } from '../../../common/zk-4lw.ts';
import { srvrFromText } from '../../../common/zk-4lw-parse.ts';
import { reapOnExit, forget, reapDirOnExit, forgetDir } from './reaper.ts';

type Teardown = { teardown(fn: () => void | Promise<void>): void };

export const SUPER_SECRET = 'test-secret';

// ZooKeeper's DigestAuthenticationProvider form: user:base64(sha1("user:password")).
export const superDigest = (user: string, password: string): string =>
  `${user}:${createHash('sha1').update(`${user}:${password}`).digest('base64')}`;

export type MemberPorts = { readonly id: number; readonly client: number; readonly quorum: number; readonly election: number };

export const serverLine = (m: MemberPorts, role: 'participant' | 'observer' = 'participant'): string =>
  `server.${m.id}=127.0.0.1:${m.quorum}:${m.election}:${role};127.0.0.1:${m.client}`;

export class LoopbackZk {
  readonly dir: string;
  readonly ports: MemberPorts;
  #started: Started | undefined;

  constructor(dir: string, ports: MemberPorts) {
    this.dir = dir;
    this.ports = ports;
  }

  get connectString(): string {
    return `127.0.0.1:${this.ports.client}`;
  }

  get confFile(): string {
    return join(this.dir, 'conf', 'zoo.cfg');
  }

  /** Write a dynamic-mode config (standaloneEnabled=false, reconfigEnabled=true) listing `dynamicLines`. */
  writeConfig(dynamicLines: readonly string[], extra: readonly string[] = []): void {
    mkdirSync(join(this.dir, 'data'), { recursive: true });
    mkdirSync(join(this.dir, 'conf'), { recursive: true });
    writeFileSync(join(this.dir, 'data', 'myid'), `${this.ports.id}\n`);
    writeFileSync(join(this.dir, 'conf', 'zoo.cfg.dynamic'), dynamicLines.join('\n') + '\n');
    writeFileSync(
      this.confFile,
      [
        'tickTime=500',
        'initLimit=10',
        'syncLimit=5',
        `dataDir=${join(this.dir, 'data')}`,
        'standaloneEnabled=false',
        'reconfigEnabled=true',
        '4lw.commands.whitelist=ruok,srvr,conf,mntr',
        'admin.enableServer=false',
        'quorumListenOnAllIPs=false',
        ...extra,
        `dynamicConfigFile=${join(this.dir, 'conf', 'zoo.cfg.dynamic')}`,
      ].join('\n') + '\n',
    );
  }

  start(): void {
    const argv = zookeeperServerCommand(this.confFile, [`-Dzookeeper.DigestAuthenticationProvider.superDigest=${superDigest('super', SUPER_SECRET)}`]);
    this.#started = startLogged(argv, join(this.dir, 'server.log'), { PATH: process.env.PATH ?? '/usr/bin:/bin' });
    reapOnExit(this.#started.child.pid);
  }

  async kill(): Promise<void> {
    const started = this.#started;
    this.#started = undefined;
    if (!started) return;
    killGroup(started.child, 'SIGKILL');
    await started.exited;
    forget(started.child.pid);
  }

  /** Wait until `srvr` shows a Mode (the server serves). */
  waitServing(timeoutMs = 30_000): Promise<string> {
    return waitFor(`ZooKeeper ${this.ports.id} on ${this.connectString} to serve (log ${this.dir}/server.log)`, async () => {
      const r = await sendFourLetterWord({ host: '127.0.0.1', port: this.ports.client, word: 'srvr', timeoutMs: 1000 });
      if (r.kind !== 'answer') return undefined;
      const s = srvrFromText(r.text);
      return s.kind === 'serving' ? s.mode : undefined;
    }, { timeoutMs, intervalMs: 50 });
  }
}

// A temp dir per server and ports for each; servers are killed and dirs removed at teardown.
export const loopbackMembers = async (t: Teardown, count: number): Promise<LoopbackZk[]> => {
  const root = mkdtempSync(join(tmpdir(), 'zk-loopback-'));
  reapDirOnExit(root);
  const ports = await freePorts(count * 3);
  const members = Array.from({ length: count }, (_, i) =>
    new LoopbackZk(join(root, `zk-${i + 1}`), { id: i + 1, client: ports[i * 3] as number, quorum: ports[i * 3 + 1] as number, election: ports[i * 3 + 2] as number }),
  );
  t.teardown(async () => {
    await Promise.all(members.map((m) => m.kill()));
    rmSync(root, { recursive: true, force: true });
    forgetDir(root);
  });
  return members;
};

// One serving single-participant ensemble (the first member of a dynamic ensemble).
export const startFirstMember = async (t: Teardown, extra: readonly string[] = []): Promise<LoopbackZk> => {
  const [zk] = (await loopbackMembers(t, 1)) as [LoopbackZk];
  zk.writeConfig([serverLine(zk.ports)], extra);
  zk.start();
  await zk.waitServing();
  return zk;
};
