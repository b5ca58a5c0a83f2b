import t from 'tap';
import { readConfig } from '../../zk-bootstrap/config.ts';
import fc from 'fast-check';
import { zooInt } from '../../zk-bootstrap/zoo-env.ts';

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

// Issue 10: `run` serves kubelet's httpGet probes when given a port; the port is checked before anything binds.
t.test('health endpoints: off unless -health-port (env ZK_HEALTH_PORT) is 1-65535 and no port ZooKeeper binds', async (t) => {
  t.equal(read(['run', '--', 'java']).health, undefined, 'off by default');
  t.equal(read(['run', '--', 'java'], { ZK_HEALTH_PORT: '0' }).health, undefined, '0 is off');
  t.same(read(['run', '--', 'java'], { ZK_HEALTH_PORT: '8081' }).health, { port: 8081, checkTimeoutMs: 2000 }, 'env, with the 2s check deadline');
  t.same(
    read(['run', '-health-port=9000', '-health-check-timeout=750ms', '--', 'java'], { ZK_HEALTH_PORT: '8081' }).health,
    { port: 9000, checkTimeoutMs: 750 },
    'flags win over env',
  );
  t.same(read(['run', '--', 'java'], { ZK_HEALTH_PORT: '8080', ZOO_ADMINSERVER_ENABLED: 'false' }).health?.port, 8080, '8080 once the AdminServer is off');
  t.same(read(['run', '--', 'java'], { ZK_HEALTH_PORT: '8080', ZOO_CFG_EXTRA: 'admin.serverPort=9090' }).health?.port, 8080, '8080 once the AdminServer moved');
  const rows = [
    { name: 'past 65535', env: { ZK_HEALTH_PORT: '65536' }, match: /-health-port \(env ZK_HEALTH_PORT\) takes a port 0-65535.*got "65536"/ },
    { name: 'negative', env: { ZK_HEALTH_PORT: '-1' }, match: /-health-port/ },
    { name: 'a name', env: { ZK_HEALTH_PORT: 'health' }, match: /-health-port/ },
    { name: 'the client port', env: { ZK_HEALTH_PORT: '2181' }, match: /2181 is ZooKeeper's client port/ },
    { name: 'the election port', env: { ZK_HEALTH_PORT: '3888' }, match: /election port/ },
    { name: "the AdminServer's default", env: { ZK_HEALTH_PORT: '8080' }, match: /8080 is ZooKeeper's AdminServer/ },
    { name: "the AdminServer's own port", env: { ZK_HEALTH_PORT: '9090', ZOO_CFG_EXTRA: 'admin.serverPort=9090' }, match: /9090 is ZooKeeper's AdminServer/ },
    {
      name: 'zero check deadline',
      env: { ZK_HEALTH_PORT: '8081', ZK_HEALTH_CHECK_TIMEOUT: '0s' },
      match: /-health-check-timeout \(env ZK_HEALTH_CHECK_TIMEOUT\)/,
    },
  ];
  for (const row of rows) {
    const found = problems(['run', '--', 'java'], row.env);
    t.match(found.join('\n'), row.match, row.name);
    t.equal(found.length, 1, `${row.name}: one problem`);
  }
});

// Hostile-input issues 8 (classes 2, 4, 5, 6) and 13 (item 7): refused at the gate, before anything is written.
t.test('an empty or relative path where an absolute one is required is refused, never resolved to /', async (t) => {
  const rows = [
    { name: 'ZOO_DATA_DIR empty', argv: ['init'], env: { ZOO_DATA_DIR: '' }, match: /-data-dir \(env ZOO_DATA_DIR\) is empty/ },
    { name: '-data-dir ""', argv: ['init', '-data-dir='], env: {}, match: /-data-dir .* is empty/ },
    { name: '-data-dir "" beats a good env', argv: ['init', '-data-dir', ''], env: { ZOO_DATA_DIR: '/data' }, match: /-data-dir .* is empty/ },
    { name: 'ZK_CONF_DIR empty', argv: ['init'], env: { ZK_CONF_DIR: '' }, match: /-conf-dir \(env ZK_CONF_DIR\) is empty/ },
    { name: 'ZK_SUPER_SECRET_FILE empty', argv: ['init'], env: { ZK_SUPER_SECRET_FILE: '' }, match: /-secret-file .* is empty/ },
    { name: 'relative conf dir', argv: ['init', '-conf-dir=conf'], env: {}, match: /-conf-dir .* absolute path/ },
    { name: 'relative data log dir', argv: ['init'], env: { ZOO_DATA_LOG_DIR: 'logs' }, match: /-data-log-dir .* absolute path/ },
    { name: 'relative secret file', argv: ['init'], env: { ZK_SUPER_SECRET_FILE: 'secret' }, match: /-secret-file .* absolute path/ },
    { name: 'dot path', argv: ['init'], env: { ZOO_DATA_DIR: '.' }, match: /-data-dir .* absolute path/ },
  ];
  for (const row of rows) t.match(problems(row.argv, row.env).join('\n'), row.match, row.name);
  t.equal(read(['init'], { ZOO_DATA_LOG_DIR: '' }).dataLogDir, undefined, 'ZOO_DATA_LOG_DIR empty keeps its documented meaning: the data dir');
});

// Given empty means a mistake, never "use the default", for the inputs whose old reader refused an empty flag
// (one rule for flag and env since the common input layer: ZK_MODE= is refused like -mode=). Ports, hosts and
// -data-log-dir keep "empty = unset".
t.test('an empty mode, role, super user or duration is refused; an empty port or host is unset', async (t) => {
  const rows = [
    { name: '-mode=', argv: ['init', '-mode='], env: {}, match: /-mode \(env ZK_MODE\) is empty/ },
    { name: 'ZK_ROLE empty', argv: ['init'], env: { ZK_ROLE: '' }, match: /-role \(env ZK_ROLE\) is empty/ },
    { name: '-super-user=', argv: ['init', '-super-user='], env: {}, match: /-super-user \(env ZK_SUPER_USER\) is empty/ },
    { name: 'ZK_TIMEOUT empty', argv: ['init'], env: { ZK_TIMEOUT: '' }, match: /-timeout \(env ZK_TIMEOUT\) is empty/ },
    { name: 'colon in -super-user', argv: ['init', '-super-user=a:b'], env: {}, match: /-super-user \(env ZK_SUPER_USER\) takes 1-128 printable ASCII/ },
    { name: 'space in a path', argv: ['init', '-data-dir=/da ta'], env: {}, match: /-data-dir .* absolute path of printable ASCII/ },
    { name: 'IP as -domain', argv: ['init'], env: { ZK_DOMAIN: '[fd00::1]' }, match: /-domain \(env ZK_DOMAIN\) takes a host name/ },
  ];
  for (const row of rows) t.match(problems(row.argv, row.env).join('\n'), row.match, row.name);
  const c = read(['init', '-client-port=', '-address='], { ZK_CLIENT_ADDRESS: '' });
  t.same([c.ports.client, c.address, c.clientAddress], [2181, undefined, '0.0.0.0']);
  t.equal(read(['init', '-data-dir=/var/zk//']).dataDir, '/var/zk', 'trailing slashes dropped');
  t.equal(read(['init', '-data-dir=/']).dataDir, '/', 'the root stays the root');
  t.equal(read(['init', '-log-format=json']).logFormat, 'json');
});

t.test('a value that would change a zoo.cfg or server line is refused at the gate, echoed short and escaped', async (t) => {
  const rows = [
    { name: 'newline in ZK_ADDRESS', env: { ZK_ADDRESS: 'zoo-0.zk\nserver.9=evil:1:2' }, match: /-address \(env ZK_ADDRESS\) takes a host name/ },
    { name: 'colon in -address', env: { ZK_ADDRESS: 'zoo-0:9999' }, match: /-address/ },
    { name: 'comma in -address', env: { ZK_ADDRESS: 'a,b' }, match: /-address/ },
    { name: 'space in -address', env: { ZK_ADDRESS: 'a b' }, match: /-address/ },
    { name: 'newline in ZK_CLIENT_ADDRESS', env: { ZK_CLIENT_ADDRESS: '0.0.0.0\nx=y' }, match: /-client-address/ },
    { name: 'newline in ZK_DOMAIN', env: { ZK_DOMAIN: 'zk.default\nserver.9=x' }, match: /-domain \(env ZK_DOMAIN\)/ },
    { name: 'empty label in ZK_DOMAIN', env: { ZK_DOMAIN: 'zk..local' }, match: /-domain/ },
    { name: 'newline in ZOO_DATA_DIR', env: { ZOO_DATA_DIR: '/data\nserver.9=evil:1:2:participant' }, match: /-data-dir .* absolute path/ },
    { name: 'NUL in ZOO_DATA_DIR', env: { ZOO_DATA_DIR: '/data\u0000x' }, match: /-data-dir/ },
    { name: 'backslash continuation in ZOO_DATA_DIR', env: { ZOO_DATA_DIR: '/data\\' }, match: /-data-dir/ },
    { name: 'backslash continuation in a ZOO_CFG_EXTRA value', env: { ZOO_CFG_EXTRA: 'snapCount=1\\' }, match: /ZOO_CFG_EXTRA entries must be key=value/ },
    { name: 'control byte in a ZOO_CFG_EXTRA value', env: { ZOO_CFG_EXTRA: 'snapCount=1\u0007' }, match: /ZOO_CFG_EXTRA/ },
    { name: 'non-ASCII in a ZOO_CFG_EXTRA value', env: { ZOO_CFG_EXTRA: 'snapCount=1\u2028server.9=x' }, match: /ZOO_CFG_EXTRA/ },
    { name: 'ZOO_TICK_TIME overflow', env: { ZOO_TICK_TIME: '100000000000000000000000' }, match: /ZOO_TICK_TIME must be an integer 1-2147483647/ },
    { name: 'ZOO_TICK_TIME past a Java int', env: { ZOO_TICK_TIME: '2147483648' }, match: /ZOO_TICK_TIME/ },
    { name: 'ZOO_INIT_LIMIT in exponent form', env: { ZOO_INIT_LIMIT: '1e3' }, match: /ZOO_INIT_LIMIT/ },
    { name: 'ZOO_SYNC_LIMIT negative', env: { ZOO_SYNC_LIMIT: '-1' }, match: /ZOO_SYNC_LIMIT/ },
    { name: 'ZOO_MAX_CLIENT_CNXNS with a newline', env: { ZOO_MAX_CLIENT_CNXNS: '60\n' }, match: /ZOO_MAX_CLIENT_CNXNS/ },
    { name: 'newline in -super-user', env: { ZK_SUPER_USER: 'super\nx' }, match: /-super-user/ },
    { name: 'NUL in -super-user', env: { ZK_SUPER_USER: 'su\u0000per' }, match: /-super-user/ },
  ];
  for (const row of rows) {
    const found = problems(['init'], row.env).join('\n');
    t.match(found, row.match, row.name);
    t.notMatch(found, /[\n\u0000\u0007\u2028]/, `${row.name}: no raw control byte in the message`);
  }
  const huge = problems(['init'], { ZK_ADDRESS: 'a'.repeat(131_000) + '\n' }).join('\n');
  t.ok(huge.length < 400, `a 131 KB value is echoed as a short excerpt (${huge.length} characters)`);
  t.match(huge, /…\(\+130921 chars\)/); // the common excerpt says how much of the 131,001 characters was left out
  t.equal(read(['init'], { ZOO_TICK_TIME: '0002000' }).zoo.tickTime, 2000, 'leading zeros are still digits');
  t.equal(read(['init'], { ZK_ADDRESS: '[fd00::1]' }).address, '[fd00::1]', 'a bracketed IPv6 address passes');
  t.equal(read(['init'], { ZK_DOMAIN: 'zk.default.svc.cluster.local.' }).domain, 'zk.default.svc.cluster.local', 'a trailing root dot is dropped');
});

t.test("static servers: ids within ZooKeeper's 1-255, ports 1-65535, hosts that are names", async (t) => {
  const rows = [
    { name: 'id past 255', servers: 'server.256=a:1:2', match: /ZOO_SERVERS entries/ },
    { name: 'id past 32 bits', servers: 'server.4294967297=a:1:2', match: /ZOO_SERVERS entries/ },
    { name: 'id 0', servers: 'server.0=a:1:2', match: /ZOO_SERVERS entries/ },
    { name: 'port past 65535', servers: 'server.1=a:1:65536', match: /ZOO_SERVERS entries/ },
    { name: 'comma in host', servers: 'server.1=a,b:1:2', match: /ZOO_SERVERS entries/ },
    { name: 'control byte in host', servers: 'server.1=a\u0001b:1:2', match: /ZOO_SERVERS entries/ },
    { name: 'duplicate id', servers: 'server.1=a:1:2 server.1=b:1:2', match: /twice/ },
  ];
  for (const row of rows) t.match(problems(['init', '-mode=static'], { ZOO_SERVERS: row.servers }).join('\n'), row.match, row.name);
  t.match(problems(['init', '-mode=static', '-replicas=255', '-domain=zk', '-id-offset=10']).join('\n'), /ids up to 264/, 'replicas + offset past 255');
  t.same(read(['init', '-mode=static'], { ZOO_SERVERS: 'server.1=a:1:2;[::1]:2181 server.2=[fd00::2]:1:2:observer;2181' }).zoo.staticServers.length, 2);
});

t.test('durations are range-checked at parse time: never a timer that fires after 1 ms', async (t) => {
  for (const [flag, value] of [
    ['timeout', '999999999h'],
    ['wait-timeout', '597h'],
    ['leave-settle', '0s'],
    ['stop-grace', '0.1ms'],
    ['timeout', ''],
  ] as const) {
    t.match(problems(['init', `-${flag}=${value}`]).join('\n'), new RegExp(`-${flag} .*from 1ms to 596h`), `-${flag}=${value}`);
  }
  t.equal(read(['init', '-wait-timeout=596h']).waitTimeoutMs, 596 * 3_600_000, 'the longest a timer holds is accepted');
  t.equal(read(['init']).stopGraceMs, 20_000, 'stop grace defaults to 20s, below the default terminationGracePeriodSeconds of 30');
});

t.test('property: ZOO_* integers are digits in range or a problem, never 1e+23 or a fraction', async (t) => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 30 }), fc.bigInt({ min: -10n, max: 10n ** 25n }).map(String), fc.double().map(String)), (text) => {
      const found: string[] = [];
      const n = zooInt({ ZOO_TICK_TIME: text }, 'ZOO_TICK_TIME', 2000, 1, found);
      if (found.length > 0) {
        if (n !== 2000 || /[\n\u0000]/.test(found.join(''))) throw new Error(`problem path: ${n} ${JSON.stringify(found)}`);
        return;
      }
      if (text !== '' && (!/^\d+$/.test(String(n)) || n < 1 || n > 2 ** 31 - 1 || String(n) !== String(Number(text))))
        throw new Error(`${JSON.stringify(text)} -> ${n}`);
    }),
    { numRuns: 500 },
  );
  t.pass('held for 500 values');
});
