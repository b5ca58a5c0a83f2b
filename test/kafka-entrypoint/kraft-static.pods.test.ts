// Three combined KRaft nodes (Kafka 4.2) with a static quorum, all from kafka-entrypoint, in harness pods. The
// entrypoints serve the health endpoints (-health-port) and kubelet's readiness is an httpGet on /readyz (issue 10).
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Cluster, skipUnlessRoot, kafkaRoundTrip, SEED_LINES, httpGet, waitFor, type Pod } from '../harness/index.ts';
import { entrypointCommand, kafkaEnv, healthProbe, HEALTH_PORT, jvmPid, procStatus, childPids } from '../fixtures/pod-specs.ts';

const ARGS = ['--service=kafka', '--controllers=3', `--health-port=${HEALTH_PORT}`];
/** -health-timeout's default: a check never answers later than this (plus the HTTP round trip). */
const CHECK_TIMEOUT_MS = 2000;

const health = (pod: Pod, path: string, timeoutMs = 5000) => httpGet(`http://${pod.ip}:${HEALTH_PORT}${path}`, timeoutMs);

// The entrypoint that supervises this pod's JVM: the JVM's parent.
const processes = (pod: Pod): { jvm: number; entrypoint: number } => {
  const jvm = jvmPid(pod);
  const entrypoint = jvm === undefined ? undefined : Number(procStatus(jvm, 'PPid'));
  if (jvm === undefined || !entrypoint) throw new Error(`no JVM found for ${pod.name}`);
  return { jvm, entrypoint };
};

t.test(
  '3 combined nodes with static voters, Ready by httpGet /readyz: ids from ordinals, round trip, health endpoints, a restarted node keeps id and data, SIGTERM is clean',
  { skip: skipUnlessRoot },
  async (t) => {
    const cluster = await Cluster.create(t);
    cluster.service({
      name: 'kafka',
      publishNotReadyAddresses: true,
      ports: [
        { name: 'broker', port: 9092 },
        { name: 'controller', port: 9093 },
      ],
    });
    const kafka = cluster.statefulSet({
      name: 'kafka',
      serviceName: 'kafka',
      replicas: 3,
      // A static quorum needs a majority up before any node is ready: OrderedReady would wait forever on kafka-0.
      podManagementPolicy: 'Parallel',
      container: {
        name: 'kafka',
        env: kafkaEnv,
        terminationGracePeriodMs: 60_000,
        command: entrypointCommand('kraft', ARGS),
        readinessProbe: healthProbe('/readyz'),
      },
    });
    kafka.start();
    await kafka.waitReady(3, 240_000);
    for (const pod of kafka.pods) {
      const props = await readFile(`${pod.volumeDir}/server.properties`, 'utf8');
      t.match(props, new RegExp(`^node\\.id=${pod.ordinal}$`, 'm'), `${pod.name} has node.id ${pod.ordinal}`);
      t.match(props, new RegExp(`^advertised\\.listeners=PLAINTEXT://${pod.fqdn?.replaceAll('.', '\\.')}:9092$`, 'm'));
    }

    await t.test("every entrypoint answers /livez, /readyz and /status with kafka-probe's verdicts, and its only child is the JVM", async (t) => {
      for (const pod of kafka.pods) {
        const { jvm, entrypoint } = processes(pod);
        const live = await health(pod, '/livez');
        t.equal(live.status, 200, `${pod.name} /livez: ${live.body.trim()}`);
        t.match(live.body, /^live ok: ApiVersions answered/);
        const ready = await health(pod, '/readyz');
        t.equal(ready.status, 200, `${pod.name} /readyz: ${ready.body.trim()}`);
        t.match(ready.body, new RegExp(`^ready ok: node ${pod.ordinal} registered`));
        const status = await health(pod, '/status');
        t.equal(status.status, 200);
        t.match(JSON.parse(status.body), {
          agent: 'kafka-entrypoint',
          'node.id': pod.ordinal,
          roles: ['broker', 'controller'],
          quorum: 'static',
          jvm: { pid: jvm },
          checks: { ready: { kind: 'ok' } },
        });
        // No zombie to reap: the JVM is the only child, and it starts none of its own.
        t.same(childPids(entrypoint), [jvm], `${pod.name}: the entrypoint's only child is the JVM`);
        t.same(childPids(jvm), [], `${pod.name}: the JVM has no child`);
        t.comment(`${pod.name}: resident entrypoint VmRSS ${procStatus(entrypoint, 'VmRSS')}, JVM VmRSS ${procStatus(jvm, 'VmRSS')}`);
        const rssKb = Number(/^(\d+) kB$/.exec(procStatus(entrypoint, 'VmRSS') ?? '')?.[1]);
        t.ok(rssKb > 0 && rssKb < 100 * 1024, `${pod.name}: the resident entrypoint stays under 100 MB RSS (${Math.round(rssKb / 1024)} MB)`);
      }
    });

    const client = await cluster.pod('client');
    const fqdn = (i: number) => `${kafka.pod(i).fqdn}:9092`;
    const first = await kafkaRoundTrip(client, fqdn(0), fqdn(2), 'test', 3, 2);
    t.same(first.consumed, SEED_LINES, 'produced on kafka-0, consumed on kafka-2');
    if (first.consumed.length === 0) t.comment(first.detail);

    await t.test('a stopped JVM makes /readyz 503 within the check deadline and the pod NotReady; SIGCONT makes it 200 again', async (t) => {
      const pod = kafka.pod(2);
      const { jvm } = processes(pod);
      process.kill(jvm, 'SIGSTOP');
      t.teardown(() => {
        try {
          process.kill(jvm, 'SIGCONT');
        } catch {
          // gone already
        }
      });
      const stopped = Date.now();
      // A stopped JVM's kernel still accepts the connection; no answer comes, so the check runs into its deadline
      // (the connection's or the endpoint's, whichever timer fires first).
      const ready = await health(pod, '/readyz');
      const took = Date.now() - stopped;
      t.equal(ready.status, 503, ready.body.trim());
      t.match(ready.body, /^ready fail: .*(KAFKA_TIMEOUT|no verdict within 2000 ms)/);
      t.ok(took <= CHECK_TIMEOUT_MS + 1000, `/readyz said 503 ${took} ms after SIGSTOP (check deadline ${CHECK_TIMEOUT_MS} ms)`);
      t.comment(`time to 503 after SIGSTOP: ${took} ms`);
      t.equal((await health(pod, '/livez')).status, 503, '/livez too');
      await waitFor(`${pod.name} NotReady`, () => !pod.ready, { timeoutMs: 3 * (CHECK_TIMEOUT_MS + 1000), intervalMs: 100 });
      process.kill(jvm, 'SIGCONT');
      const resumed = Date.now();
      await waitFor('/readyz 200 after SIGCONT', async () => (await health(pod, '/readyz')).status === 200, { timeoutMs: 60_000, intervalMs: 200 });
      t.comment(`/readyz 200 again ${Date.now() - resumed} ms after SIGCONT`);
      await kafka.waitReady(3, 60_000);
    });

    await t.test('a second entrypoint on the taken health port stops at start: exit 2 naming the port, nothing written, no JVM', async (t) => {
      const pod = kafka.pod(0);
      const r = await pod.exec([...entrypointCommand('kraft', ARGS), '--config-out=$(WORK_DIR)/second.properties', '--java=/bin/false'], { timeoutMs: 60_000 });
      t.equal(r.exitCode, 2, r.stderr.slice(-500));
      const last = r.stderr.trim().split('\n').at(-1) ?? '';
      t.match(last, /code=HEALTH_PORT_UNAVAILABLE/);
      t.match(last, new RegExp(`port ${HEALTH_PORT}: EADDRINUSE`));
      t.notOk(existsSync(`${pod.workDir}/second.properties`), 'no server.properties written');
    });

    // Kubernetes signals only the container's PID 1 (here the entrypoint), not its process group.
    const meta = await readFile(`${kafka.pod(1).volumeDir}/data/meta.properties`, 'utf8');
    const pod1 = kafka.pod(1);
    const { entrypoint } = processes(pod1);
    const stopped = Date.now();
    process.kill(entrypoint, 'SIGTERM');
    const exitLine = await waitFor('kafka-1 main container exited', () => /\[harness\] main container exited (\S+); restarting/.exec(pod1.logs()), {
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    const took = Date.now() - stopped;
    t.ok(took < 60_000, `kafka-1 shut down within the grace period (${took} ms)`);
    const jvmExit = /kafka-entrypoint\.jvm-exited code=(\d+) stopSignal=SIGTERM/.exec(pod1.logs())?.[1];
    t.ok(jvmExit !== undefined, 'the entrypoint forwarded SIGTERM and saw the JVM stop');
    t.equal(exitLine[1], jvmExit, `the container exits with the JVM's code (${jvmExit})`);
    await kafka.waitReady(3, 180_000);
    const logs = pod1.logs();
    t.match(logs, /kafka-entrypoint.storage-plan plan=start reason="metadata log dir .* is formatted"/, 'the restarted container was not reformatted');
    t.equal(readFileSync(`${kafka.pod(1).volumeDir}/data/meta.properties`, 'utf8'), meta, 'meta.properties unchanged');
    const again = await kafkaRoundTrip(client, fqdn(1), fqdn(0), 'test', 3, 2);
    t.same(again.consumed.filter((l) => SEED_LINES.includes(l)).length >= 2, true, 'the topic still takes a round trip through the restarted node');
  },
);
