// The ZooKeeper-to-KRaft migration on data: what each phase makes of a controller and a broker (mode, properties),
// and the start checks' verdicts on what ZooKeeper holds.
import t from 'tap';
import { readConfig, type Files } from '../../kafka-entrypoint/config.ts';
import { problemsOf } from '../fixtures/config-problems.ts';
import { migrationRole, migrationVerdict, zookeeperParts, type ZookeeperFacts } from '../../kafka-entrypoint/migration-plan.ts';
import { migrationState, migrationReadyVerdict } from '../../common/kafka-migration.ts';
import { targetFromProperties } from '../../common/kafka-target.ts';
import { healthChecks } from '../../kafka-entrypoint/health-plan.ts';
import { storagePlan } from '../../kafka-entrypoint/storage-plan.ts';

const ZK = 'zoo-0.zk:2181,zoo-1.zk:2181';
const CONTROLLER = ['--service=kafka-controller', '--controllers=3', '--controller-id-offset=3000'];
const BROKER = ['--service=kafka', '--controller-set=kafka-controller', '--controller-service=kafka-controller', '--controllers=3'];
const files = (hostname: string): Files => ({ hostname });
const controller = (phase: string, extra: Record<string, string> = {}) =>
  readConfig(
    [...CONTROLLER, '--quorum=static'],
    { KAFKA_MIGRATION_PHASE: phase, KAFKA_ZOOKEEPER_CONNECT: ZK, KAFKA_PROCESS_ROLES: 'controller', ...extra },
    files('kafka-controller-1'),
  );
const broker = (phase: string, extra: Record<string, string> = {}) =>
  readConfig(BROKER, { KAFKA_MIGRATION_PHASE: phase, KAFKA_ZOOKEEPER_CONNECT: ZK, ...extra }, files('kafka-2'));
const props = (c: ReturnType<typeof readConfig>): Record<string, string | undefined> => Object.fromEntries(c.node.effective.props);

t.test('a controller migrates (zookeeper.connect and the flag) until finalized, then is a plain KRaft controller', async (t) => {
  for (const phase of ['controllers', 'brokers', 'kraft-brokers']) {
    const c = controller(phase);
    t.equal(c.node.mode, 'kraft', phase);
    t.same(c.node.roles, ['controller']);
    t.equal(c.node.nodeId, 3001);
    t.equal(props(c)['zookeeper.metadata.migration.enable'], 'true', phase);
    t.equal(props(c)['zookeeper.connect'], ZK, phase);
    t.match(props(c)['controller.quorum.voters'], /^3000@kafka-controller-0\.kafka-controller\.default\.svc\.cluster\.local:9093,3001@/);
    t.equal(c.clusterId, undefined, 'no derived cluster id: it is read from ZooKeeper at start');
    t.match(c.node.migration, { phase, check: 'none', zookeeper: ZK });
  }
  const f = controller('finalize');
  t.equal(props(f)['zookeeper.metadata.migration.enable'], undefined);
  t.equal(props(f)['zookeeper.connect'], undefined, 'read by the check only: Kafka would keep dual-writing');
  t.match(f.node.migration, { check: 'finalizable', zookeeper: ZK });
});

t.test('a broker: ZooKeeper mode, then ZooKeeper mode registering with the controllers, then a KRaft broker with the same id', async (t) => {
  const before = broker('controllers');
  t.equal(before.node.mode, 'zookeeper');
  t.equal(props(before)['zookeeper.metadata.migration.enable'], undefined, 'phase controllers leaves the brokers as they were');
  t.equal(props(before)['broker.id'], '2');

  const migrating = broker('brokers');
  t.equal(migrating.node.mode, 'zookeeper');
  t.equal(props(migrating)['broker.id'], '2');
  t.equal(props(migrating)['zookeeper.metadata.migration.enable'], 'true');
  t.equal(props(migrating)['zookeeper.connect'], ZK);
  t.equal(props(migrating)['inter.broker.protocol.version'], '3.9');
  t.equal(props(migrating)['controller.listener.names'], 'CONTROLLER');
  t.match(props(migrating)['listener.security.protocol.map'], /CONTROLLER:PLAINTEXT/);
  t.match(props(migrating)['controller.quorum.voters'], /^0@kafka-controller-0\./, 'the voters of the controller set (its id offset is its own flag)');
  t.equal(props(migrating)['listeners'], 'PLAINTEXT://:9092', 'a broker does not listen on the controller listener');

  for (const phase of ['kraft-brokers', 'finalize']) {
    const kraft = broker(phase);
    t.equal(kraft.node.mode, 'kraft', phase);
    t.same(kraft.node.roles, ['broker'], 'a broker set without process.roles is a broker, never a combined node');
    t.equal(props(kraft)['node.id'], '2', 'node.id is the broker.id it had');
    t.equal(props(kraft)['process.roles'], 'broker');
    t.equal(props(kraft)['zookeeper.connect'], undefined);
    t.equal(props(kraft)['zookeeper.metadata.migration.enable'], undefined);
    t.equal(props(kraft)['inter.broker.protocol.version'], undefined);
  }
  t.match(broker('kraft-brokers').node.migration, { check: 'migrated' });
  t.match(broker('finalize').node.migration, { check: 'none' });
});

t.test('bad phase inputs are one problem each, naming the input', async (t) => {
  t.match(
    problemsOf(() => readConfig(BROKER, { KAFKA_MIGRATION_PHASE: 'brokers' }, files('kafka-0'))),
    [/--migration-phase=brokers needs zookeeper\.connect/],
  );
  t.match(
    problemsOf(() => readConfig(BROKER, { KAFKA_MIGRATION_PHASE: 'done', KAFKA_ZOOKEEPER_CONNECT: ZK }, files('kafka-0'))),
    [/-migration-phase \(env KAFKA_MIGRATION_PHASE\)/],
  );
  t.match(
    problemsOf(() => broker('brokers', { KAFKA_INTER_BROKER_PROTOCOL_VERSION: '3.6' })),
    [/inter\.broker\.protocol\.version.*3\.6.*needs 3\.9/],
  );
  t.match(
    problemsOf(() => readConfig([...BROKER, '--mode=zookeeper'], { KAFKA_MIGRATION_PHASE: 'kraft-brokers', KAFKA_ZOOKEEPER_CONNECT: ZK }, files('kafka-0'))),
    [/--mode=zookeeper disagrees with --migration-phase=kraft-brokers/],
  );
  t.match(
    problemsOf(() => readConfig(['--service=kafka'], { KAFKA_MIGRATION_PHASE: 'brokers', KAFKA_ZOOKEEPER_CONNECT: ZK }, files('kafka-0'))),
    [/controller\.quorum\.voters cannot be derived/],
  );
});

const ID = 'q1Sh-9_ISia_zwGINzRvyQ';
const facts = (f: Partial<ZookeeperFacts> = {}): ZookeeperFacts => ({
  clusterIdJson: `{"version":"1","id":"${ID}"}`,
  migrationJson: '{"version":0,"kraft_metadata_offset":1234,"kraft_controller_id":3000,"kraft_metadata_epoch":2,"kraft_controller_epoch":1}',
  zkBrokerIds: [],
  ...f,
});
const WAITING = '{"version":0,"kraft_metadata_offset":-1,"kraft_controller_id":-1,"kraft_metadata_epoch":-1,"kraft_controller_epoch":-1}';

t.test("migrationVerdict: the cluster id is ZooKeeper's; each unsafe step is refused with its code", async (t) => {
  const cases: Array<{ name: string; role: ReturnType<typeof migrationRole>; given?: { value: string; source: string }; facts: ZookeeperFacts; want: object }> =
    [
      {
        name: "a migrating controller takes ZooKeeper's id",
        role: migrationRole('controllers', true, ZK),
        facts: facts({ migrationJson: undefined }),
        want: { ok: true, clusterId: ID },
      },
      {
        name: 'a configured id that agrees is fine',
        role: migrationRole('brokers', true, ZK),
        given: { value: ID, source: 'env CLUSTER_ID' },
        facts: facts(),
        want: { ok: true },
      },
      {
        name: 'mixed cluster ids',
        role: migrationRole('controllers', true, ZK),
        given: { value: 'AAAAAAAAAAAAAAAAAAAAAA', source: 'env CLUSTER_ID' },
        facts: facts(),
        want: { ok: false, code: 'MIGRATION_CLUSTER_ID_MISMATCH', message: new RegExp(`set CLUSTER_ID=${ID}`) },
      },
      {
        name: 'no /cluster/id: the wrong ZooKeeper or chroot',
        role: migrationRole('controllers', true, ZK),
        facts: facts({ clusterIdJson: undefined }),
        want: { ok: false, code: 'MIGRATION_NO_CLUSTER' },
      },
      {
        name: 'a garbled /cluster/id',
        role: migrationRole('controllers', true, ZK),
        facts: facts({ clusterIdJson: '{' }),
        want: { ok: false, code: 'MIGRATION_NO_CLUSTER' },
      },
      {
        name: 'a KRaft broker before the metadata is migrated',
        role: migrationRole('kraft-brokers', false, ZK),
        facts: facts({ migrationJson: WAITING }),
        want: { ok: false, code: 'MIGRATION_NOT_DONE', message: /finish phase "brokers"/ },
      },
      {
        name: 'a KRaft broker before any controller took over',
        role: migrationRole('kraft-brokers', false, ZK),
        facts: facts({ migrationJson: undefined }),
        want: { ok: false, code: 'MIGRATION_NOT_DONE', message: /no \/migration znode/ },
      },
      {
        name: 'a KRaft broker once migrated',
        role: migrationRole('kraft-brokers', false, ZK),
        facts: facts(),
        want: { ok: true, detail: /kraft_metadata_offset 1234/ },
      },
      {
        name: 'finalizing before the migration ended',
        role: migrationRole('finalize', true, ZK),
        facts: facts({ migrationJson: WAITING }),
        want: { ok: false, code: 'MIGRATION_NOT_DONE' },
      },
      {
        name: 'finalizing while brokers run in ZooKeeper mode',
        role: migrationRole('finalize', true, ZK),
        facts: facts({ zkBrokerIds: ['0', '2'] }),
        want: { ok: false, code: 'MIGRATION_ZK_BROKERS_LEFT', message: /brokers 0,2 still run in ZooKeeper mode/ },
      },
      { name: 'finalizing once every broker is KRaft', role: migrationRole('finalize', true, ZK), facts: facts(), want: { ok: true } },
      {
        name: 'a finalized KRaft broker checks only the id',
        role: migrationRole('finalize', false, ZK),
        facts: facts({ migrationJson: WAITING, zkBrokerIds: ['1'] }),
        want: { ok: true },
      },
    ];
  for (const c of cases) t.match(migrationVerdict(c.role, c.given, c.facts), c.want, c.name);
});

t.test('a migrating controller is ready only once the metadata is migrated; the check knows from server.properties', async (t) => {
  t.match(migrationReadyVerdict({ migrationJson: WAITING }), { kind: 'fail', detail: /migration not finished: .*register with migration enabled/ });
  t.match(migrationReadyVerdict(facts()), { kind: 'ok', detail: /metadata migrated/ });
  const target = (c: ReturnType<typeof readConfig>) => {
    const r = targetFromProperties(c.node.effective.props);
    return r.ok ? r.target : undefined;
  };
  t.equal(target(controller('brokers'))?.zookeeperMigration, ZK);
  t.equal(target(controller('finalize'))?.zookeeperMigration, undefined);
  t.equal(target(broker('brokers'))?.zookeeperMigration, undefined, 'a broker is ready by its registration, as always');
  const checks = healthChecks(controller('controllers').node.effective.props, { protocol: 'PLAINTEXT' }, 2000);
  t.match(checks, { ok: true, checks: { ready: { role: 'controller', zookeeperMigration: ZK }, live: { zookeeperMigration: undefined } } });
});

t.test('migrationState and zookeeperParts', async (t) => {
  t.match(migrationState({ migrationJson: 'not json' }), { migrated: false, detail: /holds no kraft_metadata_offset/ });
  t.same(zookeeperParts('a:2181,b:2181/kafka/'), { hosts: 'a:2181,b:2181', chroot: '/kafka' });
  t.same(zookeeperParts('a:2181'), { hosts: 'a:2181', chroot: '' });
});

t.test('a KRaft broker starts on its ZooKeeper-mode volume (version 0, same id and cluster), during and after the migration; nothing else does', async (t) => {
  const v0 = (id: number) => ({ dir: '/var/lib/kafka/data', kind: 'meta' as const, text: `version=0\nbroker.id=${id}\ncluster.id=${ID}\n` });
  const kraft = broker('kraft-brokers').node;
  t.match(storagePlan(kraft, ID, [v0(2)]), { kind: 'start' });
  t.match(storagePlan(kraft, ID, [v0(1)]), { kind: 'refuse', code: 'NODE_ID_MISMATCH' });
  t.match(storagePlan(kraft, 'AAAAAAAAAAAAAAAAAAAAAA', [v0(2)]), { kind: 'refuse', code: 'META_WRONG_MODE' }, 'a ZooKeeper-mode volume of another cluster');
  const plain = readConfig(
    ['--service=kafka', '--quorum=static', '--controllers=1', '--controller-set=c'],
    { KAFKA_PROCESS_ROLES: 'broker' },
    files('kafka-2'),
  ).node;
  t.match(storagePlan(plain, ID, [v0(2)]), { kind: 'start' }, 'after the migration too (Kafka never rewrites it), with the pinned cluster id');
  t.match(
    storagePlan(plain, 'AAAAAAAAAAAAAAAAAAAAAA', [v0(2)]),
    { kind: 'refuse', code: 'META_WRONG_MODE' },
    'a ZooKeeper-mode volume of another cluster is no migrated broker',
  );
  t.match(storagePlan(plain, undefined, [v0(2)]), { kind: 'refuse', code: 'META_WRONG_MODE' }, 'nor one whose cluster is unknown');
  t.match(storagePlan(controller('finalize').node, ID, [v0(2)]), { kind: 'refuse', code: 'META_WRONG_MODE' }, 'a controller never takes a broker volume');
  t.match(storagePlan(controller('controllers').node, ID, [{ dir: '/var/lib/kafka/data', kind: 'unformatted', entries: [], complete: true }]), {
    kind: 'format',
    quorumFlag: 'none',
  });
});
