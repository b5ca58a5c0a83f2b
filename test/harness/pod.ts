// A pod: its namespaces, a persistent volume directory, an emptyDir, init containers run in order (a failure is
// retried with back-off, as kubelet does), the main container restarted when it exits, exec probes, preStop and
// a grace period on deletion.
import { appendFileSync, mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createPodNet, destroyPodNet, inPod, type ClusterNet, type PodNet } from './net.ts';
import { run, startLogged, killGroup, type RunResult, type RunOptions, type Started } from './process.ts';
import { delay } from './wait.ts';
import { httpGet } from './http.ts';

// An exec probe (`command`) or, as kubelet's httpGet, a GET from the node to the pod's IP: 200-399 passes.
export type Probe = ExecProbe | HttpProbe;
export type ExecProbe = ProbeTiming & { readonly command: readonly string[]; readonly httpGet?: undefined };
export type HttpProbe = ProbeTiming & { readonly httpGet: { readonly port: number; readonly path: string }; readonly command?: undefined };
type ProbeTiming = {
  readonly periodMs?: number;
  readonly timeoutMs?: number;
  readonly failureThreshold?: number;
  readonly initialDelayMs?: number;
};

export type Container = {
  readonly name: string;
  readonly command: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Text fed to the container's stdin (kubelet gives none; useful for hooks). */
  readonly stdin?: string;
};

export type MainContainer = Container & {
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly preStop?: { readonly command: readonly string[] };
  readonly terminationGracePeriodMs?: number;
  /**
   * 'process': SIGTERM only the container's main process, as kubelet does (PID 1 of the container), so a supervisor
   * that works before stopping its child (kafka-entrypoint's drain) is seen as in Kubernetes. Default 'group': every
   * process of the container, which suits `sh -c` commands that do not forward signals.
   */
  readonly stopSignalTo?: 'group' | 'process';
};

export type PodSpec = {
  readonly initContainers?: readonly Container[];
  readonly container: MainContainer;
};

export type PodPhase = 'Pending' | 'Initializing' | 'Running' | 'Terminating' | 'Gone';

export type PodEnvironment = {
  readonly net: ClusterNet;
  readonly namespace: string;
  readonly domain: string;
  readonly serviceName: string | undefined;
  readonly dnsIps: readonly string[];
  readonly dir: string;
  /** Called on every phase or readiness change; resolves when DNS reflects it. */
  readonly onChange: () => Promise<void> | void;
};

// `$(VAR)` in commands and env values expands from the container's env, as in a Kubernetes container spec.
export const expandVars = (text: string, env: Readonly<Record<string, string>>): string =>
  text.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);

// resolv.conf as kubelet writes it for a pod with ClusterFirst DNS policy.
export const kubeletResolvConf = (namespace: string, domain: string, nameservers: readonly string[]): string =>
  [`search ${namespace}.svc.${domain} svc.${domain} ${domain}`, ...nameservers.map((ip) => `nameserver ${ip}`), 'options ndots:5', ''].join('\n');

export class Pod {
  readonly name: string;
  readonly ordinal: number;
  readonly ip: string;
  readonly fqdn: string | undefined;
  readonly volumeDir: string;
  readonly workDir: string;
  readonly logDir: string;
  phase: PodPhase = 'Pending';
  ready = false;
  /** Main container starts so far (1 after the first start). */
  starts = 0;
  readonly #env: PodEnvironment;
  readonly #spec: PodSpec;
  #podNet: PodNet | undefined;
  #main: Started | undefined;
  #stopping = false;
  #loops: Promise<void>[] = [];

  constructor(env: PodEnvironment, spec: PodSpec, name: string, ordinal: number, ip: string, volumeDir: string) {
    this.#env = env;
    this.#spec = spec;
    this.name = name;
    this.ordinal = ordinal;
    this.ip = ip;
    this.fqdn = env.serviceName ? `${name}.${env.serviceName}.${env.namespace}.svc.${env.domain}` : undefined;
    this.volumeDir = volumeDir;
    this.workDir = `${env.dir}/work/${name}`;
    this.logDir = `${env.dir}/logs`;
  }

  get containerEnv(): Record<string, string> {
    return {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
      HOME: '/root',
      LANG: 'C.UTF-8',
      HOSTNAME: this.name,
      POD_NAME: this.name,
      POD_NAMESPACE: this.#env.namespace,
      POD_IP: this.ip,
      VOLUME: this.volumeDir,
      WORK_DIR: this.workDir,
      // The container's own /tmp, removed with the pod: what a killed process leaves there never reaches the host's.
      TMPDIR: `${this.workDir}/tmp`,
    };
  }

  /** Create the namespaces and run the pod's containers in the background. */
  async start(): Promise<void> {
    mkdirSync(this.volumeDir, { recursive: true });
    mkdirSync(`${this.workDir}/tmp`, { recursive: true });
    mkdirSync(this.logDir, { recursive: true });
    const hostsLine = this.fqdn ? `${this.ip}\t${this.fqdn}\t${this.name}` : `${this.ip}\t${this.name}`;
    this.#podNet = await createPodNet(this.#env.net, {
      name: this.name,
      ips: [this.ip],
      resolvConf: kubeletResolvConf(this.#env.namespace, this.#env.domain, this.#env.dnsIps),
      hosts: `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${hostsLine}\n`,
    });
    this.phase = 'Initializing';
    // Endpoints are published about when the pod gets its IP, before its containers run (a JVM caches a failed
    // lookup for 10 s, so a peer missing from DNS at start costs an ensemble seconds).
    await this.#env.onChange();
    this.#loops.push(this.#lifecycle());
  }

  /** Run a command inside the pod (its hostname, network and resolv.conf). */
  exec(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    if (!this.#podNet) throw new Error(`pod ${this.name} has no namespaces`);
    const env = { ...this.containerEnv, ...(options.env ?? {}) };
    return run([...inPod(this.#podNet), ...argv.map((a) => expandVars(a, env))], { ...options, env });
  }

  /** Text a container wrote to stdout/stderr, across restarts. */
  logs(container = this.#spec.container.name): string {
    const file = `${this.logDir}/${this.name}.${container}.log`;
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  /** SIGKILL the main container; kubelet restarts it in place (same IP, same volume). */
  killMainContainer(): void {
    if (this.#main) killGroup(this.#main.child, 'SIGKILL');
  }

  /** Graceful deletion: preStop, SIGTERM, grace period, SIGKILL; the namespaces and the emptyDir go. */
  async delete(): Promise<void> {
    if (this.phase === 'Gone') return;
    const graceMs = this.#spec.container.terminationGracePeriodMs ?? 30_000;
    const deadline = Date.now() + graceMs;
    this.#stopping = true;
    this.phase = 'Terminating';
    this.ready = false;
    this.#env.onChange();
    const preStop = this.#spec.container.preStop;
    if (preStop && this.#main) {
      const r = await this.exec(preStop.command, { timeoutMs: graceMs, env: this.#mainEnv() });
      this.#appendLog(`preStop exited ${r.exitCode}\n${r.stdout}${r.stderr}`);
    }
    if (this.#main) {
      if (this.#spec.container.stopSignalTo === 'process') this.#main.child.kill('SIGTERM');
      else killGroup(this.#main.child, 'SIGTERM');
      const left = Math.max(0, deadline - Date.now());
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), left)));
      const timedOut = await Promise.race([this.#main.exited.then(() => false), graceOver]);
      clearTimeout(timer); // a pending grace timer would keep the test process alive after the pod is gone
      if (timedOut) killGroup(this.#main.child, 'SIGKILL');
    }
    await this.#teardown();
  }

  /** kill -9 of everything in the pod at once (a node crash); the namespaces and the emptyDir go. */
  async kill(): Promise<void> {
    if (this.phase === 'Gone') return;
    this.#stopping = true;
    this.phase = 'Terminating';
    this.ready = false;
    if (this.#main) killGroup(this.#main.child, 'SIGKILL');
    await this.#teardown();
  }

  async #teardown(): Promise<void> {
    if (this.#podNet) await destroyPodNet(this.#podNet);
    await Promise.allSettled(this.#loops);
    rmSync(this.workDir, { recursive: true, force: true });
    this.phase = 'Gone';
    this.#env.onChange();
  }

  #appendLog(text: string, container = this.#spec.container.name): void {
    mkdirSync(this.logDir, { recursive: true });
    appendFileSync(`${this.logDir}/${this.name}.${container}.log`, `[harness] ${text}\n`);
  }

  // Hooks and exec probes run inside the main container, so with its env, as kubelet runs them.
  #mainEnv(): Record<string, string> {
    return this.#containerEnvOf(this.#spec.container);
  }

  #containerEnvOf(c: Container): Record<string, string> {
    const env = { ...this.containerEnv, ...(c.env ?? {}) };
    return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, expandVars(v, env)]));
  }

  #startContainer(c: Container): Started {
    const expandedEnv = this.#containerEnvOf(c);
    const argv = [...inPod(this.#podNet as PodNet), ...c.command.map((a) => expandVars(a, expandedEnv))];
    return startLogged(argv, `${this.logDir}/${this.name}.${c.name}.log`, expandedEnv, c.stdin);
  }

  async #lifecycle(): Promise<void> {
    for (const init of this.#spec.initContainers ?? []) {
      for (let attempt = 0; ; attempt++) {
        if (this.#stopping) return;
        const started = this.#startContainer(init);
        const { exitCode } = await started.exited;
        if (exitCode === 0) break;
        this.#appendLog(`init container ${init.name} exited ${exitCode}; retrying`, init.name);
        await this.#backoff(attempt);
      }
    }
    if (this.#stopping) return;
    this.phase = 'Running';
    this.#env.onChange();
    const { readinessProbe, livenessProbe } = this.#spec.container;
    if (readinessProbe) this.#loops.push(this.#probeLoop(readinessProbe, 'readiness'));
    else {
      this.ready = true;
      this.#env.onChange();
    }
    if (livenessProbe) this.#loops.push(this.#probeLoop(livenessProbe, 'liveness'));
    for (let attempt = 0; !this.#stopping; attempt++) {
      this.#main = this.#startContainer(this.#spec.container);
      this.starts++;
      const { exitCode, signal } = await this.#main.exited;
      if (this.#stopping) return;
      this.#appendLog(`main container exited ${exitCode ?? signal}; restarting`);
      if (this.ready) {
        this.ready = false;
        this.#env.onChange();
      }
      await this.#backoff(attempt);
    }
  }

  // kubelet's back-off, scaled down for tests: 0.2 s doubling to 2 s.
  async #backoff(attempt: number): Promise<void> {
    await delay(Math.min(2000, 200 * 2 ** attempt));
  }

  async #probeOnce(probe: Probe): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
    const timeoutMs = probe.timeoutMs ?? 1000;
    if (probe.command) return this.exec(probe.command, { timeoutMs, env: this.#mainEnv() });
    const answer = await httpGet(`http://${this.ip}:${probe.httpGet.port}${probe.httpGet.path}`, timeoutMs);
    return { exitCode: answer.status >= 200 && answer.status < 400 ? 0 : 1, stdout: answer.body, stderr: '' };
  }

  async #probeLoop(probe: Probe, kind: 'readiness' | 'liveness'): Promise<void> {
    await delay(probe.initialDelayMs ?? 0);
    let failures = 0;
    while (!this.#stopping) {
      const r = await this.#probeOnce(probe);
      if (this.#stopping) return;
      const ok = r.exitCode === 0;
      failures = ok ? 0 : failures + 1;
      if (kind === 'readiness') {
        const ready = ok || (this.ready && failures < (probe.failureThreshold ?? 3));
        if (ready !== this.ready) {
          this.ready = ready;
          this.#appendLog(`readiness ${ready ? 'ok' : 'failed'}: ${(r.stdout + r.stderr).trim().slice(0, 300)}`);
          this.#env.onChange();
        }
      } else if (failures >= (probe.failureThreshold ?? 3)) {
        this.#appendLog(`liveness failed ${failures} times: ${(r.stdout + r.stderr).trim().slice(0, 300)}; killing`);
        failures = 0;
        if (this.#main) killGroup(this.#main.child, 'SIGKILL');
      }
      await delay(probe.periodMs ?? 1000);
    }
  }
}
