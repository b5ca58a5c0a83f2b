import t from 'tap';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { Cluster, skipUnlessRoot, waitFor, httpGet, NODE } from './index.ts';

const sleeper = { name: 'main', command: ['sleep', 'infinity'], readinessProbe: { command: ['true'], periodMs: 200 } } as const;

t.test('a pod sees its hostname, FQDN, resolv.conf and the service records through the search path', { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  cluster.service({ name: 'zk', publishNotReadyAddresses: true, ports: [{ name: 'client', port: 2181 }] });
  const zoo = cluster.statefulSet({ name: 'zoo', serviceName: 'zk', replicas: 3, container: sleeper });
  zoo.start();
  await zoo.waitReady(3);
  await cluster.dnsSettled();
  const pod = zoo.pod(0);
  t.equal((await pod.exec(['hostname'])).stdout.trim(), 'zoo-0', 'hostname is the pod name');
  t.equal((await pod.exec(['hostname', '-f'])).stdout.trim(), 'zoo-0.zk.default.svc.cluster.local', 'FQDN from the hosts file');
  t.match((await pod.exec(['cat', '/etc/resolv.conf'])).stdout, /search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local\n/);
  const srv = (await pod.exec(['dig', '+search', '+short', 'SRV', 'zk'])).stdout
    .trim()
    .split('\n')
    .map((l) => l.split(' ')[3])
    .sort();
  t.same(
    srv,
    ['zoo-0', 'zoo-1', 'zoo-2'].map((p) => `${p}.zk.default.svc.cluster.local.`),
    'SRV by short name via the search list',
  );
  t.equal((await pod.exec(['getent', 'hosts', 'zoo-2.zk'])).stdout.split(/\s+/)[0], zoo.pod(2).ip, 'getaddrinfo resolves a short pod name');
  t.equal((await pod.exec(['dig', '+short', 'nope.zk.default.svc.cluster.local'])).stdout, '', 'unknown names in the zone are NXDOMAIN');
});

t.test('OrderedReady starts a pod only when the previous one is Ready; Parallel starts all', { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  const gate = `${cluster.dir}/gate`;
  const ordered = cluster.statefulSet({
    name: 'ord',
    replicas: 3,
    container: { name: 'main', command: ['sleep', 'infinity'], readinessProbe: { command: ['test', '-e', gate], periodMs: 100 } },
  });
  ordered.start();
  await waitFor('ord-0 running', () => ordered.pods[0]?.phase === 'Running');
  await ordered.reconcile();
  t.equal(ordered.pods.length, 1, 'ord-1 waits while ord-0 is not Ready');
  writeFileSync(gate, '');
  await ordered.waitReady(3);
  const parallel = cluster.statefulSet({
    name: 'par',
    replicas: 3,
    podManagementPolicy: 'Parallel',
    container: { name: 'main', command: ['sleep', 'infinity'], readinessProbe: { command: ['false'], periodMs: 100 } },
  });
  parallel.start();
  await waitFor('3 parallel pods running', () => parallel.pods.filter((p) => p.phase === 'Running').length === 3);
  t.ok(
    parallel.pods.every((p) => !p.ready),
    'all three exist although none is Ready',
  );
});

t.test('records of a service without publishNotReadyAddresses follow readiness', { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  cluster.service({ name: 'web', publishNotReadyAddresses: false });
  const gate = `${cluster.dir}/ready`;
  const web = cluster.statefulSet({
    name: 'web',
    serviceName: 'web',
    replicas: 1,
    podManagementPolicy: 'Parallel',
    container: { name: 'main', command: ['sleep', 'infinity'], readinessProbe: { command: ['test', '-e', gate], periodMs: 100, failureThreshold: 1 } },
  });
  web.start();
  const client = await cluster.pod('client');
  await waitFor('web-0 running', () => web.pods[0]?.phase === 'Running');
  await cluster.dnsSettled();
  t.equal((await client.exec(['dig', '+short', 'web-0.web.default.svc.cluster.local'])).stdout.trim(), '', 'not ready: no record');
  writeFileSync(gate, '');
  await web.waitReady(1);
  await cluster.dnsSettled();
  t.equal((await client.exec(['dig', '+short', 'web-0.web.default.svc.cluster.local'])).stdout.trim(), web.pod(0).ip, 'ready: record');
});

t.test('scale down removes the highest ordinal first and runs preStop; a deleted pod comes back with its volume', { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  const set = cluster.statefulSet({
    name: 's',
    replicas: 3,
    initContainers: [{ name: 'init', command: ['sh', '-c', 'echo $HOSTNAME >> "$VOLUME/inits"'] }],
    container: { ...sleeper, env: { WORD: 'stopping' }, preStop: { command: ['sh', '-c', 'echo $WORD > "$VOLUME/prestop"'] }, terminationGracePeriodMs: 2000 },
  });
  set.start();
  await set.waitReady(3);
  const volume2 = set.pod(2).volumeDir;
  set.scale(2);
  await set.waitReady(2);
  t.equal(readFileSync(`${volume2}/prestop`, 'utf8'), 'stopping\n', "preStop ran on s-2, with the container's env");
  const firstIp = set.pod(1).ip;
  await set.killPod(1);
  await set.waitReady(2);
  t.equal(readFileSync(`${set.pod(1).volumeDir}/inits`, 'utf8'), 's-1\ns-1\n', 'recreated s-1 ran its init container again on the same volume');
  t.not(set.pod(1).ip, undefined);
  t.ok(existsSync(volume2), 'the volume of a removed pod stays');
  t.comment(`s-1 ip ${firstIp} -> ${set.pod(1).ip}`);
});

t.test('a failing init container is retried with back-off until it succeeds', { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  const set = cluster.statefulSet({
    name: 'r',
    replicas: 1,
    initContainers: [{ name: 'flaky', command: ['sh', '-c', 'echo x >> "$VOLUME/tries"; [ $(wc -l < "$VOLUME/tries") -ge 3 ]'] }],
    container: sleeper,
  });
  set.start();
  await set.waitReady(1);
  t.equal(readFileSync(`${set.pod(0).volumeDir}/tries`, 'utf8').split('\n').length - 1, 3, 'ran three times');
});

t.test('a SIGTERM-ignoring container is killed when the grace period ends', { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  const set = cluster.statefulSet({
    name: 'g',
    replicas: 1,
    container: { name: 'main', command: ['sh', '-c', 'trap "" TERM; while true; do sleep 0.1; done'], terminationGracePeriodMs: 500 },
  });
  set.start();
  await set.waitReady(1);
  const started = Date.now();
  await set.stop('delete');
  t.ok(Date.now() - started < 5000, 'deletion finished soon after the grace period');
});

t.test('a terminating pod stays in DNS while not-ready addresses are published', { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  cluster.service({ name: 'zk', publishNotReadyAddresses: true });
  const gate = `${cluster.dir}/leave`;
  const zoo = cluster.statefulSet({
    name: 'zoo',
    serviceName: 'zk',
    replicas: 1,
    container: { ...sleeper, preStop: { command: ['sh', '-c', `until [ -e ${gate} ]; do sleep 0.05; done`] }, terminationGracePeriodMs: 20_000 },
  });
  zoo.start();
  await zoo.waitReady(1);
  const client = await cluster.pod('client');
  const ip = zoo.pod(0).ip;
  const deleting = zoo.stop('delete');
  await waitFor('zoo-0 terminating', () => zoo.pods[0]?.phase === 'Terminating');
  await cluster.dnsSettled();
  t.equal((await client.exec(['dig', '+short', 'zoo-0.zk.default.svc.cluster.local'])).stdout.trim(), ip, 'still resolves during preStop');
  writeFileSync(gate, '');
  await deleting;
  await cluster.dnsSettled();
  t.equal((await client.exec(['dig', '+short', 'zoo-0.zk.default.svc.cluster.local'])).stdout.trim(), '', 'gone with the pod');
});

t.test('an httpGet probe asks the pod IP from the node: 200-399 is ready, 503 or a closed port is not', { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  const gate = `${cluster.dir}/gate`;
  const server =
    "require('node:http').createServer((q, s) => { s.statusCode = require('node:fs').existsSync(process.argv[1]) ? 200 : 503; s.end(q.url); }).listen(8080)";
  const web = cluster.statefulSet({
    name: 'web',
    replicas: 1,
    container: {
      name: 'main',
      command: [NODE, '-e', server, gate],
      readinessProbe: { httpGet: { port: 8080, path: '/readyz' }, periodMs: 100, failureThreshold: 1 },
    },
  });
  web.start();
  await waitFor('web-0 running', () => web.pods[0]?.phase === 'Running');
  t.equal((await httpGet(`http://${web.pod(0).ip}:1/`, 1000)).status, 0, 'a closed port is status 0');
  const notReady = await waitFor('503 from web-0', async () => {
    const r = await httpGet(`http://${web.pod(0).ip}:8080/readyz`, 1000);
    return r.status === 503 ? r : undefined;
  });
  t.equal(notReady.body, '/readyz');
  t.notOk(web.pod(0).ready, '503: not ready');
  writeFileSync(gate, '');
  await web.waitReady(1);
  t.ok(web.pod(0).ready, '200: ready');
});
