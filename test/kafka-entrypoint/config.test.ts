import t from 'tap';
import { readFileSync } from 'node:fs';
import { readConfig, inputPaths, type Files } from '../../kafka-entrypoint/config.ts';
import { ConfigError } from '../../common/errors.ts';
import { problemsOf } from '../fixtures/config-problems.ts';
import { readInputs } from '../../common/inputs.ts';
import { SPECS } from '../../kafka-entrypoint/inputs.ts';

const SEED = readFileSync(new URL('../fixtures/seed-kafka-overrides.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'));

const files = (hostname: string, extra: Partial<Files> = {}): Files => ({ hostname, ...extra });
const props = (c: ReturnType<typeof readConfig>): Record<string, string> => Object.fromEntries(c.node.effective.props);

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
  t.equal(
    p['controller.quorum.voters'],
    '0@kafka-0.kafka.prod.svc.cluster.local:9093,1@kafka-1.kafka.prod.svc.cluster.local:9093,2@kafka-2.kafka.prod.svc.cluster.local:9093',
  );
  t.equal(p['log.dirs'], '/var/lib/kafka/data');
  t.equal(
    c.clusterId?.value,
    readConfig(['--service=kafka', '--controllers=3', '--namespace=prod'], {}, files('kafka-2')).clusterId?.value,
    'every pod derives the same cluster id',
  );
});

t.test('separate controller and broker sets get ids from per-role offsets', async (t) => {
  const common = [
    '--quorum=dynamic',
    '--controller-set=ctrl',
    '--controller-service=ctrl',
    '--controllers=3',
    '--controller-id-offset=0',
    '--broker-id-offset=100',
  ];
  const broker = readConfig([...common, '--service=brk', '--override', 'process.roles=broker'], {}, files('brk-2'));
  const ctrl = readConfig([...common, '--service=ctrl', '--override', 'process.roles=controller'], {}, files('ctrl-0'));
  t.equal(broker.node.nodeId, 102);
  t.equal(ctrl.node.nodeId, 0);
  t.equal(
    props(broker)['controller.quorum.bootstrap.servers'],
    'ctrl-0.ctrl.default.svc.cluster.local:9093,ctrl-1.ctrl.default.svc.cluster.local:9093,ctrl-2.ctrl.default.svc.cluster.local:9093',
  );
  t.equal(
    props(ctrl)['advertised.listeners'],
    'CONTROLLER://ctrl-0.ctrl.default.svc.cluster.local:9093',
    'a dynamic quorum advertises the controller listener',
  );
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
  for (const word of ['novalue', '-port', '-mode', 'KAFKA_A____B'])
    t.ok(
      problems.some((p) => p.includes(word)),
      word,
    );
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
  t.match(
    problemsOf(() => readConfig(['--override', 'zookeeper.connect=zk:2181', '--add-scram', 'SCRAM-SHA-256=[name=a,password=b]'], {}, files('k-0'))).join(),
    /KRaft-only/,
  );
});

const base = ['--service=kafka', '--controllers=3', '--data-dir=/v'];
const refusedRows: ReadonlyArray<{ name: string; argv?: string[]; env?: Record<string, string>; hostname?: string; problem: RegExp }> = [
  // Paths: empty or relative would resolve under the working directory or the filesystem root.
  { name: 'empty -data-dir', argv: ['--data-dir='], problem: /-data-dir is empty: give an absolute path/ },
  { name: 'relative -data-dir', argv: ['--data-dir=data'], problem: /-data-dir takes an absolute path \(this one is relative.*got "data"/ },
  { name: 'empty -config-out', argv: ['--config-out='], problem: /-config-out is empty: give an absolute path/ },
  {
    name: 'relative -config-file',
    argv: ['--config-file=server.properties'],
    problem: /-config-file takes an absolute path \(this one is relative.*got "server.properties"/,
  },
  {
    name: 'relative CLUSTER_ID_FILE',
    env: { CLUSTER_ID_FILE: 'id' },
    problem: /-cluster-id-file \(env CLUSTER_ID_FILE\) takes an absolute path \(this one is relative.*got "id"/,
  },
  { name: 'empty -rack-file', argv: ['--rack-file='], problem: /-rack-file \(env BROKER_RACK_FILE\) is empty: give an absolute path/ },
  {
    name: 'relative -controllers-file',
    argv: ['--controllers-file=desired'],
    problem: /-controllers-file takes an absolute path \(this one is relative.*got "desired"/,
  },
  { name: 'relative KAFKA_LIBS', env: { KAFKA_LIBS: 'libs' }, problem: /-libs \(env KAFKA_LIBS\) takes an absolute path \(this one is relative.*got "libs"/ },
  { name: 'relative KAFKA_HOME', env: { KAFKA_HOME: 'kafka' }, problem: /env KAFKA_HOME="kafka" is relative/ },
  { name: 'relative JAVA_HOME', env: { JAVA_HOME: 'jdk' }, problem: /env JAVA_HOME="jdk" is relative/ },
  { name: 'relative -java with a slash', argv: ['--java=bin/java'], problem: /-java takes .*relative.*got "bin\/java"/ },
  {
    name: 'a path with a newline',
    argv: ['--data-dir=/v\nx'],
    problem: /-data-dir takes an absolute path \(this one contains control characters\), got "\/v\\nx"/,
  },
  {
    name: 'relative log.dirs entry in an override',
    argv: ['--override', 'log.dirs=/a,data'],
    problem: /log\.dirs \(from --override\) entry "data" is not an absolute path/,
  },
  { name: 'relative log.dir from env', env: { KAFKA_LOG_DIR: 'logs' }, problem: /log\.dir \(from env KAFKA_LOG_DIR\) entry "logs"/ },
  { name: 'relative metadata.log.dir', argv: ['--override', 'metadata.log.dir=meta'], problem: /metadata\.log\.dir .* entry "meta"/ },
  // Names that reach advertised.listeners and controller.quorum.voters: Kubernetes would never produce these.
  {
    name: 'CLUSTER_DOMAIN with a colon',
    env: { CLUSTER_DOMAIN: 'cluster.local:1' },
    problem: /-domain \(env CLUSTER_DOMAIN\) takes a DNS-1123 subdomain .*got "cluster.local:1"/,
  },
  { name: 'CLUSTER_DOMAIN with a comma', env: { CLUSTER_DOMAIN: 'a,1@evil:9093' }, problem: /-domain .*DNS-1123 subdomain/ },
  {
    name: 'POD_NAMESPACE with a newline',
    env: { POD_NAMESPACE: 'default\ncontroller.quorum.voters=9@x:1' },
    problem: /-namespace \(env POD_NAMESPACE\) takes a DNS-1123 label \(this one contains control characters\), got "default\\ncontroller/,
  },
  { name: 'POD_NAMESPACE with a comma', env: { POD_NAMESPACE: 'a,b' }, problem: /-namespace .*DNS-1123 label/ },
  { name: 'empty -service', argv: ['--service='], problem: /-service is empty: give a DNS-1123 label, or leave it unset/ },
  { name: 'service with upper case', argv: ['--service=Kaf_ka'], problem: /-service takes a DNS-1123 label \(this one must be a DNS-1123 label.*got "Kaf_ka"/ },
  {
    name: 'a 64-character namespace',
    argv: [`--namespace=${'n'.repeat(64)}`],
    problem: /-namespace \(env POD_NAMESPACE\) takes a DNS-1123 label \(this one is longer than 63 characters/,
  },
  { name: 'controller-service with a colon', argv: ['--controller-service=c:1'], problem: /-controller-service takes .*got "c:1"/ },
  { name: 'controller-set with a dot', argv: ['--controller-set=a.b'], problem: /-controller-set takes .*got "a.b"/ },
  { name: 'a 64-character pod name', hostname: `${'k'.repeat(62)}-0`, problem: /is no pod name \(a DNS label has at most 63 characters\)/ },
  {
    name: 'a rack with a newline',
    env: { BROKER_RACK: 'a\nnode.id=9' },
    problem: /-rack \(env BROKER_RACK\) takes text that contains control characters, got "a\\nnode.id=9"/,
  },
  // Ids are int32 in Kafka; ranges are checked before anything is built from them.
  {
    name: 'broker id offset past int32',
    argv: ['--broker-id-offset=2147483648', '--override', 'process.roles=broker'],
    problem: /-broker-id-offset takes an integer 0-2147483647, got "2147483648"/,
  },
  {
    name: 'ordinal plus offset past int32',
    argv: ['--controller-id-offset=2147483647'],
    hostname: 'kafka-1',
    problem: /= 2147483648 is past the largest Kafka node id/,
  },
  { name: 'voter ids past int32', argv: ['--controller-id-offset=2147483646'], hostname: 'kafka-0', problem: /voter ids past Kafka's largest node id/ },
  { name: 'too many controllers', argv: ['--controllers=100000000'], problem: /-controllers takes an integer 1-64, got "100000000"/ },
  { name: 'zero controllers', argv: ['--controllers=0'], problem: /-controllers takes an integer 1-64, got "0"/ },
  { name: 'port 0', argv: ['--port=0'], problem: /-port takes a port 1-65535, got "0"/ },
  // Durations past a timer's range used to become a 1 ms deadline.
  {
    name: 'quorum check timeout past a timer',
    argv: ['--quorum-check-timeout=999999999h'],
    problem: /-quorum-check-timeout takes a Go duration from 1ms to 1h0m0s, .*got "999999999h"/,
  },
  { name: 'leave timeout zero', argv: ['--leave-timeout=0s'], problem: /-leave-timeout takes a Go duration from 1ms to 1h0m0s, .*got "0s"/ },
  // Health endpoints: a port, a check deadline, a client config only with a port.
  { name: 'health port past 65535', argv: ['--health-port=65536'], problem: /-health-port \(env KAFKA_HEALTH_PORT\) takes a port 0-65535.*got "65536"/ },
  { name: 'health port not a number', env: { KAFKA_HEALTH_PORT: 'http' }, problem: /-health-port \(env KAFKA_HEALTH_PORT\) takes a port.*got "http"/ },
  { name: 'negative health port', argv: ['--health-port=-1'], problem: /-health-port .*got "-1"/ },
  {
    name: 'health timeout zero',
    argv: ['--health-port=8080', '--health-timeout=0s'],
    problem: /-health-timeout \(env KAFKA_HEALTH_TIMEOUT\) takes a Go duration from 1ms to 1h0m0s, .*got "0s"/,
  },
  {
    name: 'relative health command config',
    argv: ['--health-port=8080', '--health-command-config=client.properties'],
    problem: /-health-command-config \(env KAFKA_HEALTH_COMMAND_CONFIG\) takes an absolute path \(this one is relative.*got "client.properties"/,
  },
  {
    name: 'stop grace past an hour',
    env: { KAFKA_STOP_GRACE: '2h' },
    problem: /-stop-grace \(env KAFKA_STOP_GRACE\) takes a Go duration from 1ms to 1h0m0s, .*got "2h"/,
  },
  // -health-command-config is the old name of -command-config: one file for every Kafka call, so two are a mistake.
  {
    name: 'two different client configs',
    argv: ['--command-config=/etc/a.properties', '--health-command-config=/etc/b.properties'],
    problem: /-command-config and -health-command-config name different files/,
  },
  {
    name: 'relative command config',
    env: { KAFKA_COMMAND_CONFIG: 'client.properties' },
    problem: /-command-config \(env KAFKA_COMMAND_CONFIG\) takes an absolute path \(this one is relative.*got "client.properties"/,
  },
];

t.test('hostile values are refused at the input gate, each with one escaped problem', async (t) => {
  for (const row of refusedRows) {
    const problems = problemsOf(() => readConfig([...base, ...(row.argv ?? [])], row.env ?? {}, files(row.hostname ?? 'kafka-0')));
    t.match(problems.join(' | '), row.problem, row.name);
    for (const p of problems) t.notMatch(p, /\n/, `${row.name}: one line`);
  }
});

t.test('error lines echo a short excerpt of a huge input, never all of it', async (t) => {
  const huge = 'x'.repeat(131_072);
  for (const argv of [
    [`--data-dir=${huge}`],
    [`--service=${huge}`],
    [`--cluster-id=${huge}`],
    [`--hostname=${huge}`],
    [`--controllers=${huge}`],
    [`--mode=${huge}`],
    ['--override', huge],
    [`--add-scram=${huge}`],
    [`--rack=${huge}`],
    [`--quorum-check-timeout=${huge}`],
  ]) {
    const problems = problemsOf(() => readConfig([...base, ...argv], {}, files('kafka-0')));
    t.ok(problems.length > 0 && problems.join('; ').length < 1000, `${argv[0]?.slice(0, 14)}: ${problems.join('; ').length} chars`);
  }
});

t.test('-controllers past the maximum is refused at once, without building a voter list', async (t) => {
  const started = performance.now();
  problemsOf(() => readConfig([...base, '--controllers=100000000'], {}, files('kafka-0')));
  // 100,000,000 voters would take many seconds and gigabytes; the bound only has to tell that from "refused at once".
  t.ok(performance.now() - started < 1000, 'fast');
});

t.test('empty env fallbacks count as unset; bare java names are looked up on PATH', async (t) => {
  const c = readConfig([...base, '--java=java17'], { KAFKA_HOME: '', JAVA_HOME: '', POD_NAMESPACE: '' }, files('kafka-0'));
  t.equal(c.jvm.libs, '/opt/kafka/libs');
  t.equal(c.jvm.java, 'java17');
  t.equal(c.node.fqdn, 'kafka-0.kafka.default.svc.cluster.local');
  t.equal(
    readConfig([...base, '--domain=cluster.local.'], {}, files('kafka-0')).node.fqdn,
    'kafka-0.kafka.default.svc.cluster.local',
    'a trailing dot is fine',
  );
});

// Property-based (bounded runs): node ids and voter ids stay int32 for any ordinal and offsets, or are refused.
t.test('id arithmetic never passes int32: derived ids and voters are in range or the config is refused (fast-check)', async (t) => {
  const fc = await import('fast-check');
  const MAX = 2 ** 31 - 1;
  const near = fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: MAX - 70, max: MAX }), fc.integer({ min: 0, max: MAX }));
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 999_999_999 }),
      near,
      near,
      fc.integer({ min: 1, max: 64 }),
      fc.boolean(),
      (ordinal, controllerOffset, brokerOffset, controllers, broker) => {
        const argv = [
          '--service=kafka',
          `--controllers=${controllers}`,
          '--data-dir=/v',
          `--controller-id-offset=${controllerOffset}`,
          `--broker-id-offset=${brokerOffset}`,
          '--controller-set=ctrl',
          '--override',
          `process.roles=${broker ? 'broker' : 'controller'}`,
        ];
        const hostname = broker ? `kafka-${ordinal}` : `ctrl-${ordinal}`;
        const expected = ordinal + (broker ? brokerOffset : controllerOffset);
        let node;
        try {
          node = readConfig(argv, {}, files(hostname)).node;
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          // Refused: then something really was out of range (the id, the voters, or a static quorum outgrown).
          return expected > MAX || controllerOffset + controllers - 1 > MAX || (!broker && ordinal >= controllers);
        }
        const voterIds = (node.effective.props.get('controller.quorum.voters') ?? '').split(',').map((v) => Number(v.split('@')[0]));
        return (
          node.nodeId === expected && expected <= MAX && voterIds.length === controllers && voterIds.every((id) => Number.isInteger(id) && id >= 0 && id <= MAX)
        );
      },
    ),
    { numRuns: 300 },
  );
  t.pass('300 runs');
});

t.test('-health-port turns the endpoints on (flag or KAFKA_HEALTH_PORT); unset, empty or 0 leaves them off', async (t) => {
  t.equal(readConfig(base, {}, files('kafka-0')).health, undefined, 'unset');
  t.equal(readConfig(base, { KAFKA_HEALTH_PORT: '' }, files('kafka-0')).health, undefined, 'empty env');
  t.equal(readConfig([...base, '--health-port=0'], { KAFKA_HEALTH_PORT: '8080' }, files('kafka-0')).health, undefined, 'the flag wins over the env');
  const fromEnv = readConfig(base, { KAFKA_HEALTH_PORT: '8080', KAFKA_HEALTH_TIMEOUT: '750ms' }, files('kafka-0'));
  t.equal(fromEnv.health?.port, 8080);
  t.equal(fromEnv.health?.checkTimeoutMs, 750);
  t.notOk(
    [...fromEnv.node.effective.props.keys()].some((k) => k.startsWith('health.')),
    'KAFKA_HEALTH_* are no Kafka properties',
  );
  const c = readConfig([...base, '--health-port=8080'], {}, files('kafka-1'));
  t.equal(c.health?.checkTimeoutMs, 2000, "default deadline: kafka-probe's -timeout default");
  t.equal(c.stopGraceMs, 20_000, 'a supervised JVM gets SIGKILL 20 s after SIGTERM unless -stop-grace says otherwise');
  t.equal(readConfig(base, { KAFKA_STOP_GRACE: '50s' }, files('kafka-0')).stopGraceMs, 50_000);
  t.same(c.health?.checks.ready, {
    check: 'ready',
    nodeId: 1,
    role: 'broker',
    endpoint: { host: '127.0.0.1', port: 9092 },
    maxLagMs: 2000,
    security: { protocol: 'PLAINTEXT' },
  });
  t.same(c.health?.checks.live.endpoint, { host: '127.0.0.1', port: 9093 }, 'live asks the controller listener, which opens first');
});

t.test('-health-command-config gives the checks TLS or SASL, as kafka-probe -command-config; a bad file is a problem', async (t) => {
  const argv = [...base, '--health-port=8080', '--health-command-config=/etc/kafka/client.properties'];
  const sasl = 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=x required username="probe" password="p";\n';
  const c = readConfig(argv, {}, files('kafka-0', { commandConfig: { path: '/etc/kafka/client.properties', text: sasl } }));
  t.same(c.health?.checks.ready.security, { protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'SCRAM-SHA-512', username: 'probe', password: 'p' } });
  const unreadable = problemsOf(() => readConfig(argv, {}, files('kafka-0', { commandConfig: { path: '/etc/kafka/client.properties', error: 'ENOENT' } })));
  t.match(unreadable.join(), /-health-command-config \/etc\/kafka\/client\.properties cannot be read \(ENOENT\)/);
  const gssapi = problemsOf(() =>
    readConfig(argv, {}, files('kafka-0', { commandConfig: { path: '/c', text: 'security.protocol=SASL_SSL\nsasl.mechanism=GSSAPI\n' } })),
  );
  t.match(gssapi.join(), /-health-command-config \/c: sasl.mechanism=GSSAPI/);
});

t.test('-command-config secures every Kafka call of the entrypoint: founding check, leave and health; without -health-port too', async (t) => {
  const sasl = 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=x required username="u" password="p";\n';
  const want = { protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'PLAIN', username: 'u', password: 'p' } };
  const dynamic = [...base, '--quorum=dynamic', '--controllers=3', '--controllers-file=/etc/scale/controllers'];
  const read = (argv: readonly string[], env: Record<string, string> = {}) =>
    readConfig(argv, env, files('kafka-2', { commandConfig: { path: '/etc/kafka/client.properties', text: sasl } }));
  const c = read([...dynamic, '--command-config=/etc/kafka/client.properties']);
  t.same(c.clientSecurity, want, 'the founding check');
  t.same(c.leave?.security, want, 'leaving after a scale-down');
  t.same(read(dynamic, { KAFKA_COMMAND_CONFIG: '/etc/kafka/client.properties' }).clientSecurity, want, 'env KAFKA_COMMAND_CONFIG');
  t.same(
    read(dynamic, { KAFKA_HEALTH_COMMAND_CONFIG: '/etc/kafka/client.properties' }).clientSecurity,
    want,
    'the old name still works, with or without -health-port',
  );
  t.same(read([...dynamic, '--health-port=8080', '--command-config=/etc/kafka/client.properties']).health?.checks.live.security, want, 'the health checks');
  t.same(readConfig(dynamic, {}, files('kafka-2')).clientSecurity, { protocol: 'PLAINTEXT' }, 'none given: PLAINTEXT');
  t.same(
    inputPaths(readInputs(SPECS, ['--health-command-config=/etc/x.properties'], {})),
    { commandConfig: '/etc/x.properties' },
    'the file is read under either name',
  );
  const missing = problemsOf(() =>
    readConfig(
      [...dynamic, '--command-config=/etc/kafka/client.properties'],
      {},
      files('kafka-2', { commandConfig: { path: '/etc/kafka/client.properties', error: 'EACCES' } }),
    ),
  );
  t.match(missing.join(), /-command-config \/etc\/kafka\/client\.properties cannot be read \(EACCES\)/);
});
