import t from 'tap';
import { readFileSync } from 'node:fs';
import { readConfig, type Files } from '../../kafka-entrypoint/config.ts';
import { ConfigError } from '../../common/errors.ts';

const SEED = readFileSync(new URL('./fixtures/seed-kafka-overrides.txt', import.meta.url), 'utf8')
  .split('\n').filter((l) => l !== '' && !l.startsWith('#'));

const files = (hostname: string, extra: Partial<Files> = {}): Files => ({ hostname, ...extra });
const props = (c: ReturnType<typeof readConfig>): Record<string, string> => Object.fromEntries(c.node.effective.props);
const problemsOf = (fn: () => unknown): readonly string[] => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

t.test("the seed's override list on hostname kafka-2 gives broker id 2 in ZooKeeper mode", async (t) => {
  const argv = SEED.flatMap((o) => ['--override', o]);
  const c = readConfig(argv, {}, files('kafka-2'));
  t.equal(c.node.mode, 'zookeeper');
  t.equal(c.node.nodeId, 2);
  t.equal(props(c)['broker.id'], '2');
  t.equal(props(c)['listeners'], 'PLAINTEXT://:9093');
  t.equal(props(c)['log.dir'], '/var/lib/kafka');
  t.notOk('log.dirs' in props(c), 'no default log.dirs hides the seed log.dir (the contrib bug)');
  t.notOk('advertised.listeners' in props(c), 'no service given: Kafka advertises its canonical hostname as in the seed');
  t.equal(c.node.effective.sources.get('broker.id'), '--override');
  t.match(c.node.warnings, [/inter\.broker\.protocol\.version.*0\.10\.2-IV0.*remove it/], 'the seed IBP that Kafka 3.x refuses is named before the JVM starts');
});

t.test('the seed list also works when a shell already expanded ${HOSTNAME##*-}', async (t) => {
  const argv = SEED.map((o) => o.replace('${HOSTNAME##*-}', '2')).flatMap((o) => ['--override', o]);
  t.equal(readConfig(argv, {}, files('kafka-2')).node.nodeId, 2);
});

t.test('an explicit id that disagrees with the ordinal is refused', async (t) => {
  const problems = problemsOf(() => readConfig(['--override', 'broker.id=5', '--override', 'zookeeper.connect=zk:2181'], {}, files('kafka-2')));
  t.equal(problems.length, 1);
  t.match(problems[0], /broker\.id/);
});

t.test('a hostname without an ordinal is refused', async (t) => {
  t.throws(() => readConfig([], {}, files('kafka')), { code: 'CONFIG_INVALID', exitCode: 2 });
});

t.test('layers apply lowest to highest: file, env, --override', async (t) => {
  const c = readConfig(
    ['--override', 'c=override', '--controllers=1', '--service=k'],
    { KAFKA_B: 'env', KAFKA_C: 'env' },
    files('kafka-0', { configFile: { path: '/m/server.properties', text: 'a=file\nb=file\nc=file\n' } }),
  );
  t.same([props(c)['a'], props(c)['b'], props(c)['c']], ['file', 'env', 'override']);
  t.same([c.node.effective.sources.get('a'), c.node.effective.sources.get('b')], ['file /m/server.properties', 'env KAFKA_B']);
});

t.test('KRaft combined node with a static quorum derives voters, listeners and a cluster id', async (t) => {
  const c = readConfig(['--service=kafka', '--controllers=3', '--namespace=prod'], {}, files('kafka-1'));
  const p = props(c);
  t.equal(c.node.mode, 'kraft');
  t.equal(p['node.id'], '1');
  t.equal(p['process.roles'], 'broker,controller');
  t.equal(p['listeners'], 'PLAINTEXT://:9092,CONTROLLER://:9093');
  t.equal(p['advertised.listeners'], 'PLAINTEXT://kafka-1.kafka.prod.svc.cluster.local:9092');
  t.equal(p['controller.quorum.voters'], '0@kafka-0.kafka.prod.svc.cluster.local:9093,1@kafka-1.kafka.prod.svc.cluster.local:9093,2@kafka-2.kafka.prod.svc.cluster.local:9093');
  t.equal(p['log.dirs'], '/var/lib/kafka/data');
  t.equal(c.clusterId?.value, readConfig(['--service=kafka', '--controllers=3', '--namespace=prod'], {}, files('kafka-2')).clusterId?.value, 'every pod derives the same cluster id');
});

t.test('separate controller and broker sets get ids from per-role offsets', async (t) => {
  const common = ['--quorum=dynamic', '--controller-set=ctrl', '--controller-service=ctrl', '--controllers=3', '--controller-id-offset=0', '--broker-id-offset=100'];
  const broker = readConfig([...common, '--service=brk', '--override', 'process.roles=broker'], {}, files('brk-2'));
  const ctrl = readConfig([...common, '--service=ctrl', '--override', 'process.roles=controller'], {}, files('ctrl-0'));
  t.equal(broker.node.nodeId, 102);
  t.equal(ctrl.node.nodeId, 0);
  t.equal(props(broker)['controller.quorum.bootstrap.servers'], 'ctrl-0.ctrl.default.svc.cluster.local:9093,ctrl-1.ctrl.default.svc.cluster.local:9093,ctrl-2.ctrl.default.svc.cluster.local:9093');
  t.equal(props(ctrl)['advertised.listeners'], 'CONTROLLER://ctrl-0.ctrl.default.svc.cluster.local:9093', 'a dynamic quorum advertises the controller listener');
  t.equal(props(ctrl)['controller.quorum.auto.join.enable'], 'true');
  t.notOk('controller.quorum.auto.join.enable' in props(broker));
  t.equal(broker.clusterId?.value, ctrl.clusterId?.value);
  t.match(ctrl.node.quorum, { kind: 'dynamic', firstController: true });
  t.equal(ctrl.node.quorum.kind === 'dynamic' ? ctrl.node.quorum.otherControllers.length : -1, 2);
});

t.test('the cluster id comes from the flag, env or file before it is derived', async (t) => {
  const id = 'MkU3OEVBNTcwNTJENDM2Qg';
  const base = ['--service=k', '--controllers=1'];
  t.equal(readConfig([...base, `--cluster-id=${id}`], {}, files('k-0')).clusterId?.source, '-cluster-id');
  t.equal(readConfig(base, { CLUSTER_ID: id }, files('k-0')).clusterId?.source, 'env CLUSTER_ID');
  t.equal(readConfig([...base, '--cluster-id-file=/s/id'], {}, files('k-0', { clusterIdFile: { path: '/s/id', text: `${id}\n` } })).clusterId?.value, id);
  t.throws(() => readConfig([...base, '--cluster-id=nope'], {}, files('k-0')), { code: 'CONFIG_INVALID' });
});

t.test('rack comes from env or a file and only applies to brokers', async (t) => {
  const base = ['--service=k', '--controllers=1'];
  t.equal(props(readConfig(base, { BROKER_RACK: 'zone-a' }, files('k-0')))['broker.rack'], 'zone-a');
  t.equal(props(readConfig([...base, '--rack-file=/r'], {}, files('k-0', { rackFile: { path: '/r', text: 'zone-b\n' } })))['broker.rack'], 'zone-b');
  t.notOk('broker.rack' in props(readConfig([...base, '--override', 'process.roles=controller'], { BROKER_RACK: 'a' }, files('k-0'))));
});

t.test('reports every missing or malformed input at once, naming each', async (t) => {
  const problems = problemsOf(() =>
    readConfig(['--override', 'novalue', '--port=99999', '--mode=zk', '--override', 'process.roles=boss'], { KAFKA_A____B: '1' }, files('kafka-0')),
  );
  t.ok(problems.length >= 4, problems.join('\n'));
  for (const word of ['novalue', '-port', '-mode', 'KAFKA_A____B']) t.ok(problems.some((p) => p.includes(word)), word);
});

t.test('a static KRaft quorum without its size is a missing setting', async (t) => {
  const problems = problemsOf(() => readConfig([], {}, files('kafka-0')));
  t.match(problems.join('\n'), /--controllers/);
});

t.test('ZooKeeper mode needs zookeeper.connect', async (t) => {
  t.match(problemsOf(() => readConfig(['--mode=zookeeper'], {}, files('kafka-0'))).join(), /zookeeper\.connect/);
});

t.test('service-link variables from a Service named kafka do not break the config', async (t) => {
  const c = readConfig(['--controllers=1', '--service=kafka'], { KAFKA_PORT: 'tcp://10.0.0.1:9092', KAFKA_SERVICE_HOST: '10.0.0.1' }, files('kafka-0'));
  t.same(c.ignoredServiceLinks, ['KAFKA_PORT', 'KAFKA_SERVICE_HOST']);
  t.notOk('port' in props(c));
});

t.test('the JVM options come from the usual env vars with kafka-run-class defaults', async (t) => {
  const c = readConfig(['--controllers=1', '--service=k', '--libs=/k/libs'], { KAFKA_HEAP_OPTS: '-Xmx512m  -Xms512m', KAFKA_OPTS: '-Da=1' }, files('kafka-0'));
  t.same(c.jvm.heapOpts, ['-Xmx512m', '-Xms512m']);
  t.same(c.jvm.kafkaOpts, ['-Da=1']);
  t.ok(c.jvm.performanceOpts.includes('-XX:+UseG1GC'));
  t.equal(c.jvm.libs, '/k/libs');
});

t.test('the same inputs give the same config', async (t) => {
  const argv = ['--service=kafka', '--controllers=3'];
  t.same([...readConfig(argv, {}, files('kafka-1')).node.effective.props], [...readConfig(argv, {}, files('kafka-1')).node.effective.props]);
});

t.test('SCRAM credentials for the format step are checked and KRaft-only', async (t) => {
  const base = ['--service=k', '--controllers=1'];
  t.same(readConfig([...base, '--add-scram', 'SCRAM-SHA-256=[name=a,password=b]'], {}, files('k-0')).addScram, ['SCRAM-SHA-256=[name=a,password=b]']);
  const problems = problemsOf(() => readConfig([...base, '--add-scram', 'MD5=[name=a,password=secret]'], {}, files('k-0')));
  t.equal(problems.length, 1);
  t.notMatch(problems[0], /secret/, 'the password is not echoed');
  t.match(problemsOf(() => readConfig(['--override', 'zookeeper.connect=zk:2181', '--add-scram', 'SCRAM-SHA-256=[name=a,password=b]'], {}, files('k-0'))).join(), /KRaft-only/);
});
