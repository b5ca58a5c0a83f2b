// The steps configOf chains (identity, property layers, rack, cluster id, leave, jvm), each on plain data.
import t from 'tap';
import { readInputs } from '../../common/inputs.ts';
import { SPECS } from '../../kafka-entrypoint/inputs.ts';
import { identityOf, userLayers, rackOf, clusterIdOf, jvmOf, readConfig } from '../../kafka-entrypoint/config.ts';
import { problemsOf } from '../fixtures/config-problems.ts';

const read = (argv: readonly string[], env: Record<string, string> = {}) => readInputs(SPECS, argv, env);

t.test('identityOf: a pod name gives its ordinal; anything else is one problem', async (t) => {
  const problems: string[] = [];
  t.match(identityOf('kafka-2', problems), { setName: 'kafka', ordinal: 2 });
  t.equal(identityOf('kafka', problems), undefined);
  t.equal(identityOf(`${'k'.repeat(64)}-0`, problems), undefined);
  t.equal(problems.length, 2);
});

t.test('userLayers: file < KAFKA_* env < --override, each value with its source', async (t) => {
  const problems: string[] = [];
  const { user } = userLayers({ path: '/c', text: 'a=file\nb=file\nc=file\n' }, { KAFKA_B: 'env', KAFKA_C: 'env' }, ['c=override'], 0, problems);
  t.same(problems, []);
  t.same([user.props.get('a'), user.props.get('b'), user.props.get('c')], ['file', 'env', 'override']);
  t.equal(user.sources.get('a'), 'file /c');
});

t.test('rackOf: -rack wins; the file is trimmed and checked', async (t) => {
  const problems: string[] = [];
  t.equal(rackOf('r1', { path: '/f', text: 'r2' }, problems), 'r1');
  t.equal(rackOf(undefined, { path: '/f', text: ' r2\n' }, problems), 'r2');
  t.equal(rackOf(undefined, undefined, problems), undefined);
  t.same(problems, []);
  rackOf(undefined, { path: '/f', error: 'ENOENT' }, problems);
  t.match(problems, [/-rack-file \/f cannot be read: ENOENT/]);
});

t.test('clusterIdOf: given (flag, env, file) or derived from one seed for KRaft only', async (t) => {
  const problems: string[] = [];
  t.same(clusterIdOf(read([], { CLUSTER_ID: 'q1Sh-9_ISia_zwGINzRvyQ' }), { CLUSTER_ID: 'q1Sh-9_ISia_zwGINzRvyQ' }, undefined, true, 'kafka', problems), {
    value: 'q1Sh-9_ISia_zwGINzRvyQ',
    source: 'env CLUSTER_ID',
  });
  t.equal(clusterIdOf(read([]), {}, undefined, false, 'kafka', problems), undefined, 'ZooKeeper mode derives none');
  const a = clusterIdOf(read([]), {}, undefined, true, 'kafka', problems);
  t.equal(a?.source, 'derived from seed "default/kafka"');
  t.equal(clusterIdOf(read([]), {}, undefined, true, 'kafka', problems)?.value, a?.value, 'every pod derives the same id');
  t.same(problems, []);
});

t.test('jvmOf: -java and -libs win; else JAVA_HOME and KAFKA_HOME; relative homes are problems', async (t) => {
  const problems: string[] = [];
  t.match(jvmOf(read([]).values, { JAVA_HOME: '/jdk/', KAFKA_HOME: '/kafka' }, problems), { java: '/jdk/bin/java' });
  t.match(jvmOf(read(['--java=/j/java']).values, { JAVA_HOME: '/jdk' }, problems), { java: '/j/java' });
  t.same(problems, []);
  jvmOf(read([]).values, { JAVA_HOME: 'jdk' }, problems);
  t.match(problems, [/env JAVA_HOME="jdk"/]);
});

t.test('the drain speaks to the broker listener as -command-config says; a listener it cannot speak to is a config problem', async (t) => {
  const argv = ['--service=kafka', '--quorum=static', '--controllers=1', '--controller-set=ctrl', '--brokers-file=/scale/replicas'];
  const env = { KAFKA_PROCESS_ROLES: 'broker', KAFKA_LISTENERS: 'SASL_PLAINTEXT://:9092' };
  t.match(
    problemsOf(() => readConfig(argv, env, { hostname: 'kafka-3' })),
    [/-brokers-file: the drain speaks to the SASL_PLAINTEXT broker listener, but -command-config says PLAINTEXT/],
  );
  const client =
    'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-256\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="s3cret";\n';
  const config = readConfig([...argv, '--command-config=/etc/kafka/client.properties'], env, {
    hostname: 'kafka-3',
    commandConfig: { path: '/etc/kafka/client.properties', text: client },
  });
  t.match(config.drain, { security: { protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'SCRAM-SHA-256', username: 'admin' } } });
});
