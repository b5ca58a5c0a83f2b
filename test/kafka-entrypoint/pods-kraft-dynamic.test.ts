// KIP-853 dynamic quorum on Kafka 4.2: 3 controllers + 3 brokers from kafka-entrypoint in harness pods; the first
// controller founds the quorum, the others join it, and a wiped controller-0 rejoins instead of founding another.
import t from 'tap';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Cluster, skipUnlessRoot, NODE, agentBundle } from '../harness/index.ts';
import { entrypointCommand, kafkaEnv, overrides, probe, roundTrip, SEED_LINES } from './pod-specs.ts';

const QUORUM = ['--quorum=dynamic', '--controller-set=ctrl', '--controller-service=ctrl', '--controllers=3'];

t.test('3 controllers + 3 brokers with a dynamic quorum; controller-0 wiped rejoins the running quorum', { skip: skipUnlessRoot }, async (t) => {
  const cluster = await Cluster.create(t);
  cluster.service({ name: 'ctrl', publishNotReadyAddresses: true, ports: [{ name: 'controller', port: 9093 }] });
  cluster.service({ name: 'kafka', publishNotReadyAddresses: true, ports: [{ name: 'broker', port: 9092 }] });
  const ctrl = cluster.statefulSet({
    name: 'ctrl', serviceName: 'ctrl', replicas: 3, podManagementPolicy: 'OrderedReady',
    container: {
      name: 'kafka', env: kafkaEnv,
      command: entrypointCommand('kraft', ['--service=ctrl', ...QUORUM, ...overrides(['process.roles=controller'])]),
      readinessProbe: probe('ready'),
    },
  });
  const brokers = cluster.statefulSet({
    name: 'kafka', serviceName: 'kafka', replicas: 3, podManagementPolicy: 'Parallel',
    container: {
      name: 'kafka', env: kafkaEnv,
      command: entrypointCommand('kraft', ['--service=kafka', ...QUORUM, '--broker-id-offset=100', ...overrides(['process.roles=broker'])]),
      readinessProbe: probe('ready'),
    },
  });
  ctrl.start();
  await ctrl.waitReady(3, 300_000);
  t.match(ctrl.pod(0).logs(), /storage plan=format quorumFlag=standalone/, 'controller-0 founded the quorum');
  for (const i of [1, 2]) t.match(ctrl.pod(i).logs(), /storage plan=format quorumFlag=no-initial-controllers/, `controller-${i} joined it`);
  brokers.start();
  await brokers.waitReady(3, 300_000);
  t.match(brokers.pod(2).logs(), /node\.id=102/, 'broker ids carry the broker offset');

  const client = await cluster.pod('client');
  const fqdn = (i: number) => `${brokers.pod(i).fqdn}:9092`;
  const first = await roundTrip(client, fqdn(0), fqdn(1), 'test', 3, 2);
  t.same(first.consumed, SEED_LINES);
  if (first.consumed.length === 0) t.comment(first.detail);

  // Wipe controller-0's volume between its death and its re-creation (the controller re-creates it at once).
  const volume = ctrl.pod(0).volumeDir;
  await ctrl.killPod(0);
  for (const entry of readdirSync(volume)) rmSync(path.join(volume, entry), { recursive: true, force: true });
  await ctrl.waitReady(3, 300_000);
  const logs = ctrl.pod(0).logs();
  t.match(logs, /asked the other controllers for a quorum leader known=true/, 'it asked the running controllers');
  t.equal(logs.match(/storage plan=format quorumFlag=standalone/g)?.length ?? 0, 1, 'only the first start founded a quorum: no second one');
  t.match(logs.split('storage plan=').at(-1), /^format quorumFlag=no-initial-controllers/);

  // Every controller sees one leader, and node 0 is a caught-up voter of that quorum.
  const leaders = new Set<string>();
  for (const pod of ctrl.pods) {
    const r = await pod.exec([NODE, agentBundle('kafka-probe'), 'ready', '--config=$(VOLUME)/server.properties', '--timeout=5s']);
    t.equal(r.exitCode, 0, `${pod.name}: ${r.stdout}`);
    leaders.add(/leads the quorum/.test(r.stdout) ? pod.name.split('-')[1] as string : (/leader (\d+)/.exec(r.stdout)?.[1] ?? '?'));
  }
  t.equal(leaders.size, 1, `one leader across the controllers (${[...leaders].join(',')})`);
  const again = await roundTrip(client, fqdn(2), fqdn(0), 'test', 3, 2);
  t.same(again.consumed, SEED_LINES, 'the brokers still serve the topic');
});
