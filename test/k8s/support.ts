// What every test on the real cluster needs: the kubeconfig scripts/test.sh exported after `scripts/k8s.sh up` and
// the image import, or a reason to skip. A test never starts or stops the cluster itself: one cluster serves the
// whole run, and scripts/test.sh takes it down (by pid, every mount and interface) whatever the tests did.
import type { Test } from 'tap';
import { createNamespace, type Kubectl } from '../fixtures/kube.ts';

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
