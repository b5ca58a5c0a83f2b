import t from 'tap';
import { propertiesFromEnv, propertyNameFromEnv, isServiceLinkVariable, NOT_PROPERTIES } from '../../kafka-entrypoint/env-properties.ts';
import { SPECS } from '../../kafka-entrypoint/inputs.ts';

t.test('a single underscore becomes a dot', async (t) => {
  t.equal(propertyNameFromEnv('KAFKA_LOG_RETENTION_HOURS'), 'log.retention.hours');
});

t.test('three underscores become a dash', async (t) => {
  t.equal(propertyNameFromEnv('KAFKA_LISTENER_NAME_SASL__SSL_SCRAM___SHA___256_SASL_JAAS_CONFIG'), 'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config');
});

t.test('two underscores become an underscore', async (t) => {
  t.equal(propertyNameFromEnv('KAFKA_ZOOKEEPER_CLIENTCNXNSOCKET__X'), 'zookeeper.clientcnxnsocket_x');
});

t.test('only the first KAFKA_ prefix is removed (KAFKA-17911)', async (t) => {
  t.equal(propertyNameFromEnv('KAFKA_KAFKA_METRICS_REPORTERS'), 'kafka.metrics.reporters');
});

t.test('JVM and logging variables are not properties', async (t) => {
  const r = propertiesFromEnv({
    KAFKA_HEAP_OPTS: '-Xmx1g',
    KAFKA_OPTS: '-Dx',
    KAFKA_LOG4J_OPTS: 'x',
    KAFKA_JMX_OPTS: 'x',
    KAFKA_LIBS: '/opt/kafka/libs',
    KAFKA_NUM_PARTITIONS: '3',
  });
  t.same(Object.fromEntries(r.props), { 'num.partitions': '3' });
});

t.test("the entrypoint's own KAFKA_* flag fallbacks (KAFKA_LIBS, KAFKA_HEALTH_PORT, ...) are never properties", async (t) => {
  const own = Object.values(SPECS).flatMap((f) => (f.env?.startsWith('KAFKA_') ? [f.env] : []));
  t.ok(own.includes('KAFKA_HEALTH_PORT'));
  for (const name of own) t.ok(NOT_PROPERTIES.has(name), name);
});

t.test('variables without the KAFKA_ prefix are ignored', async (t) => {
  t.same(propertiesFromEnv({ PATH: '/bin', HOSTNAME: 'kafka-0', CLUSTER_ID: 'x' }).props.size, 0);
});

t.test('Kubernetes service-link variables are ignored, not turned into properties', async (t) => {
  const env = {
    KAFKA_PORT: 'tcp://10.0.0.7:9092',
    KAFKA_SERVICE_HOST: '10.0.0.7',
    KAFKA_SERVICE_PORT: '9092',
    KAFKA_SERVICE_PORT_SERVER: '9092',
    KAFKA_PORT_9092_TCP: 'tcp://10.0.0.7:9092',
    KAFKA_PORT_9092_TCP_ADDR: '10.0.0.7',
    KAFKA_PORT_9092_TCP_PORT: '9092',
    KAFKA_PORT_9092_TCP_PROTO: 'tcp',
    KAFKA_SVC_SERVICE_HOST: '10.0.0.8',
    KAFKA_LOG_DIRS: '/data',
  };
  const r = propertiesFromEnv(env);
  t.same(Object.fromEntries(r.props), { 'log.dirs': '/data' });
  t.equal(r.ignoredServiceLinks.length, 9);
  t.same(r.problems, []);
});

t.test('a _PORT variable whose value is no service URL is still a property', async (t) => {
  t.notOk(isServiceLinkVariable('KAFKA_JMX_PORT', '5555'));
});

t.test('refuses variable names that map to no clear property', async (t) => {
  const rows = [
    { name: 'four underscores', env: { KAFKA_FOO____BAR: '1' } },
    { name: 'lower case', env: { KAFKA_log_dirs: '/x' } },
    { name: 'trailing underscore', env: { KAFKA_FOO_: '1' } },
  ];
  for (const row of rows) t.equal(propertiesFromEnv(row.env).problems.length, 1, row.name);
});

t.test('records which variable set each property', async (t) => {
  t.equal(propertiesFromEnv({ KAFKA_NUM_PARTITIONS: '3' }).sources.get('num.partitions'), 'KAFKA_NUM_PARTITIONS');
});
