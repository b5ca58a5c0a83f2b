// The install pattern on a real Kubernetes: deploy/zookeeper.yaml with the deploy/agents-install component, so the
// ensemble runs on a ZooKeeper image that is not ours (Debian's `zookeeper` package, unmodified) and the agents
// come from the agents image through an emptyDir, as the seed's `zookeeper-install` init container did.
import t from 'tap';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { membersOf, voters } from '../fixtures/zk-client.ts';
import { waitFor } from '../harness/wait.ts';
import { execIn, podStatuses, waitPodsReady } from '../fixtures/kube.ts';
import { skipUnlessCluster, testNamespace } from './support.ts';

const DEPLOY = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../deploy');
const ZK = 'app.kubernetes.io/name=zookeeper';

t.test(
  'deploy/agents-install: a third-party ZooKeeper image runs the agents from an emptyDir, 3 voters by reconfig',
  { skip: skipUnlessCluster },
  async (t) => {
    const kube = await testNamespace(t, 'agents');
    // A kustomization of a user's own: deploy/zookeeper.yaml plus the component (kustomize loads files only from
    // below its root, so the manifest is copied beside it; the component is referenced where it is).
    const dir = mkdtempSync(path.join(os.tmpdir(), 'agents-install-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    copyFileSync(path.join(DEPLOY, 'zookeeper.yaml'), path.join(dir, 'zookeeper.yaml'));
    writeFileSync(
      path.join(dir, 'kustomization.yaml'),
      `resources: [zookeeper.yaml]\ncomponents: [${path.relative(dir, path.join(DEPLOY, 'agents-install'))}]\n`,
    );
    await kube.run(['apply', '-k', dir]);

    const pods = await waitPodsReady(kube, ZK, ['zoo-0', 'zoo-1', 'zoo-2'], 400_000);
    t.same(
      [...pods].sort((a, b) => (a.readySince ?? '').localeCompare(b.readySince ?? '')).map((p) => p.name),
      ['zoo-0', 'zoo-1', 'zoo-2'],
      'Ready in order, by httpGet on zk-bootstrap run from /agents',
    );
    const members = await waitFor(
      '3 participants committed on every member',
      async () => {
        const seen = await Promise.all(pods.map((p) => membersOf(p)));
        return seen.every((m) => m === voters(3)) ? seen[0] : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    t.equal(members, voters(3), 'zk-bootstrap joined each member by reconfig on the third-party server');
    const version = await execIn(kube, 'zoo-0', 'zookeeper', [
      '/agents/node',
      '-e',
      "require('net').connect(2181,'127.0.0.1').on('connect',function(){this.end('srvr')}).on('data',d=>process.stdout.write(d))",
    ]);
    t.match(version, /^Zookeeper version: 3\.8\./m, "the server is Debian's ZooKeeper 3.8, not our image");
    const spec = JSON.parse(await kube.run(['get', 'pod', 'zoo-0', '-o', 'json'])) as {
      spec: { containers: Array<{ image: string }>; initContainers: Array<{ name: string; image: string }> };
    };
    t.match(spec.spec.containers[0]?.image, /zookeeper-debian/, 'main container: the third-party image');
    t.equal(spec.spec.initContainers[0]?.name, 'agents-install', 'the agents image installs first');
    t.same(
      (await podStatuses(kube, ZK)).map((p) => p.restarts),
      [0, 0, 0],
      'no restarts',
    );
  },
);
