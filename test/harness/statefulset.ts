// The StatefulSet controller: pods <name>-0..N-1 with a volume each that outlives them, OrderedReady or Parallel
// creation, scale-down from the highest ordinal, and recreation of any pod that was deleted or killed.
import { Pod, type PodSpec, type PodEnvironment } from './pod.ts';
import { waitFor } from './wait.ts';

export type StatefulSetSpec = PodSpec & {
  readonly name: string;
  readonly serviceName?: string;
  readonly replicas: number;
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
};

export type StatefulSetHost = {
  podEnvironment(serviceName: string | undefined): PodEnvironment;
  allocateIp(): string;
  releaseIp(ip: string): void;
  volumeDir(claim: string): string;
  changed(): void;
};

export class StatefulSet {
  /** The pod template: pods created from now on get this one (rollingUpdate changes it). */
  spec: StatefulSetSpec;
  replicas: number;
  /** Why the last controller step failed, if it did. */
  lastError: string | undefined;
  readonly #host: StatefulSetHost;
  readonly #pods = new Map<number, Pod>();
  #running = false;
  #busy = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(host: StatefulSetHost, spec: StatefulSetSpec) {
    this.#host = host;
    this.spec = spec;
    this.replicas = spec.replicas;
  }

  get pods(): Pod[] {
    return [...this.#pods.values()].sort((a, b) => a.ordinal - b.ordinal);
  }

  /** The live pod with this ordinal (throws when there is none). */
  pod(ordinal: number): Pod {
    const pod = this.#pods.get(ordinal);
    if (!pod) throw new Error(`${this.spec.name}-${ordinal} does not exist`);
    return pod;
  }

  start(): void {
    this.#running = true;
    this.#timer = setInterval(() => void this.reconcile(), 100);
    void this.reconcile();
  }

  scale(replicas: number): void {
    this.replicas = replicas;
    void this.reconcile();
  }

  /** Wait until pods 0..n-1 are Ready and no other pod exists. */
  waitReady(n = this.replicas, timeoutMs = 120_000): Promise<Pod[]> {
    return waitFor(
      () =>
        `${this.spec.name}: ${n} ready pods (now: ${this.pods.map((p) => `${p.name}=${p.phase}${p.ready ? '/ready' : ''}`).join(' ') || 'none'}${this.lastError ? `; controller error: ${this.lastError}` : ''})`,
      () => {
        const pods = this.pods;
        return pods.length === n && pods.every((p, i) => p.ordinal === i && p.ready && p.phase === 'Running') ? pods : undefined;
      },
      { timeoutMs },
    );
  }

  /**
   * A template change rolled out as the StatefulSet controller's RollingUpdate does: the new template, then each pod
   * from the highest ordinal down deleted and recreated with it, the next only once the recreated one is Ready.
   */
  async rollingUpdate(change: (spec: StatefulSetSpec) => StatefulSetSpec, timeoutMs = 300_000): Promise<void> {
    this.spec = change(this.spec);
    for (const pod of this.pods.toReversed()) {
      await this.deletePod(pod.ordinal);
      await this.waitReady(this.replicas, timeoutMs);
    }
  }

  /** Graceful deletion; the controller recreates the pod with the same name and volume. */
  async deletePod(ordinal: number): Promise<void> {
    await this.#remove(this.pod(ordinal), 'delete');
  }

  /** kill -9 of every process in the pod; the controller recreates it with the same name and volume. */
  async killPod(ordinal: number): Promise<void> {
    await this.#remove(this.pod(ordinal), 'kill');
  }

  /** Stop reconciling and delete every pod (volumes stay until the cluster goes). */
  async stop(mode: 'delete' | 'kill' = 'kill'): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await Promise.all(this.pods.map((p) => this.#remove(p, mode)));
  }

  async #remove(pod: Pod, mode: 'delete' | 'kill'): Promise<void> {
    await (mode === 'delete' ? pod.delete() : pod.kill());
    if (this.#pods.get(pod.ordinal) === pod) this.#pods.delete(pod.ordinal);
    this.#host.releaseIp(pod.ip);
    this.#host.changed();
    void this.reconcile();
  }

  // One step of the controller, serialised: create the lowest missing ordinal or remove the highest extra one.
  async reconcile(): Promise<void> {
    if (!this.#running || this.#stopped || this.#busy) return;
    this.#busy = true;
    try {
      const ordered = (this.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
      const extra = this.pods.filter((p) => p.ordinal >= this.replicas).reverse();
      if (extra.length > 0) {
        const healthy = this.pods.every((p) => p.ready || p.ordinal >= this.replicas);
        if (!ordered) await Promise.all(extra.map((p) => this.#remove(p, 'delete')));
        else if (healthy) await this.#remove(extra[0] as Pod, 'delete');
        return;
      }
      for (let ordinal = 0; ordinal < this.replicas; ordinal++) {
        const existing = this.#pods.get(ordinal);
        if (!existing) {
          await this.#create(ordinal);
          if (ordered) return;
        } else if (ordered && !existing.ready) return;
      }
    } catch (error) {
      // A failed step is retried on the next tick, as a controller does; say why it failed.
      this.lastError = error instanceof Error ? error.message : String(error);
    } finally {
      this.#busy = false;
    }
  }

  async #create(ordinal: number): Promise<void> {
    const name = `${this.spec.name}-${ordinal}`;
    const pod = new Pod(
      this.#host.podEnvironment(this.spec.serviceName),
      this.spec,
      name,
      ordinal,
      this.#host.allocateIp(),
      this.#host.volumeDir(`datadir-${name}`),
    );
    this.#pods.set(ordinal, pod);
    await pod.start();
  }
}
