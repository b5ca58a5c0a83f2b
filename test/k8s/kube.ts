// kubectl for the tests on a real cluster: every call names its kubeconfig and namespace, runs without a shell
// (arguments are never parsed twice), and fails with kubectl's own words. A Namespace per test is the unit of
// clean-up: deleting it removes pods, claims and (through the provisioner's Delete policy) their volumes.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { waitFor } from '../harness/wait.ts';

export type Kubectl = {
  readonly kubeconfig: string;
  readonly namespace: string;
  /** Run kubectl in this namespace; resolves stdout, rejects with stderr on a non-zero exit. */
  readonly run: (args: readonly string[], options?: { readonly input?: string; readonly timeoutMs?: number }) => Promise<string>;
  /** Like run, but resolves exit code, stdout and stderr whatever the exit code. */
  readonly tryRun: (args: readonly string[], options?: { readonly input?: string; readonly timeoutMs?: number }) => Promise<{ code: number; stdout: string; stderr: string }>;
};

export type PodStatus = {
  readonly name: string;
  readonly ready: boolean;
  /** When the Ready condition last changed (kubelet's clock): orders pods by when they turned Ready. */
  readonly readySince: string | undefined;
  readonly restarts: number;
  readonly uid: string;
  readonly ip: string | undefined;
  readonly phase: string;
  readonly deleting: boolean;
};

export const kubectl = (kubeconfig: string, namespace: string): Kubectl => {
  const tryRun: Kubectl['tryRun'] = (args, options = {}) =>
    new Promise((resolve) => {
      const child = execFile(
        process.env['KUBECTL'] ?? 'kubectl',
        ['--kubeconfig', kubeconfig, '--namespace', namespace, ...args],
        { timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGKILL' },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1;
          resolve({ code, stdout, stderr: stderr || (error?.message ?? '') });
        },
      );
      child.stdin?.end(options.input ?? '');
    });
  const run: Kubectl['run'] = async (args, options) => {
    const r = await tryRun(args, options);
    if (r.code !== 0) throw new Error(`kubectl ${args.slice(0, 4).join(' ')} exited ${r.code}: ${r.stderr.trim().slice(-2000)}`);
    return r.stdout;
  };
  return { kubeconfig, namespace, run, tryRun };
};

/** A fresh namespace; `cleanup` force-deletes its pods (no grace: the test is over) and then the namespace. */
/** Every namespace a test makes carries this label. */
export const TEST_LABEL = 'statefulset-agents.test';

export const createNamespace = async (kubeconfig: string, prefix: string): Promise<{ kube: Kubectl; cleanup: () => Promise<void> }> => {
  const namespace = `${prefix}-${randomBytes(3).toString('hex')}`;
  await kubectl(kubeconfig, 'default').run(['create', 'namespace', namespace]);
  // The label lets scripts/test.sh sweep what a killed test run left on a cluster that stayed up.
  await kubectl(kubeconfig, 'default').run(['label', 'namespace', namespace, `${TEST_LABEL}=true`]);
  const kube = kubectl(kubeconfig, namespace);
  const cleanup = async (): Promise<void> => {
    await kube.tryRun(['delete', 'statefulsets,pods', '--all', '--grace-period=0', '--force', '--wait=false']);
    await kube.tryRun(['delete', 'namespace', namespace, '--wait=true', '--timeout=180s'], { timeoutMs: 200_000 });
  };
  return { kube, cleanup };
};

type PodJson = {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  status: { phase: string; podIP?: string; conditions?: Array<{ type: string; status: string; lastTransitionTime?: string }>; containerStatuses?: Array<{ restartCount: number }> };
};

export const podStatuses = async (kube: Kubectl, selector: string): Promise<PodStatus[]> => {
  const list = JSON.parse(await kube.run(['get', 'pods', '-l', selector, '-o', 'json'])) as { items: PodJson[] };
  return list.items
    .map((p): PodStatus => {
      const ready = p.status.conditions?.find((c) => c.type === 'Ready');
      return {
        name: p.metadata.name,
        uid: p.metadata.uid,
        ready: ready?.status === 'True' && p.metadata.deletionTimestamp === undefined,
        readySince: ready?.status === 'True' ? ready.lastTransitionTime : undefined,
        restarts: (p.status.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0),
        ip: p.status.podIP,
        phase: p.status.phase,
        deleting: p.metadata.deletionTimestamp !== undefined,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
};

/** Wait until exactly `names` are Ready (and no other pod of the selector is), naming what is missing on timeout. */
export const waitPodsReady = async (kube: Kubectl, selector: string, names: readonly string[], timeoutMs: number): Promise<PodStatus[]> => {
  let last: PodStatus[] = [];
  return waitFor(
    () => `pods ${names.join(', ')} Ready (now: ${last.map((p) => `${p.name}=${p.ready ? 'Ready' : p.phase}`).join(', ') || 'none'})`,
    async () => {
      last = await podStatuses(kube, selector);
      const ready = last.filter((p) => p.ready).map((p) => p.name);
      return ready.length === names.length && names.every((n) => ready.includes(n)) && last.length === names.length ? last : undefined;
    },
    { timeoutMs, intervalMs: 500 },
  );
};

/** `kubectl exec` into a pod's container; the command runs as the image's user with the container's env. */
export const execIn = (kube: Kubectl, pod: string, container: string, argv: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> =>
  kube.run(['exec', ...(options.input === undefined ? [] : ['-i']), pod, '-c', container, '--', ...argv], options);

/**
 * Mean duration of the probes kubelet ran in this namespace, per container and probe type, from kubelet's own
 * prober_probe_duration_seconds (an exec probe's runtime exec included; Kafka's are httpGet on the entrypoint's
 * health port): the figure to set beside the harness's.
 */
export const probeDurations = async (kube: Kubectl): Promise<Record<string, { count: number; meanMs: number }>> => {
  const nodes = (await kube.run(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'])).split(' ').filter(Boolean);
  const totals: Record<string, { count: number; sum: number }> = {};
  for (const node of nodes) {
    const text = await kube.run(['get', '--raw', `/api/v1/nodes/${node}/proxy/metrics/probes`]);
    for (const m of text.matchAll(/^prober_probe_duration_seconds_(sum|count)\{([^}]*)\} (\S+)$/gm)) {
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
      if (labels['namespace'] !== kube.namespace) continue;
      const key = `${labels['container']} ${labels['probe_type']}`;
      const entry = (totals[key] ??= { count: 0, sum: 0 });
      if (m[1] === 'sum') entry.sum += Number(m[3]);
      else entry.count += Number(m[3]);
    }
  }
  return Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, { count: v.count, meanMs: Math.round((v.sum / Math.max(v.count, 1)) * 10_000) / 10 }]));
};
