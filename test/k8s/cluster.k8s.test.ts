// The real single-node cluster of scripts/k8s.sh: a non-root StatefulSet with volumes from the default
// StorageClass, its SRV records, and kubectl exec, on the cluster scripts/test.sh brought up.
import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync, statSync } from 'node:fs';
import { waitFor } from '../harness/wait.ts';
import { skipUnlessCluster } from './support.ts';

const script = fileURLToPath(new URL('../../scripts/k8s.sh', import.meta.url));
const skip = skipUnlessCluster;
const namespace = 'k8s-smoke';
const names = ['web-0', 'web-1', 'web-2'];

type Run = { readonly code: number | null; readonly stdout: string; readonly stderr: string };

// Run a command with optional stdin; resolves with its exit code and output, never rejects on a non-zero exit.
const run = (command: string, args: readonly string[], input = ''): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });

const mustRun = async (command: string, args: readonly string[], input = ''): Promise<string> => {
  const result = await run(command, args, input);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  return result.stdout;
};

// KUBECONFIG=, KUBECTL= and BUSYBOX_IMAGE= from `scripts/k8s.sh env`.
const clusterEnv = async (): Promise<Record<string, string>> =>
  Object.fromEntries(
    (await mustRun('bash', [script, 'env']))
      .trim()
      .split('\n')
      .map((line) => {
        const at = line.indexOf('=');
        return [line.slice(0, at), line.slice(at + 1)];
      }),
  );

const manifest = (image: string): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace },
        spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector: { app: 'web' }, ports: [{ name: 'data', port: 80 }] },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'web', namespace },
        spec: {
          serviceName: 'web',
          replicas: 3,
          podManagementPolicy: 'Parallel',
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              terminationGracePeriodSeconds: 1,
              securityContext: { runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, runAsNonRoot: true },
              containers: [
                {
                  name: 'main',
                  image,
                  imagePullPolicy: 'Never',
                  command: ['sh', '-c', 'echo "$HOSTNAME" > /data/written && exec sleep 2147483647'],
                  securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
                  readinessProbe: { exec: { command: ['cat', '/data/written'] }, periodSeconds: 1 },
                  volumeMounts: [{ name: 'data', mountPath: '/data' }],
                },
              ],
            },
          },
          // No storageClassName: the claims must bind through the default StorageClass, as deploy/'s do.
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '16Mi' } } } }],
        },
      },
    ],
  });

t.test('a non-root 3-replica StatefulSet gets volumes from the default StorageClass, SRV records and kubectl exec', { skip }, async (t) => {
  const env = await clusterEnv();
  const kubectlPath = env.KUBECTL ?? '';
  const kubectl = (args: readonly string[], input = ''): Promise<string> => mustRun(kubectlPath, ['--kubeconfig', env.KUBECONFIG ?? '', ...args], input);
  const inNamespace = (...args: string[]): Promise<string> => kubectl(['-n', namespace, ...args]);

  t.teardown(async () => {
    // Deleting the namespace deletes the claims; the provisioner then removes their volumes (reclaim Delete).
    const claimed = await kubectl(['get', 'pv', '-o', `jsonpath={range .items[?(@.spec.claimRef.namespace=="${namespace}")]}{.metadata.name}{" "}{end}`]).catch(
      () => '',
    );
    await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=true', '--timeout=90s']).catch(() => '');
    for (const pv of claimed.split(' ').filter(Boolean)) {
      await waitFor(`volume ${pv} deleted`, async () => (await run(kubectlPath, ['--kubeconfig', env.KUBECONFIG ?? '', 'get', 'pv', pv])).code !== 0, {
        timeoutMs: 90_000,
        intervalMs: 250,
      }).catch(() => undefined);
    }
  });

  await kubectl(['create', 'namespace', namespace]);
  await kubectl(['apply', '-f', '-'], manifest(env.BUSYBOX_IMAGE ?? ''));

  type PodList = { items: { metadata: { name: string }; status: { conditions?: { type: string; status: string }[] } }[] };
  const readyPods = async (): Promise<string[]> =>
    (JSON.parse(await inNamespace('get', 'pods', '-l', 'app=web', '-o', 'json')) as PodList).items
      .filter((p) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      .map((p) => p.metadata.name)
      .sort();
  await waitFor('3 Ready pods', async () => (await readyPods()).length === 3, { timeoutMs: 120_000, intervalMs: 250 });
  t.same(await readyPods(), names, 'web-0, web-1 and web-2 are Ready');

  const claims = JSON.parse(await inNamespace('get', 'pvc', '-o', 'json')) as {
    items: { metadata: { name: string }; spec: { storageClassName?: string; volumeName?: string }; status: { phase?: string } }[];
  };
  t.same(
    claims.items.map((c) => [c.metadata.name, c.status.phase, c.spec.storageClassName]).sort(),
    names.map((n) => [`data-${n}`, 'Bound', 'local-path']),
    'every claim is Bound through the default StorageClass',
  );

  for (const name of names) {
    t.equal((await inNamespace('exec', name, '--', 'cat', '/data/written')).trim(), name, `${name} wrote its name into its volume (read with kubectl exec)`);
  }
  t.equal((await inNamespace('exec', 'web-0', '--', 'id', '-u')).trim(), '65532', 'the container runs as UID 65532');
  const readOnly = await run(kubectlPath, ['--kubeconfig', env.KUBECONFIG ?? '', '-n', namespace, 'exec', 'web-0', '--', 'touch', '/root-is-read-only']);
  t.not(readOnly.code, 0, 'the root filesystem is read-only');

  const claim0 = claims.items.find((c) => c.metadata.name === 'data-web-0');
  const hostPath = (await kubectl(['get', 'pv', claim0?.spec.volumeName ?? '', '-o', 'jsonpath={.spec.hostPath.path}'])).trim();
  t.equal(readFileSync(`${hostPath}/written`, 'utf8'), 'web-0\n', 'the file is on the host, in the provisioned directory');
  t.equal(statSync(`${hostPath}/written`).uid, 65532, 'written by UID 65532');

  // SRV records of the headless Service, asked from inside a pod (busybox nslookup, CoreDNS through clusterDNS).
  const fqdn = `web.${namespace}.svc.cluster.local`;
  const srvTargets = async (): Promise<string[]> => {
    const out = await inNamespace('exec', 'web-1', '--', 'nslookup', '-type=SRV', fqdn);
    return [...out.matchAll(/service = \d+ \d+ 80 (\S+)/g)].map((m) => (m[1] ?? '').replace(/\.$/, '')).sort();
  };
  const expected = names.map((n) => `${n}.${fqdn}`);
  await waitFor(`SRV ${fqdn} lists 3 pods`, async () => (await srvTargets()).length === 3, { timeoutMs: 30_000, intervalMs: 250 });
  t.same(await srvTargets(), expected, 'SRV answer inside a pod names the three pods');
});
