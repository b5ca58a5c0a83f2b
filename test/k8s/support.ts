// What every test on the real cluster needs: the kubeconfig scripts/test.sh exported after `scripts/k8s.sh up` and
// the image import, or a reason to skip. A test never starts or stops the cluster itself: one cluster serves the
// whole run, and scripts/test.sh takes it down (by pid, every mount and interface) whatever the tests did.
import type { Test } from 'tap';
import { createNamespace, execIn, type Kubectl } from '../fixtures/kube.ts';
import { entrypoints } from '../fixtures/rendered.ts';

export const K8S_KUBECONFIG = process.env.K8S_TEST_KUBECONFIG;

export const skipUnlessCluster: string | false =
  K8S_KUBECONFIG === undefined || K8S_KUBECONFIG === '' ? 'no real cluster: scripts/test.sh brings one up as root and sets K8S_TEST_KUBECONFIG' : false;

/** A namespace of this test's own, deleted (pods force-deleted first) in teardown even when the test fails. */
export const testNamespace = async (t: Test, prefix: string): Promise<Kubectl> => {
  const { kube, cleanup } = await createNamespace(K8S_KUBECONFIG ?? '', prefix);
  t.teardown(cleanup);
  return kube;
};

/** The longest time without an acknowledgement between `from` and `to` (ack times ascending): how long a client
 * writing through a roll was held up, whether its requests failed or hung and were retried. */
export const longestAckGap = (ackTimes: readonly number[], from: number, to: number): number => {
  let last = from;
  let longest = 0;
  for (const at of ackTimes) {
    if (at < from) continue;
    if (at > to) break;
    longest = Math.max(longest, at - last);
    last = at;
  }
  return Math.max(longest, to - last);
};

type ResidentAgent = { readonly argv: string[]; readonly rssKb: number; readonly anonymousKb: number };

// PID 1 of the container as its own user sees it (the image has no shell tools; its node reads /proc): the command
// it runs, so a test can tell the image's ENTRYPOINT flags reached the pod, and its memory, RSS and anonymous
// (heap and malloc; the rest of the RSS is the node binary's code pages).
const PID_1 =
  "const fs=require('fs');const kb=(file,re)=>Number(re.exec(fs.readFileSync(file,'utf8'))[1]);console.log(JSON.stringify({argv:fs.readFileSync('/proc/1/cmdline','utf8').split('\\0').filter(Boolean),rssKb:kb('/proc/1/status',/^VmRSS:\\s+(\\d+)/m),anonymousKb:kb('/proc/1/smaps_rollup',/^Anonymous:\\s+(\\d+)/m)}))";

const residentAgent = async (kube: Kubectl, pod: string, container: string): Promise<ResidentAgent> =>
  JSON.parse(await execIn(kube, pod, container, ['node', '-e', PID_1])) as ResidentAgent;

// Measured on this cluster with the images' node flags, after minutes of probes: 12-13 MB anonymous for zk-bootstrap
// run, 18-20 MB for kafka-entrypoint (23 MB without the flags at deploy/'s pace; a burst of 10,000 probes adds 75 MB
// without them). The bound catches an agent that grows with the probes it serves.
const RESIDENT_ANONYMOUS_MAX_KB = 48 * 1024;

/** The resident agent of each pod runs the image's ENTRYPOINT (node flags included) and stays small. */
export const checkResidentAgents = async (t: Test, kube: Kubectl, pods: readonly string[], container: string, image: 'zookeeper' | 'kafka'): Promise<void> => {
  const entrypoint = entrypoints().get(`statefulset-agents/${image}`) ?? [];
  for (const pod of pods) {
    const agent = await residentAgent(kube, pod, container);
    t.same(agent.argv.slice(0, entrypoint.length), entrypoint, `${pod}: PID 1 is the image's ENTRYPOINT (${entrypoint.join(' ')})`);
    t.ok(
      agent.anonymousKb > 0 && agent.anonymousKb < RESIDENT_ANONYMOUS_MAX_KB,
      `${pod}: the resident agent holds ${(agent.anonymousKb / 1024).toFixed(1)} MB anonymous (${(agent.rssKb / 1024).toFixed(1)} MB RSS), under ${RESIDENT_ANONYMOUS_MAX_KB / 1024} MB`,
    );
  }
};
