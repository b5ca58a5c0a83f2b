// The steps configOf chains (identity, property layers, rack, cluster id, leave, jvm), each on plain data.
import t from 'tap';
import { readInputs } from '../../common/inputs.ts';
import { SPECS } from '../../kafka-entrypoint/inputs.ts';
import { identityOf, userLayers, rackOf, clusterIdOf, jvmOf } from '../../kafka-entrypoint/config.ts';

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
