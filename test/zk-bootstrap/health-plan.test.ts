import t from 'tap';
import { readConfig } from '../../zk-bootstrap/config.ts';
import { healthWord, healthVerdict, committedFromConf, healthStatus } from '../../zk-bootstrap/health-plan.ts';
import { liveVerdict, readyFromConf } from '../../common/zk-verdict.ts';
import { answer, refused, timedOut, conf, NOT_SERVING, CONF_HEAD } from '../fixtures/zk-answers.ts';

const P1 = 'server.1=zoo-0.zk:2888:3888:participant;0.0.0.0:2181';
const P3 = 'server.3=zoo-2.zk:2888:3888:participant;0.0.0.0:2181';
const O3 = 'server.3=zoo-2.zk:2888:3888:observer;0.0.0.0:2181';

const config = (env: Record<string, string> = {}) =>
  readConfig(['run', '--', 'java'], { HOSTNAME: 'zoo-2', ZK_SUPER_SECRET: 'not-in-status', ZK_HEALTH_PORT: '8081', ...env }, { hostname: 'vm' });

t.test('live asks ruok, ready asks conf: the words zk-probe live and zk-probe ready send', async (t) => {
  t.equal(healthWord('live'), 'ruok');
  t.equal(healthWord('ready'), 'conf');
});

t.test("the verdicts are zk-probe's, for every answer, with zk-bootstrap's -role as the expected role", async (t) => {
  const rows = [
    { name: 'imok', answer: answer('imok') },
    { name: 'a voter', answer: conf(3, [P1, P3]) },
    { name: 'an observer not yet promoted', answer: conf(3, [P1, O3]) },
    { name: 'not yet added', answer: conf(3, [P1]) },
    { name: 'no quorum', answer: NOT_SERVING },
    { name: 'refused (server not started yet)', answer: refused },
    { name: 'timed out (a stopped server)', answer: timedOut },
    { name: 'garbage', answer: answer('HTTP/1.1 400 Bad Request\r\n\r\n') },
  ];
  for (const row of rows) {
    t.same(healthVerdict('live', row.answer, 'participant'), liveVerdict(row.answer), `live: ${row.name}`);
    for (const role of ['participant', 'observer'] as const)
      t.same(healthVerdict('ready', row.answer, role), readyFromConf(row.answer, role), `ready (${role}): ${row.name}`);
  }
  t.equal(healthVerdict('ready', conf(3, [P1, O3]), config().role).kind, 'fail', 'default role participant: an observer is not ready');
  t.equal(healthVerdict('ready', conf(3, [P1, O3]), config({ ZK_ROLE: 'observer' }).role).kind, 'ok', 'ZK_ROLE=observer: ready as an observer');
});

t.test('the committed membership comes from a served conf, and from nothing else', async (t) => {
  t.same(committedFromConf(conf(3, [P1, O3])), {
    version: '100000003',
    servers: [
      { id: 1, address: 'zoo-0.zk', role: 'participant' },
      { id: 3, address: 'zoo-2.zk', role: 'observer' },
    ],
  });
  for (const [name, a] of [
    ['refused', refused],
    ['timeout', timedOut],
    ['not serving', NOT_SERVING],
    ['standalone', answer(`${CONF_HEAD}serverId=0\n`)],
    ['garbage', answer('x=y\n')],
  ] as const) {
    t.equal(committedFromConf(a), undefined, name);
  }
});

t.test('status: identity, expected role, server pid and membership; never the secret', async (t) => {
  const committed = committedFromConf(conf(3, [P1, P3]));
  const status = healthStatus(config(), 4242, committed);
  t.same(status, { agent: 'zk-bootstrap', myid: 3, mode: 'dynamic', role: 'participant', clientPort: 2181, serverPid: 4242, committed });
  t.same(
    Object.keys(healthStatus(config({ ZK_MODE: 'static', ZK_REPLICAS: '3', ZK_DOMAIN: 'zk' }), undefined, undefined)),
    ['agent', 'myid', 'mode', 'role', 'clientPort'],
    'before the server starts: no pid, no membership',
  );
  t.notMatch(JSON.stringify(status), /not-in-status|digest|secret/i);
});
