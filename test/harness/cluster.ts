// A Kubernetes-like cluster on one machine for one test: a bridge and subnet of its own, the cluster DNS, headless
// Services whose records follow the pods, StatefulSets, and client pods. Everything goes at teardown.
import { mkdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createClusterNet, destroyClusterNet, addressIn, createPodNet, destroyPodNet, STATE_ROOT, type ClusterNet, type PodNet } from './net.ts';
import { ClusterDns } from './dns.ts';
import { serviceRecords, type ServiceSpec, type Endpoint } from './service.ts';
import { StatefulSet, type StatefulSetSpec } from './statefulset.ts';
import { Pod, type PodSpec } from './pod.ts';

export type TestLike = { teardown(fn: () => unknown): void };

const live = new Set<Cluster>();

export class Cluster {
  readonly id: string;
  readonly namespace = 'default';
  readonly domain = 'cluster.local';
  readonly dir: string;
  readonly net: ClusterNet;
  readonly dns: ClusterDns;
  readonly #dnsNet: PodNet;
  readonly #services = new Map<string, ServiceSpec & { extra: Endpoint[] }>();
  readonly #sets: StatefulSet[] = [];
  readonly #pods: Pod[] = [];
  readonly #usedIps = new Set<string>();
  #nextHost = 10;
  #dnsDirty: Promise<void> | undefined;
  #dnsAgain = false;

  private constructor(id: string, net: ClusterNet, dnsNet: PodNet, dns: ClusterDns, dir: string) {
    this.id = id;
    this.net = net;
    this.#dnsNet = dnsNet;
    this.dns = dns;
    this.dir = dir;
  }

  /** Needs root; call from a test whose options carry `skip: skipUnlessRoot`. */
  static async create(t: TestLike): Promise<Cluster> {
    const id = randomBytes(2).toString('hex');
    const dir = `/tmp/sa-harness/${id}`;
    mkdirSync(dir, { recursive: true });
    mkdirSync(`${STATE_ROOT}/${id}`, { recursive: true });
    const net = await createClusterNet(id);
    let dnsNet: PodNet;
    try {
      dnsNet = await createPodNet(net, { name: 'dns', ips: [addressIn(net, 2), addressIn(net, 3)], resolvConf: '', hosts: '127.0.0.1 localhost\n' });
    } catch (error) {
      await destroyClusterNet(net);
      throw error;
    }
    const dns = new ClusterDns(dnsNet, [addressIn(net, 2), addressIn(net, 3)], dir, 'cluster.local');
    const cluster = new Cluster(id, net, dnsNet, dns, dir);
    live.add(cluster);
    t.teardown(() => cluster.destroy());
    await dns.start();
    return cluster;
  }

  get dnsIps(): readonly string[] {
    return this.dns.ips;
  }

  /** A headless Service; its records follow the pods of StatefulSets that name it. */
  service(spec: ServiceSpec): void {
    this.#services.set(spec.name, { ...spec, extra: [] });
    void this.#syncDns();
  }

  /** Endpoints without pods (a Service with hand-made Endpoints), e.g. 1,000 members for a DNS test. */
  setExtraEndpoints(service: string, endpoints: Endpoint[]): Promise<void> {
    const svc = this.#services.get(service);
    if (!svc) throw new Error(`no service ${service}`);
    svc.extra = endpoints;
    return this.#syncDns();
  }

  statefulSet(spec: StatefulSetSpec): StatefulSet {
    const set = new StatefulSet(
      {
        podEnvironment: (serviceName) => ({
          net: this.net,
          namespace: this.namespace,
          domain: this.domain,
          serviceName,
          dnsIps: this.dnsIps,
          dir: this.dir,
          onChange: () => this.#syncDns(),
        }),
        allocateIp: () => this.#allocateIp(),
        releaseIp: (ip) => this.#usedIps.delete(ip),
        volumeDir: (claim) => `${this.dir}/volumes/${claim}`,
        changed: () => void this.#syncDns(),
      },
      spec,
    );
    this.#sets.push(set);
    return set;
  }

  /** A standalone pod (a client, a debug shell) with the cluster's DNS; `sleep infinity` unless told otherwise. */
  async pod(name: string, spec: Partial<PodSpec> = {}): Promise<Pod> {
    const pod = new Pod(
      { net: this.net, namespace: this.namespace, domain: this.domain, serviceName: undefined, dnsIps: this.dnsIps, dir: this.dir, onChange: () => {} },
      { container: { name: 'main', command: ['sleep', 'infinity'] }, ...spec },
      name,
      -1,
      this.#allocateIp(),
      `${this.dir}/volumes/${name}`,
    );
    this.#pods.push(pod);
    await pod.start();
    return pod;
  }

  /** Wait until the DNS servers answer from the current state of pods and services. */
  async dnsSettled(): Promise<void> {
    while (this.#dnsDirty) await this.#dnsDirty;
  }

  #allocateIp(): string {
    for (let i = 0; i < 240; i++) {
      const host = this.#nextHost;
      this.#nextHost = this.#nextHost >= 249 ? 10 : this.#nextHost + 1;
      const ip = addressIn(this.net, host);
      if (!this.#usedIps.has(ip)) {
        this.#usedIps.add(ip);
        return ip;
      }
    }
    throw new Error('cluster subnet is full');
  }

  // Coalesce record changes: at most one DNS update runs, and one more follows if anything changed meanwhile.
  #syncDns(): Promise<void> {
    if (this.#dnsDirty) {
      this.#dnsAgain = true;
      return this.#dnsDirty;
    }
    this.#dnsDirty = (async () => {
      do {
        this.#dnsAgain = false;
        await this.dns.update(this.#records());
      } while (this.#dnsAgain);
      this.#dnsDirty = undefined;
    })();
    return this.#dnsDirty;
  }

  #records() {
    const endpoints = (service: string): Endpoint[] => {
      const svc = this.#services.get(service);
      const fromPods = this.#sets
        .filter((s) => s.spec.serviceName === service)
        .flatMap((s) => s.pods)
        // A terminating pod is not ready, so it stays in DNS only where not-ready pods are published (as with
        // EndpointSlices: terminating endpoints are kept, marked not ready).
        .filter((p) => p.phase !== 'Gone' && (p.ready || svc?.publishNotReadyAddresses))
        .map((p) => ({ hostname: p.name, ip: p.ip }));
      return [...fromPods, ...(svc?.extra ?? [])];
    };
    return serviceRecords([...this.#services.values()], endpoints, this.namespace, this.domain);
  }

  async destroy(): Promise<void> {
    if (!live.has(this)) return;
    live.delete(this);
    await Promise.allSettled([...this.#sets.map((s) => s.stop('kill')), ...this.#pods.map((p) => p.kill())]);
    await this.dns.stop();
    await destroyPodNet(this.#dnsNet);
    await destroyClusterNet(this.net);
    rmSync(`${STATE_ROOT}/${this.id}`, { recursive: true, force: true });
    if (!process.env.SA_KEEP) rmSync(this.dir, { recursive: true, force: true });
  }
}

// An interrupted test run (tap's timeout sends SIGTERM) still takes its namespaces down.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void Promise.allSettled([...live].map((c) => c.destroy())).then(() => process.exit(128 + (signal === 'SIGTERM' ? 15 : 2)));
  });
}

export const skipUnlessRoot: string | false = process.getuid?.() === 0 ? false : 'needs root for network namespaces (run as root)';
