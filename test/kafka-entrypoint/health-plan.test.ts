import t from 'tap';
import { healthChecks, healthStatus, jvmRun, type Health } from '../../kafka-entrypoint/health-plan.ts';
import { readConfig } from '../../kafka-entrypoint/config.ts';

const plain = { protocol: 'PLAINTEXT' } as const;
const props = (text: string): Map<string, string> =>
  new Map(
    text
      .trim()
      .split('\n')
      .map((l) => l.split('=', 2) as [string, string]),
  );
const health: Health = { port: 8080, checkTimeoutMs: 2000, checks: {} as Health['checks'] };

t.test('the checks are the ones kafka-probe builds from the same server.properties', async (t) => {
  const rows = [
    {
      name: 'combined node: ready as a broker, live on the controller listener',
      text: 'node.id=2\nprocess.roles=broker,controller\nlisteners=PLAINTEXT://:9092,CONTROLLER://:9093\ncontroller.listener.names=CONTROLLER',
      ready: ['broker', 9092],
      live: 9093,
    },
    {
      name: 'controller only: ready as a caught-up voter',
      text: 'node.id=0\nprocess.roles=controller\nlisteners=CONTROLLER://:9093\ncontroller.listener.names=CONTROLLER',
      ready: ['controller', 9093],
      live: 9093,
    },
    {
      name: 'broker only: live on the broker listener',
      text: 'node.id=100\nprocess.roles=broker\nlisteners=PLAINTEXT://:9092\ncontroller.listener.names=CONTROLLER',
      ready: ['broker', 9092],
      live: 9092,
    },
    { name: 'ZooKeeper-mode broker', text: 'broker.id=1\nzookeeper.connect=zk:2181\nlisteners=PLAINTEXT://:9093', ready: ['broker', 9093], live: 9093 },
  ];
  for (const row of rows) {
    const r = healthChecks(props(row.text), plain, 2000);
    if (!r.ok) {
      t.fail(`${row.name}: ${r.problem}`);
      continue;
    }
    t.same([r.checks.ready.role, r.checks.ready.endpoint.port], row.ready, row.name);
    t.equal(r.checks.live.endpoint.port, row.live, row.name);
    t.equal(r.checks.live.check, 'live', row.name);
  }
});

t.test('a node whose properties name nothing to check is a problem naming -health-port', async (t) => {
  const r = healthChecks(props('process.roles=broker'), plain, 2000);
  t.equal(r.ok, false);
  t.match(!r.ok && r.problem, /^-health-port: cannot tell what to check: node\.id/);
});

t.test('the JVM is exec-ed unless the entrypoint has work while it runs or after it stops', async (t) => {
  const rows = [
    { name: 'neither: exec, the JVM keeps the PID', config: { health: undefined, leave: undefined }, kind: 'exec', why: undefined },
    { name: 'health endpoints', config: { health, leave: undefined }, kind: 'supervise', why: /health endpoints on port 8080/ },
    { name: 'leaving the quorum', config: { health: undefined, leave: { ordinal: 2 } }, kind: 'supervise', why: /^leave the quorum/ },
    { name: 'both', config: { health, leave: { ordinal: 2 } }, kind: 'supervise', why: /port 8080, leave the quorum/ },
  ];
  for (const row of rows) {
    const run = jvmRun(row.config);
    t.equal(run.kind, row.kind, row.name);
    if (run.kind === 'supervise') t.match(run.why, row.why as RegExp, row.name);
  }
});

t.test('/status names the node, its roles and the JVM, and no property or secret', async (t) => {
  const c = readConfig(['--service=kafka', '--controllers=3', '--health-port=8080'], { KAFKA_SSL_KEYSTORE_PASSWORD: 'hunter2' }, { hostname: 'kafka-1' });
  const status = healthStatus(c.node, c.clusterId?.value, 4242);
  t.same(status, {
    agent: 'kafka-entrypoint',
    mode: 'kraft',
    'node.id': 1,
    roles: ['broker', 'controller'],
    fqdn: 'kafka-1.kafka.default.svc.cluster.local',
    quorum: 'static',
    clusterId: c.clusterId?.value,
    jvm: { pid: 4242 },
  });
  t.notMatch(JSON.stringify(status), /hunter2/);
  t.same(healthStatus(c.node, undefined, undefined).jvm, { pid: null }, 'before the JVM starts');
});
