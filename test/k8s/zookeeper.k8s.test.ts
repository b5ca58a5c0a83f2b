// deploy/zookeeper.yaml on a real Kubernetes: a leader deleted and a JVM killed inside its container under a stream
// of writes, then scaled 3 -> 5 -> 3, the committed configuration checked each time. The test process reaches the
// pods over the node's pod network (their IPs), as a client in the cluster would.
import t from 'tap';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { children, connect, create, membersOf, modeOf, voters, writeStream } from '../fixtures/zk-client.ts';
import { waitFor } from '../harness/wait.ts';
import { execIn, podStatuses, waitPodsReady, type Kubectl } from '../fixtures/kube.ts';
import { checkResidentAgents, skipUnlessCluster, testNamespace } from './support.ts';

const ZK = 'app.kubernetes.io/name=zookeeper';
const MANIFEST = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../deploy/zookeeper.yaml');
const names = (n: number) => Array.from({ length: n }, (_, i) => `zoo-${i}`);

/** Every pod of the set reports exactly `want` as the committed membership. */
const waitMembers = (kube: Kubectl, want: string, timeoutMs = 120_000) =>
  waitFor(
    `every zoo pod to report members ${want}`,
    async () => {
      const pods = await podStatuses(kube, ZK);
      const seen = await Promise.all(pods.map((p) => membersOf(p)));
      return seen.length > 0 && seen.every((m) => m === want);
    },
    { timeoutMs, intervalMs: 500 },
  );

// The JVM is zk-bootstrap run's child in the container; kill -9 it from inside (the image has no shell tools).
// Only a java process: this script's own command line and zk-bootstrap's (PID 1) name the class too. The exec may
// end with the container (137).
const KILL_JVM =
  "const fs=require('fs');for(const p of fs.readdirSync('/proc')){if(!/^\\d+$/.test(p)||p===String(process.pid))continue;let c='';try{c=fs.readFileSync('/proc/'+p+'/cmdline','utf8')}catch{continue}if(/(^|\\/)java$/.test(c.split('\\0')[0])&&c.includes('QuorumPeerMain')){process.kill(Number(p),'SIGKILL');console.log(p)}}";

t.test('deploy/zookeeper.yaml on a real cluster: leader deleted and a JVM killed under writes, then 3 -> 5 -> 3', { skip: skipUnlessCluster }, async (t) => {
  const kube = await testNamespace(t, 'zk');
  await kube.run(['apply', '-f', MANIFEST]);
  let pods = await waitPodsReady(kube, ZK, names(3), 300_000);
  await waitMembers(kube, voters(3));
  const myids = await Promise.all(
    names(3).map((n) => execIn(kube, n, 'zookeeper', ['node', '-p', "require('fs').readFileSync('/var/lib/zookeeper/data/myid','utf8').trim()"])),
  );
  t.same(
    myids.map((s) => s.trim()),
    ['1', '2', '3'],
    'myid = ordinal + 1 on each volume',
  );

  const client = await connect(t, pods, 30_000);
  await create(client, '/w');
  const stream = writeStream(client, '/w', 10, async () => connect(t, await podStatuses(kube, ZK), 30_000));
  const acked = stream.acked;
  t.teardown(() => stream.stop());

  const modes = await Promise.all(pods.map((p) => modeOf(p)));
  const leader = pods[modes.indexOf('leader')];
  t.ok(leader, `a leader to delete (${modes.join(', ')})`);
  if (leader === undefined) return;
  let before = acked.length;
  let started = Date.now();
  await kube.run(['delete', 'pod', leader.name, '--wait=false']);
  await waitFor(`${leader.name} recreated`, async () => (await podStatuses(kube, ZK)).find((p) => p.name === leader.name && p.uid !== leader.uid), {
    timeoutMs: 120_000,
    intervalMs: 500,
  });
  pods = await waitPodsReady(kube, ZK, names(3), 300_000);
  await waitMembers(kube, voters(3));
  t.comment(`kubectl delete pod ${leader.name} (leader): recreated, Ready and a voter again in ${Date.now() - started} ms`);
  await waitFor('writes acknowledged after the leader was deleted', () => acked.length > before, { timeoutMs: 60_000 });

  const victim = pods.find((p) => p.name !== leader.name) ?? pods[0]!;
  before = acked.length;
  started = Date.now();
  const kill = await kube.tryRun(['exec', victim.name, '-c', 'zookeeper', '--', 'node', '-e', KILL_JVM]);
  t.ok(kill.code === 0 || kill.code === 137, `kill -9 of the JVM in ${victim.name} (exec exit ${kill.code}: ${kill.stdout.trim()})`);
  // Kubelet's own view: the Ready condition drops while the container is down and comes back only when the exec
  // readiness probe (httpGet /readyz on zk-bootstrap run) passes again.
  const notReady = await waitFor(
    `${victim.name} NotReady after its JVM died`,
    async () => (await podStatuses(kube, ZK)).find((p) => p.name === victim.name && !p.ready),
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  t.equal(notReady.ready, false, `${victim.name} turned NotReady in its pod conditions`);
  const restarted = await waitFor(
    `${victim.name}'s container restarted in the same pod`,
    async () => (await podStatuses(kube, ZK)).find((p) => p.name === victim.name && p.restarts > victim.restarts),
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  t.equal(restarted.uid, victim.uid, 'same pod (container restart, not a new pod)');
  pods = await waitPodsReady(kube, ZK, names(3), 300_000);
  await waitMembers(kube, voters(3));
  t.comment(`kill -9 of the JVM in ${victim.name}: container restarted, Ready and a voter again in ${Date.now() - started} ms`);
  await waitFor('writes acknowledged after the JVM was killed', () => acked.length > before, { timeoutMs: 60_000 });

  await stream.stop();
  const reader = await connect(t, pods, 30_000);
  const stored = new Set((await children(reader, '/w')).map((c) => `/w/${c}`));
  t.same(
    acked.filter((p) => !stored.has(p)),
    [],
    `${acked.length} acknowledged writes, none lost`,
  );
  t.ok(acked.length > 20, `a stream of writes (${acked.length})`);
  client.close();
  reader.close();

  started = Date.now();
  await kube.run(['scale', 'statefulset', 'zoo', '--replicas=5']);
  await waitPodsReady(kube, ZK, names(5), 400_000);
  await waitMembers(kube, voters(5));
  t.pass(`scaled to 5: 5 participants committed (${Date.now() - started} ms)`);

  started = Date.now();
  await kube.run(['scale', 'statefulset', 'zoo', '--replicas=3']);
  await waitPodsReady(kube, ZK, names(3), 300_000);
  await waitMembers(kube, voters(3));
  t.pass(`scaled back to 3: exactly server.1..3 committed (${Date.now() - started} ms; preStop leave run by kubelet)`);

  // zk-bootstrap run after minutes of kubelet's httpGet probes: the image's node flags reached it.
  await checkResidentAgents(t, kube, names(3), 'zookeeper', 'zookeeper');
});
