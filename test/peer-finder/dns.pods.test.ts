// peer-finder in harness pods: kubelet-written resolv.conf, port 53, the cluster DNS following the pods.
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { Cluster, skipUnlessRoot, waitFor, NODE, agentBundle, REPO_ROOT } from '../harness/index.ts';
import type { Pod } from '../harness/index.ts';

const PEER_FINDER = agentBundle('peer-finder');
const RECORDER = `${REPO_ROOT}/test/peer-finder/fixtures/record-peers.sh`;
const fqdn = (pod: string): string => `${pod}.zk.default.svc.cluster.local`;
const list = (...pods: string[]): string => pods.map((p) => `${fqdn(p)}\n`).join('');
const sleeper = { name: 'main', command: ['sleep', 'infinity'], readinessProbe: { command: ['true'], periodMs: 200 } } as const;

// Service zk with one ready pod zoo-0 and its records served: the start of the tests that run peer-finder by hand.
const oneMemberService = async (t: Parameters<typeof Cluster.create>[0]) => {
  const cluster = await Cluster.create(t);
  cluster.service({ name: 'zk', publishNotReadyAddresses: true });
  const zoo = cluster.statefulSet({ name: 'zoo', serviceName: 'zk', replicas: 1, container: sleeper });
  zoo.start();
  await zoo.waitReady(1);
  await cluster.dnsSettled();
  return { cluster, zoo };
};

// Each hook run as recorded by record-peers.sh: exactly the stdin it got, and the facts line.
const runsOf = (file: string): { stdin: string; facts: string }[] =>
  (existsSync(file) ? readFileSync(file, 'utf8') : '')
    .split('---\n')
    .filter(Boolean)
    .map((chunk) => {
      const at = chunk.lastIndexOf('facts: ');
      return { stdin: chunk.slice(0, at), facts: chunk.slice(at).trim() };
    });
const hookRuns = (pod: Pod) => runsOf(`${pod.volumeDir}/hook-runs`);

t.before(() => {
  if (!existsSync(PEER_FINDER)) throw new Error(`${PEER_FINDER} is missing: run node scripts/build.ts`);
});

t.test("the seed manifest's bootstrap runs unchanged; each pod's on-start sees the members up to itself", { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  cluster.service({
    name: 'zk',
    publishNotReadyAddresses: true,
    ports: [
      { name: 'peer', port: 2888 },
      { name: 'leader-election', port: 3888 },
    ],
  });
  const zoo = cluster.statefulSet({
    name: 'zoo',
    serviceName: 'zk',
    replicas: 3,
    podManagementPolicy: 'OrderedReady',
    initContainers: [
      // The seed's `install` container copies on-start.sh into the shared work dir; `bootstrap` is its exact argv.
      { name: 'install', command: ['cp', RECORDER, '$(WORK_DIR)/on-start.sh'] },
      { name: 'bootstrap', command: [NODE, PEER_FINDER, '-on-start="$(WORK_DIR)/on-start.sh"', '-service=zk'] },
    ],
    container: sleeper,
  });
  zoo.start();
  await zoo.waitReady(3);
  const seen = zoo.pods.map((pod) => hookRuns(pod));
  t.same(
    seen.map((runs) => runs.map((r) => r.stdin)),
    [[list('zoo-0')], [list('zoo-0', 'zoo-1')], [list('zoo-0', 'zoo-1', 'zoo-2')]],
    'sorted, newline-terminated, itself included',
  );
  t.match(seen[2]?.[0]?.facts, `self=${fqdn('zoo-2')} ordinal=2 count=3 event=start`);
  t.match(
    zoo.pod(0).logs('bootstrap'),
    /peer-finder\.starting self=zoo-0.zk.default.svc.cluster.local .*domainFrom=resolv.conf nameservers=10\.\S+:53,10\.\S+:53/,
  );
  t.notMatch(zoo.pod(0).logs('bootstrap'), /peer-finder\.(members-unchanged|self-not-found)/, 'nothing to wait for: no waiting lines');
});

t.test('waits through NXDOMAIN until the Service exists, then runs on-start', { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  const zoo = cluster.statefulSet({
    name: 'zoo',
    serviceName: 'zk',
    replicas: 1,
    initContainers: [{ name: 'bootstrap', command: [NODE, PEER_FINDER, `-on-start=${RECORDER}`, '-service=zk', '-poll-period=200ms'] }],
    container: sleeper,
  });
  zoo.start();
  await waitFor(
    'NXDOMAIN logged',
    () => /peer-finder\.no-members-yet detail="SRV: NXDOMAIN for zk.default.svc.cluster.local./.test(zoo.pods[0]?.logs('bootstrap') ?? ''),
    { timeoutMs: 20_000 },
  );
  cluster.service({ name: 'zk', publishNotReadyAddresses: true });
  await zoo.waitReady(1);
  t.same(
    hookRuns(zoo.pod(0)).map((r) => r.stdin),
    [list('zoo-0')],
  );
  t.equal(
    zoo
      .pod(0)
      .logs('bootstrap')
      .match(/peer-finder\.no-members-yet/g)?.length,
    1,
    'NXDOMAIN logged once, not every poll',
  );
});

t.test('a sidecar runs on-change with the whole list after a scale from 3 to 5 and back to 3', { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  cluster.service({ name: 'zk', publishNotReadyAddresses: true });
  const zoo = cluster.statefulSet({
    name: 'zoo',
    serviceName: 'zk',
    replicas: 3,
    podManagementPolicy: 'Parallel',
    container: { ...sleeper, name: 'peer-finder', command: [NODE, PEER_FINDER, `-on-change=${RECORDER}`, '-service=zk', '-poll-period=200ms'] },
  });
  zoo.start();
  await zoo.waitReady(3);
  const zoo0 = zoo.pod(0);
  const last = () => hookRuns(zoo0).at(-1)?.stdin;
  await waitFor('zoo-0 sees 3', () => last() === list('zoo-0', 'zoo-1', 'zoo-2'), { timeoutMs: 20_000 });
  zoo.scale(5);
  await waitFor('zoo-0 sees 5', () => last() === list('zoo-0', 'zoo-1', 'zoo-2', 'zoo-3', 'zoo-4'), { timeoutMs: 30_000 });
  zoo.scale(3);
  await waitFor('zoo-0 sees 3 again', () => last() === list('zoo-0', 'zoo-1', 'zoo-2'), { timeoutMs: 30_000 });
  const runs = hookRuns(zoo0);
  t.match(runs[0]?.facts, 'event=start', 'with only -on-change it also runs at start');
  t.ok(
    runs.slice(1).every((r) => r.facts.includes('event=change')),
    'later runs are changes',
  );
  t.ok(
    runs.every((r) => r.stdin.includes(`${fqdn('zoo-0')}\n`) && r.stdin.endsWith('\n')),
    'every run lists itself, newline-terminated',
  );
  t.ok(
    runs.every((r, i) => i === 0 || r.stdin !== runs[i - 1]?.stdin),
    'no run without a change',
  );
  t.equal(zoo0.starts, 1, 'the sidecar never exited');
});

// Run peer-finder inside a pod, its log going to a file so the test can watch it while it runs.
const execPeerFinder = (pod: Pod, args: readonly string[], env: Record<string, string> = {}) => {
  const log = `${pod.volumeDir}/peer-finder-${Math.random().toString(36).slice(2)}.log`;
  const result = pod.exec(['sh', '-c', `exec "$@" 2>${log}`, 'sh', NODE, PEER_FINDER, ...args], { env, timeoutMs: 60_000 });
  return { result, log: () => (existsSync(log) ? readFileSync(log, 'utf8') : '') };
};

t.test('finds the namespace in -ns, POD_NAMESPACE or the search line, and names a wrong one on timeout', { skip: skipUnlessRoot }, async (t) => {
  const { zoo } = await oneMemberService(t);
  const pod = zoo.pod(0);
  const rows = [
    { name: 'POD_NAMESPACE from the Downward API', args: [], env: {}, exitCode: 0 },
    { name: '-ns flag, POD_NAMESPACE empty', args: ['-ns=default'], env: { POD_NAMESPACE: '' }, exitCode: 0 },
    { name: 'neither: the namespace of the resolv.conf search line', args: [], env: { POD_NAMESPACE: '' }, exitCode: 0 },
    { name: '-ns beats a wrong POD_NAMESPACE', args: ['-ns=default'], env: { POD_NAMESPACE: 'kafka' }, exitCode: 0 },
    { name: 'a wrong POD_NAMESPACE: never finds itself', args: ['-timeout=1s'], env: { POD_NAMESPACE: 'kafka' }, exitCode: 1 },
  ];
  for (const row of rows) {
    const run = execPeerFinder(pod, ['-on-start=cat >/dev/null', '-service=zk', '-poll-period=200ms', ...row.args], row.env);
    const result = await run.result;
    t.equal(result.exitCode, row.exitCode, `${row.name}: ${run.log()}`);
  }
  const wrong = execPeerFinder(pod, ['-on-start=true', '-service=zk', '-timeout=1s'], { POD_NAMESPACE: 'kafka' });
  await wrong.result;
  t.match(wrong.log(), /code=PEERS_TIMEOUT .*missing="this pod \(zoo-0.zk.kafka.svc.cluster.local\) among 1 member/);
});

t.test('keeps polling while the cluster DNS is down, then runs on-start when it is back', { skip: skipUnlessRoot }, async (t) => {
  const { cluster, zoo } = await oneMemberService(t);
  await cluster.dns.stop();
  const run = execPeerFinder(zoo.pod(0), [`-on-start=${RECORDER}`, '-service=zk', '-poll-period=200ms']);
  await waitFor('the outage logged', () => /WARN peer-finder\.lookup-failed /.test(run.log()), { timeoutMs: 30_000 });
  await cluster.dns.start();
  const result = await run.result;
  t.equal(result.exitCode, 0, run.log());
  t.same(
    hookRuns(zoo.pod(0)).map((r) => r.stdin),
    [list('zoo-0')],
  );
  t.equal(run.log().match(/peer-finder\.lookup-failed/g)?.length, 1, 'the outage is logged once');
});

// The 999 other members have SRV records only: dnsmasq 2.90 mis-encodes the glue A records it adds past 16 KiB and
// wraps the TCP length field past 64 KiB (see test/harness/service.ts); the answer itself is what CoreDNS sends.
t.test('resolves a 1,000-member Service through the TCP retry', { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  cluster.service({ name: 'zk', publishNotReadyAddresses: true });
  const ghosts = Array.from({ length: 999 }, (_, i) => ({ hostname: `ghost-${i}` }));
  await cluster.setExtraEndpoints('zk', ghosts);
  const zoo = cluster.statefulSet({
    name: 'zoo',
    serviceName: 'zk',
    replicas: 1,
    initContainers: [{ name: 'bootstrap', command: [NODE, PEER_FINDER, `-on-start=${RECORDER}`, '-service=zk', '-timeout=60s'] }],
    container: sleeper,
  });
  zoo.start();
  await zoo.waitReady(1);
  const [run] = hookRuns(zoo.pod(0));
  t.equal(run?.stdin.split('\n').length, 1001, '1,000 members and the final newline');
  t.match(run?.facts, 'count=1000');
  t.match(zoo.pod(0).logs('bootstrap'), /peer-finder\.peers-updated .*count=1000 .*from="SRV zk.default.svc.cluster.local. via tcp @10\./);
});
