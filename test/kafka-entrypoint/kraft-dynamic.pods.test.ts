// KIP-853 dynamic quorum on Kafka 4.2: 3 controllers + 3 brokers from kafka-entrypoint in harness pods; the first
// controller founds the quorum, the others join it, a wiped controller-0 rejoins instead of founding another, a
// stopped broker is fenced and kafka-probe says so, and a scale-down of the controllers shrinks the voter set.
// One cluster for all of it: starting six JVMs is most of the time on two cores.
import t from 'tap';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Cluster, skipUnlessRoot, NODE, agentBundle, kafkaRoundTrip, SEED_LINES, waitFor } from '../harness/index.ts';
import { entrypointCommand, kafkaEnv, overrides, probe, jvmPid, quorumVoters } from '../fixtures/pod-specs.ts';

const QUORUM = ['--quorum=dynamic', '--controller-set=ctrl', '--controller-service=ctrl', '--controllers=3'];
const ENTRYPOINT = [NODE, agentBundle('kafka-entrypoint')];
const PROBE = [NODE, agentBundle('kafka-probe')];

t.test(
  '3 controllers + 3 brokers with a dynamic quorum: rejoin after a wipe, a fenced broker, scale-down to 2 controllers',
  { skip: skipUnlessRoot },
  async (t) => {
    const cluster = await Cluster.create(t);
    // What a ConfigMap key mounted into the controller pods would hold: the controller set's desired size.
    const desiredControllers = path.join(cluster.dir, 'ctrl-replicas');
    writeFileSync(desiredControllers, '3\n');
    cluster.service({ name: 'ctrl', publishNotReadyAddresses: true, ports: [{ name: 'controller', port: 9093 }] });
    cluster.service({ name: 'kafka', publishNotReadyAddresses: true, ports: [{ name: 'broker', port: 9092 }] });
    const ctrl = cluster.statefulSet({
      name: 'ctrl',
      serviceName: 'ctrl',
      replicas: 3,
      podManagementPolicy: 'OrderedReady',
      container: {
        // Under load (CI, 2 cores) a leave took longer than the default 20 s: -leave-timeout 45 s, inside a 60 s grace
        // that also covers the JVM's stop.
        name: 'kafka',
        env: kafkaEnv,
        terminationGracePeriodMs: 60_000,
        command: entrypointCommand('kraft', [
          '--service=ctrl',
          ...QUORUM,
          `--controllers-file=${desiredControllers}`,
          '--leave-timeout=45s',
          ...overrides(['process.roles=controller']),
        ]),
        readinessProbe: probe('ready'),
      },
    });
    const brokers = cluster.statefulSet({
      name: 'kafka',
      serviceName: 'kafka',
      replicas: 3,
      podManagementPolicy: 'Parallel',
      container: {
        name: 'kafka',
        env: kafkaEnv,
        command: entrypointCommand('kraft', ['--service=kafka', ...QUORUM, '--broker-id-offset=100', ...overrides(['process.roles=broker'])]),
        readinessProbe: probe('ready'),
      },
    });
    ctrl.start();
    await ctrl.waitReady(3, 300_000);
    t.match(ctrl.pod(0).logs(), /kafka-entrypoint.storage-plan plan=format quorumFlag=standalone/, 'controller-0 founded the quorum');
    for (const i of [1, 2])
      t.match(ctrl.pod(i).logs(), /kafka-entrypoint.storage-plan plan=format quorumFlag=no-initial-controllers/, `controller-${i} joined it`);
    brokers.start();
    await brokers.waitReady(3, 300_000);
    t.match(brokers.pod(2).logs(), /node\.id=102/, 'broker ids carry the broker offset');

    const client = await cluster.pod('client');
    const fqdn = (i: number) => `${brokers.pod(i).fqdn}:9092`;
    const first = await kafkaRoundTrip(client, fqdn(0), fqdn(1), 'test', 3, 2);
    t.same(first.consumed, SEED_LINES);
    if (first.consumed.length === 0) t.comment(first.detail);

    await t.test('a wiped controller-0 rejoins the running quorum instead of founding a second one', async (t) => {
      // Wipe the volume between the pod's death and its re-creation (the controller re-creates it at once).
      const volume = ctrl.pod(0).volumeDir;
      await ctrl.killPod(0);
      for (const entry of readdirSync(volume)) rmSync(path.join(volume, entry), { recursive: true, force: true });
      await ctrl.waitReady(3, 300_000);
      const logs = ctrl.pod(0).logs();
      t.match(logs, /kafka-entrypoint.quorum-asked exists=true/, 'it asked the running controllers');
      t.equal(
        logs.match(/kafka-entrypoint.storage-plan plan=format quorumFlag=standalone/g)?.length ?? 0,
        1,
        'only the first start founded a quorum: no second one',
      );
      t.match(logs.split('kafka-entrypoint.storage-plan plan=').at(-1), /^format quorumFlag=no-initial-controllers/);
      // Every controller sees one leader, and node 0 is a caught-up voter of that quorum.
      const leaders = new Set<string>();
      for (const pod of ctrl.pods) {
        const r = await pod.exec([...PROBE, 'ready', '--config=$(VOLUME)/server.properties', '--timeout=5s']);
        t.equal(r.exitCode, 0, `${pod.name}: ${r.stdout}`);
        leaders.add(/leads the quorum/.test(r.stdout) ? (pod.name.split('-')[1] as string) : (/leader (\d+)/.exec(r.stdout)?.[1] ?? '?'));
      }
      t.equal(leaders.size, 1, `one leader across the controllers (${[...leaders].join(',')})`);
    });

    await t.test('a broker whose JVM stops past broker.session.timeout.ms is fenced: not ready, and ready again once it heartbeats', async (t) => {
      const pod = brokers.pod(2);
      const pid = jvmPid(pod);
      if (pid === undefined) throw new Error(`no JVM found for ${pod.name}`);
      process.kill(pid, 'SIGSTOP');
      t.teardown(() => {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // gone already
        }
      });
      // Asked through kafka-0, the controller's view: 102 drops out of Metadata once fenced (session timeout 9 s).
      const throughOther = [...PROBE, 'ready', `--bootstrap=${fqdn(0)}`, '--node-id=102', '--role=broker', '--timeout=3s'];
      const fenced = await waitFor(
        'broker 102 fenced',
        async () => {
          const r = await client.exec(throughOther);
          return r.exitCode === 1 ? r.stdout : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      t.match(fenced, /node 102 not in metadata yet \(starting or fenced\)/, 'kafka-0 no longer lists the fenced broker');
      const own = await pod.exec(probe('ready').command);
      t.equal(own.exitCode, 1, `its own ready probe fails: ${own.stdout.trim()}`);
      process.kill(pid, 'SIGCONT');
      // Right after SIGCONT the broker answers but may still be fenced; only its unfencing makes it ready again.
      const seen = new Set<string>();
      await waitFor(
        'broker 102 ready again',
        async () => {
          const r = await pod.exec(probe('ready').command);
          seen.add(r.stdout.replace(/\(\d+ms\)/, '').trim());
          return r.exitCode === 0 ? true : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      t.comment(`own probe after SIGCONT: ${[...seen].join(' | ')}`);
      t.equal((await client.exec(throughOther)).exitCode, 0, 'kafka-0 lists it again');
    });

    await t.test('scaling the controllers 3 -> 2 removes controller 2 from the quorum; the cluster still serves', async (t) => {
      const running = await ctrl.pod(1).exec([...ENTRYPOINT, 'leave', '--config=$(VOLUME)/server.properties']);
      t.equal(running.exitCode, 1, 'leaving while the JVM runs with auto-join is refused (it would add itself back)');
      t.match(running.stderr, /code=LEAVE_WHILE_RUNNING/);
      const restart = await ctrl.pod(1).exec([...ENTRYPOINT, 'leave', '--config=$(VOLUME)/server.properties', `--controllers-file=${desiredControllers}`]);
      t.equal(restart.exitCode, 0);
      t.match(restart.stderr, /decision=stay reason="ordinal 1 < 3 desired controllers/, 'a restart keeps the vote');

      const leaving = ctrl.pod(2);
      writeFileSync(desiredControllers, '2\n');
      const started = Date.now();
      ctrl.scale(2);
      await ctrl.waitReady(2, 120_000);
      t.comment(`ctrl-2 stopped and left in ${Date.now() - started} ms`);
      t.match(leaving.logs(), /kafka-entrypoint.leave-done outcome=left/, 'ctrl-2 left the quorum after its JVM stopped');
      t.same(await quorumVoters(client, `${ctrl.pod(0).fqdn}:9093`), [0, 1], 'DescribeQuorum shows 2 voters');

      const again = await client.exec([
        ...ENTRYPOINT,
        'leave',
        `--config=${leaving.volumeDir}/server.properties`,
        '--hostname=ctrl-2',
        `--controllers-file=${desiredControllers}`,
      ]);
      t.equal(again.exitCode, 0, 'leaving again is harmless');
      t.match(again.stderr, /outcome=not-a-voter/);

      const rt = await kafkaRoundTrip(client, fqdn(2), fqdn(0), 'test', 3, 2);
      t.same(rt.consumed, SEED_LINES, 'the brokers still serve the topic');
      if (rt.consumed.length === 0) t.comment(rt.detail);
    });
  },
);
