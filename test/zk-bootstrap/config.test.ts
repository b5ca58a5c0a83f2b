import t from 'tap';
import { readConfig } from '../../zk-bootstrap/config.ts';

const ENV = { HOSTNAME: 'zoo-2', ZK_SUPER_SECRET: 's3cret' };
const read = (argv: string[], env: Record<string, string> = {}) => readConfig(argv, { ...ENV, ...env }, { hostname: 'vm' });
const problems = (argv: string[], env: Record<string, string> = {}): string[] => {
  try {
    read(argv, env);
    return [];
  } catch (error) {
    return (error as { problems: string[] }).problems;
  }
};

t.test('myid is ordinal + offset; defaults follow the official image', async (t) => {
  const c = read(['init']);
  t.equal(c.myid, 3);
  t.equal(c.mode, 'dynamic');
  t.equal(c.role, 'participant');
  t.same(c.ports, { client: 2181, quorum: 2888, election: 3888 });
  t.equal(c.dataDir, '/data');
  t.equal(c.confDir, '/data/conf', 'config on the data volume');
  t.same(c.zoo.fourLetterWords, ['conf', 'ruok', 'srvr']);
  t.same([c.zoo.tickTime, c.zoo.initLimit, c.zoo.syncLimit, c.zoo.maxClientCnxns], [2000, 5, 2, 60]);
  t.same(c.secret, { kind: 'env', value: 's3cret' });
  t.equal(read(['init', '-id-offset=10']).myid, 12);
  t.ok(Object.isFrozen(c));
});

t.test('flags win over env, env over defaults; ZOO_* shape zoo.cfg', async (t) => {
  const c = read(['run', '-client-port=3181', '--', 'java', '-version'], {
    ZK_CLIENT_PORT: '4000',
    ZK_SERVER_PORT: '4001',
    ZOO_DATA_DIR: '/var/zk',
    ZOO_TICK_TIME: '1000',
    ZOO_4LW_COMMANDS_WHITELIST: 'mntr, srvr',
    ZOO_CFG_EXTRA: 'quorumListenOnAllIPs=false snapCount=1000',
    ZOO_ADMINSERVER_ENABLED: 'false',
    ZK_SUPER_SECRET_FILE: '/etc/zk/secret',
  });
  t.equal(c.ports.client, 3181);
  t.equal(c.ports.quorum, 4001);
  t.equal(c.confDir, '/var/zk/conf');
  t.equal(c.zoo.tickTime, 1000);
  t.same(c.zoo.fourLetterWords, ['conf', 'mntr', 'ruok', 'srvr']);
  t.same(c.zoo.extra, ['quorumListenOnAllIPs=false', 'snapCount=1000']);
  t.equal(c.zoo.adminServer, false);
  t.same(c.secret, { kind: 'file', path: '/etc/zk/secret' }, 'a secret file wins over the env secret');
  t.same(c.serverCommand, ['java', '-version']);
});

t.test('every problem is reported at once, naming the input', async (t) => {
  const rows = [
    { name: 'no subcommand', argv: [], env: {}, match: /init, run or leave/ },
    { name: 'hostname without ordinal', argv: ['init'], env: { HOSTNAME: 'zookeeper' }, match: /no StatefulSet ordinal/ },
    { name: 'run without a command', argv: ['run'], env: {}, match: /after --/ },
    { name: 'bad mode', argv: ['init', '-mode=magic'], env: {}, match: /-mode \(env ZK_MODE\)/ },
    { name: 'bad port', argv: ['init', '-client-port=99999'], env: {}, match: /-client-port/ },
    { name: 'same ports', argv: ['init', '-client-port=2888'], env: {}, match: /must differ/ },
    { name: 'relative dir', argv: ['init', '-data-dir=data'], env: {}, match: /absolute path/ },
    { name: 'no secret', argv: ['init'], env: { ZK_SUPER_SECRET: '' }, match: /super user password/ },
    { name: 'dynamic key in extra', argv: ['init'], env: { ZOO_CFG_EXTRA: 'server.1=a:1:2' }, match: /ZOO_CFG_EXTRA must not set server.1/ },
    { name: 'static without servers', argv: ['init', '-mode=static'], env: {}, match: /static mode needs ZOO_SERVERS/ },
    { name: 'bad ZOO_SERVERS', argv: ['init', '-mode=static'], env: { ZOO_SERVERS: 'zoo-0:2888' }, match: /ZOO_SERVERS entries/ },
    { name: 'bad duration', argv: ['init', '-timeout=soon'], env: {}, match: /-timeout/ },
    { name: 'myid out of range', argv: ['init', '-id-offset=255'], env: {}, match: /must be 1-255/ },
    { name: 'unknown flag', argv: ['init', '-secret=x'], env: {}, match: /unknown flag -secret/ },
  ];
  for (const row of rows) t.match(problems(row.argv, row.env).join('\n'), row.match, row.name);
  t.ok(problems(['init', '-mode=magic', '-client-port=0'], { HOSTNAME: 'x' }).length >= 3, 'several problems together');
  t.throws(() => read(['init', '-mode=magic']), { code: 'CONFIG_INVALID', exitCode: 2 });
});
