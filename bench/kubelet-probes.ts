// What a probe costs the node when the real kubelet runs it: deploy/zookeeper.yaml with one member, its probes set
// to a 1 s period, measured four ways over the same window: httpGet on zk-bootstrap run's endpoints (as deployed),
// exec of zk-probe (the exec form deploy/README documents), httpGet on the least a Node endpoint can be (the floor:
// a second container of the same image and node flags whose `net` server answers 200 without reading the request
// or asking ZooKeeper; containerd's share there also pays for watching that container), and no probes (the
// baseline: the idle JVM, shims, kubelet). CPU is summed over the pod's cgroup (the agent or the probe process),
// containerd, every runc shim (runc exec is reaped by its shim, so it lands in the shim's children time) and
// kubelet, from /proc and cpuacct.
// Needs the project's cluster with the images imported (scripts/k8s.sh up + import, or replay.sh --kubernetes):
//   eval "$(bash scripts/k8s.sh env | sed 's/^/export K8S_TEST_/')" && node bench/kubelet-probes.ts
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createNamespace, waitPodsReady } from '../test/fixtures/kube.ts';
import { entrypoints } from '../test/fixtures/rendered.ts';

const kubeconfig = process.env['K8S_TEST_KUBECONFIG'];
if (!kubeconfig) {
  process.stderr.write('kubelet-probes: no cluster: export K8S_TEST_KUBECONFIG (bash scripts/k8s.sh env) after scripts/k8s.sh up\n');
  process.exit(2);
}
const SELECTOR = 'app.kubernetes.io/name=zookeeper';
const WINDOW_MS = Number(process.env['WINDOW_S'] ?? 60) * 1000;
const TICK_MS = 1000 / 100; // USER_HZ

const pidsOf = (name: string): number[] =>
  readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name;
      } catch {
        return false;
      }
    });

// utime + stime (+ reaped children's, for the shims that reap runc) in ms.
const cpuOf = (pid: number, children: boolean): number => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const at = (i: number) => Number(fields[i - 3]);
    return (at(14) + at(15) + (children ? at(16) + at(17) : 0)) * TICK_MS;
  } catch {
    return 0;
  }
};

const findPodCgroup = (dir: string, uid: string, depth = 0): string | undefined => {
  if (depth > 5) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const full = path.join(dir, entry.name);
    if (entry.name === `pod${uid}`) return full;
    const found = findPodCgroup(full, uid, depth + 1);
    if (found) return found;
  }
  return undefined;
};

type Sample = { pod: number; containerd: number; shims: number; kubelet: number; probes: number };

const probeCount = async (kube: Awaited<ReturnType<typeof createNamespace>>['kube']): Promise<number> => {
  const text = await kube.run(['get', '--raw', '/api/v1/nodes/node0/proxy/metrics/probes']);
  let n = 0;
  for (const m of text.matchAll(/^prober_probe_total\{([^}]*)\} (\S+)$/gm)) if ((m[1] ?? '').includes(`namespace="${kube.namespace}"`)) n += Number(m[2]);
  return n;
};

const sample = async (kube: Awaited<ReturnType<typeof createNamespace>>['kube'], cgroup: string): Promise<Sample> => ({
  pod: Number(readFileSync(path.join(cgroup, 'cpuacct.usage'), 'utf8')) / 1e6,
  containerd: pidsOf('containerd').reduce((s, p) => s + cpuOf(p, false), 0),
  shims: pidsOf('containerd-shim')
    .concat(pidsOf('containerd-shim-runc-v2'))
    .reduce((s, p) => s + cpuOf(p, true), 0),
  kubelet: pidsOf('kubelet').reduce((s, p) => s + cpuOf(p, false), 0),
  probes: await probeCount(kube),
});

const IMAGE = 'statefulset-agents/zookeeper';
const NODE_ARGV = (entrypoints().get(IMAGE) ?? []).filter((arg) => !arg.startsWith('/app/'));
const FLOOR_PORT = 8099;
const FLOOR_SERVER = `require('node:net').createServer((s) => s.once('data', () => s.end('HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n')).on('error', () => {})).listen(${FLOOR_PORT})`;
const floorContainer = (image: string) =>
  JSON.stringify({ name: 'floor', image, command: [...NODE_ARGV, '-e', FLOOR_SERVER], resources: { requests: { cpu: '10m', memory: '32Mi' } } });
const floorProbe = (kind: string) =>
  `"${kind}":{"httpGet":{"path":"/","port":${FLOOR_PORT}},"exec":null,"periodSeconds":1,"timeoutSeconds":3,"failureThreshold":${kind === 'livenessProbe' ? 6 : 1}}`;

const PROBES: Record<string, string> = {
  httpGet: `{"readinessProbe":{"httpGet":{"path":"/readyz","port":"health"},"periodSeconds":1,"timeoutSeconds":3,"failureThreshold":1},"livenessProbe":{"httpGet":{"path":"/livez","port":"health"},"periodSeconds":1,"timeoutSeconds":3,"failureThreshold":6},"startupProbe":null}`,
  exec: `{"readinessProbe":{"httpGet":null,"exec":{"command":["node","/app/zk-probe.cjs","ready"]},"periodSeconds":1,"timeoutSeconds":3,"failureThreshold":1},"livenessProbe":{"httpGet":null,"exec":{"command":["node","/app/zk-probe.cjs","live"]},"periodSeconds":1,"timeoutSeconds":3,"failureThreshold":6},"startupProbe":null}`,
  floor: `{${floorProbe('readinessProbe')},${floorProbe('livenessProbe')},"startupProbe":null}`,
  none: `{"readinessProbe":null,"livenessProbe":null,"startupProbe":null}`,
};
const MODES = ['httpGet', 'exec', 'floor', 'none'] as const;

const { kube, cleanup } = await createNamespace(kubeconfig, 'bench-probes');
try {
  const manifest = readFileSync(new URL('../deploy/zookeeper.yaml', import.meta.url), 'utf8').replace(/^ {2}replicas: 3$/m, '  replicas: 1');
  await kube.run(['apply', '-f', '-'], { input: manifest });
  const image = new RegExp(`image: (${IMAGE}:\\S+)`).exec(manifest)?.[1] ?? `${IMAGE}:dev`;
  const rows: Record<string, Sample> = {};
  for (const mode of MODES) {
    // The floor container runs only in the floor mode: the baseline has the pod as deployed.
    const floor = mode === 'floor' ? `,${floorContainer(image)}` : mode === 'none' ? ',{"name":"floor","$patch":"delete"}' : '';
    const patch = `{"spec":{"template":{"spec":{"containers":[{"name":"zookeeper",${PROBES[mode]!.slice(1, -1)}}${floor}]}}}}`;
    await kube.run(['patch', 'statefulset', 'zoo', '--type=strategic', '-p', patch]);
    await kube.run(['rollout', 'status', 'statefulset/zoo', '--timeout=300s'], { timeoutMs: 320_000 });
    const uid = (await waitPodsReady(kube, SELECTOR, ['zoo-0'], 300_000)).find((p) => p.name === 'zoo-0')?.uid ?? '';
    const cgroup = findPodCgroup('/sys/fs/cgroup/cpuacct', uid.replaceAll('-', '_')) ?? findPodCgroup('/sys/fs/cgroup/cpuacct', uid);
    if (!cgroup) throw new Error(`no cpuacct cgroup for pod ${uid}`);
    await new Promise((r) => setTimeout(r, 10_000)); // past the JVM's start-up work
    const before = await sample(kube, cgroup);
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const after = await sample(kube, cgroup);
    rows[mode] = {
      pod: after.pod - before.pod,
      containerd: after.containerd - before.containerd,
      shims: after.shims - before.shims,
      kubelet: after.kubelet - before.kubelet,
      probes: after.probes - before.probes,
    };
    process.stdout.write(`${mode}: ${JSON.stringify(rows[mode])}\n`);
  }
  const base = rows['none']!;
  const total = (s: Sample) => s.pod + s.containerd + s.shims + s.kubelet;
  const lines = [
    '',
    `Probe CPU on the node, real kubelet, ${WINDOW_MS / 1000} s per mode, baseline (no probes) subtracted`,
    '| mode | probes | pod ms | containerd+shims ms | kubelet ms | CPU per probe | per pod-day (25,920 probes) |',
    '|---|---|---|---|---|---|---|',
  ];
  const perProbe: Record<string, number> = {};
  for (const mode of ['httpGet', 'exec', 'floor'] as const) {
    const s = rows[mode]!;
    const extra = total(s) - total(base);
    perProbe[mode] = extra / Math.max(1, s.probes);
    lines.push(
      `| ${mode} | ${s.probes} | ${Math.round(s.pod - base.pod)} | ${Math.round(s.containerd + s.shims - base.containerd - base.shims)} | ${Math.round(s.kubelet - base.kubelet)} | ${perProbe[mode]!.toFixed(2)} ms | ${((perProbe[mode]! * 25_920) / 1000).toFixed(1)} s |`,
    );
  }
  const ratio = (mode: string) => (perProbe['exec']! / Math.max(perProbe[mode]!, 0.001)).toFixed(0);
  lines.push(`exec / httpGet CPU per probe: ${ratio('httpGet')}x; exec / the floor (any httpGet probe a Node endpoint serves): ${ratio('floor')}x`, '');
  process.stdout.write(lines.join('\n'));
} finally {
  await cleanup();
}
