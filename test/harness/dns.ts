// The cluster DNS: two dnsmasq servers (pods list both, like a two-replica CoreDNS) serving the records CoreDNS
// would serve for headless Services. dnsmasq re-reads SRV records only on restart, so an update restarts the two
// servers one after the other: there is always one answering, and each restart takes ~30 ms.
import { writeFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { startLogged, killGroup, type Started } from './process.ts';
import { inPod, type PodNet } from './net.ts';
import { waitFor } from './wait.ts';

export type DnsRecords = {
  /** name → addresses (A records) */
  readonly a: ReadonlyMap<string, readonly string[]>;
  /** name → SRV targets */
  readonly srv: ReadonlyMap<string, ReadonlyArray<{ target: string; port: number; weight: number }>>;
};

// dnsmasq config + hosts file text for a record set; pure, so the record shapes are unit-tested.
export const dnsmasqFiles = (records: DnsRecords, listen: string, dir: string, zone: string): { conf: string; hosts: string } => {
  const conf = [
    'no-resolv',
    'no-hosts',
    'keep-in-foreground',
    'user=root',
    `listen-address=${listen}`,
    'bind-interfaces',
    `local=/${zone}/`,
    'local-ttl=1',
    'log-facility=-',
    `addn-hosts=${dir}/hosts`,
    ...[...records.srv].flatMap(([name, targets]) => targets.map((t) => `srv-host=${name},${t.target},${t.port},0,${t.weight}`)),
  ];
  const hosts = [...records.a].flatMap(([name, ips]) => ips.map((ip) => `${ip} ${name}`));
  return { conf: conf.join('\n') + '\n', hosts: hosts.join('\n') + '\n' };
};

export class ClusterDns {
  readonly ips: readonly string[];
  readonly #podNet: PodNet;
  readonly #dir: string;
  readonly #zone: string;
  readonly #servers: Array<Started | undefined> = [];
  #records: DnsRecords = { a: new Map(), srv: new Map() };
  #stopped = false;
  #queue: Promise<void> = Promise.resolve();

  constructor(podNet: PodNet, ips: readonly string[], dir: string, zone: string) {
    this.#podNet = podNet;
    this.ips = ips;
    this.#dir = dir;
    this.#zone = zone;
  }

  /** Replace the record set; resolves once every running server answers from the new set. */
  update(records: DnsRecords): Promise<void> {
    this.#records = records;
    return this.#enqueue(async () => {
      if (this.#stopped) return;
      for (let i = 0; i < this.ips.length; i++) await this.#restart(i);
    });
  }

  /** Stop answering (a DNS outage), until start(). */
  stop(): Promise<void> {
    return this.#enqueue(async () => {
      this.#stopped = true;
      for (let i = 0; i < this.ips.length; i++) await this.#kill(i);
    });
  }

  start(): Promise<void> {
    return this.#enqueue(async () => {
      this.#stopped = false;
      for (let i = 0; i < this.ips.length; i++) await this.#restart(i);
    });
  }

  #enqueue(step: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(step, step);
    return this.#queue;
  }

  async #kill(i: number): Promise<void> {
    const server = this.#servers[i];
    if (!server) return;
    killGroup(server.child, 'SIGKILL');
    await server.exited;
    this.#servers[i] = undefined;
  }

  async #restart(i: number): Promise<void> {
    const ip = this.ips[i] as string;
    const dir = `${this.#dir}/dns-${i}`;
    mkdirSync(dir, { recursive: true });
    const files = dnsmasqFiles(this.#records, ip, dir, this.#zone);
    writeFileSync(`${dir}/hosts`, files.hosts);
    writeFileSync(`${dir}/dnsmasq.conf`, files.conf);
    await this.#kill(i);
    this.#servers[i] = startLogged([...inPod(this.#podNet), 'dnsmasq', `--conf-file=${dir}/dnsmasq.conf`], `${dir}/dnsmasq.log`, {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    });
    const server = this.#servers[i] as Started;
    const exited = server.exited.then(({ exitCode, signal }) => {
      throw new Error(`dnsmasq on ${ip} exited ${exitCode ?? signal}: ${tail(`${dir}/dnsmasq.log`)}`);
    });
    const up = waitFor(
      () => `dnsmasq on ${ip} to answer (log: ${tail(`${dir}/dnsmasq.log`)})`,
      () => answers(ip),
      { timeoutMs: 30_000, intervalMs: 20 },
    );
    await Promise.race([up, exited]);
    exited.catch(() => {}); // a later exit is the next restart's business
  }
}

const tail = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8').slice(-600).trim() : '');

// One SOA-less probe query: any reply means the server is up.
const answers = (ip: string): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createSocket('udp4');
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 200);
    socket.on('message', () => done(true));
    socket.on('error', () => done(false));
    socket.send(dnsPacket.encode({ type: 'query', id: 1, questions: [{ type: 'A', name: 'probe.invalid' }] }), 53, ip);
  });
