// The main job: the seed scenario replayed step by step.
//   node test/e2e/replay.ts                       in harness pods (namespaces + dnsmasq + real servers), the default
//   node test/e2e/replay.ts --kubernetes          on the project's real single-node cluster (scripts/k8s.sh): images
//                                                 built and imported, cluster brought up and, if it was down, down again
//   node test/e2e/replay.ts --kubeconfig=PATH     on your own cluster (the images loaded there first: images/README.md)
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Cluster } from '../harness/index.ts';
import { createNamespace } from '../fixtures/kube.ts';
import { replaySeedScenario } from './seed-scenario.ts';
import { replaySeedScenarioOnKubernetes } from '../fixtures/seed-scenario-k8s.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const kubeconfigArg = args.find((a) => a.startsWith('--kubeconfig='))?.slice('--kubeconfig='.length);
const onProjectCluster = args.includes('--kubernetes');
const unknown = args.filter((a) => a !== '--kubernetes' && !a.startsWith('--kubeconfig='));
if (unknown.length > 0 || kubeconfigArg === '' || (onProjectCluster && kubeconfigArg !== undefined)) {
  console.error('usage: replay.ts [--kubernetes | --kubeconfig=PATH]');
  process.exit(2);
}

const teardowns: Array<() => unknown> = [];
const started = Date.now();
const say = (text: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${text}`);
const script = (path: string, ...argv: string[]): string =>
  execFileSync('bash', [`${ROOT}${path}`, ...argv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

try {
  if (onProjectCluster || kubeconfigArg !== undefined) {
    let kubeconfig = kubeconfigArg;
    if (onProjectCluster) {
      // status exits non-zero when the cluster is down: then this replay brings it up and takes it down again.
      const wasUp = (() => {
        try {
          return /^node \S+ Ready$/m.test(script('scripts/k8s.sh', 'status'));
        } catch {
          return false;
        }
      })();
      const archives = script('images/build.sh').trim().split('\n');
      say(`images built: ${archives.length}`);
      script('scripts/k8s.sh', 'up');
      if (!wasUp) teardowns.push(() => script('scripts/k8s.sh', 'down'));
      script('scripts/k8s.sh', 'import', ...archives);
      const env = Object.fromEntries(
        script('scripts/k8s.sh', 'env')
          .trim()
          .split('\n')
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      kubeconfig = env['KUBECONFIG'];
      process.env['KUBECTL'] ??= env['KUBECTL'];
      say(`real cluster up, images imported (${kubeconfig})`);
    }
    const { kube, cleanup } = await createNamespace(kubeconfig ?? '', 'seed');
    teardowns.push(cleanup);
    await replaySeedScenarioOnKubernetes(kube, say);
  } else {
    const cluster = await Cluster.create({ teardown: (fn) => teardowns.push(fn) });
    say(`cluster ${cluster.id}: bridge ${cluster.net.bridge}, DNS ${cluster.dnsIps.join(' ')}, volumes under ${cluster.dir}/volumes`);
    await replaySeedScenario(cluster, say);
  }
  say('seed scenario: all steps passed');
} catch (error) {
  say(`seed scenario FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  for (const fn of teardowns.reverse()) await fn();
  say('cleaned up');
}
