import t from 'tap';
import fc from 'fast-check';
import { serverLineFromText } from '../../common/zk-4lw-parse.ts';
import { readConfig } from '../../zk-bootstrap/config.ts';
import { dynamicZooCfgText, staticZooCfgText, staticServerList, dynamicFileText, propertyValue, ownSpec } from '../../zk-bootstrap/zoo-cfg.ts';

const config = (env: Record<string, string> = {}, argv: string[] = []) =>
  readConfig(['init', ...argv], { HOSTNAME: 'zoo-1', ZK_SUPER_SECRET: 'x', ...env }, { hostname: 'vm' });

t.test('dynamic zoo.cfg: sorted settings, reconfig on, extras last before dynamicConfigFile, on the volume', async (t) => {
  const text = dynamicZooCfgText(config({ ZOO_CFG_EXTRA: 'snapCount=10' }));
  t.equal(
    text,
    [
      '# Written by zk-bootstrap (dynamic mode). ZooKeeper rewrites this file and the dynamic file after every reconfig.',
      '4lw.commands.whitelist=conf,ruok,srvr',
      'admin.enableServer=true',
      'autopurge.purgeInterval=0',
      'autopurge.snapRetainCount=3',
      'dataDir=/data',
      'initLimit=5',
      'maxClientCnxns=60',
      'quorumListenOnAllIPs=true',
      'syncLimit=2',
      'tickTime=2000',
      'reconfigEnabled=true',
      'standaloneEnabled=false',
      'snapCount=10',
      'dynamicConfigFile=/data/conf/zoo.cfg.dynamic',
      '',
    ].join('\n'),
  );
  t.equal(dynamicZooCfgText(config({ ZOO_CFG_EXTRA: 'snapCount=10' })), text, 'byte-identical on a re-run');
  t.equal(propertyValue(text, 'dynamicConfigFile'), '/data/conf/zoo.cfg.dynamic');
  t.equal(propertyValue('a=1\na = 2\n', 'a'), '2', 'last occurrence wins, as java.util.Properties');
});

t.test('server lines in ZooKeeper 3.5+ syntax', async (t) => {
  t.equal(ownSpec(config(), 'zoo-1.zk.default.svc.cluster.local', 'observer'), 'server.2=zoo-1.zk.default.svc.cluster.local:2888:3888:observer;0.0.0.0:2181');
});

t.test('dynamic file: version dropped, own stale line replaced, sorted by id', async (t) => {
  const committed =
    'server.3=c:1:2:participant;0.0.0.0:2181\nserver.1=a:1:2:participant;0.0.0.0:2181\nserver.2=old:1:2:participant;0.0.0.0:2181\nversion=100000004';
  t.equal(
    dynamicFileText(committed, { dropId: 2, add: 'server.2=b:1:2:observer;0.0.0.0:2181' }),
    'server.1=a:1:2:participant;0.0.0.0:2181\nserver.2=b:1:2:observer;0.0.0.0:2181\nserver.3=c:1:2:participant;0.0.0.0:2181\n',
  );
});

t.test('static mode lists every server from -replicas/-domain or ZOO_SERVERS', async (t) => {
  const c = config({}, ['-mode=static', '-replicas=3', '-domain=zk.default.svc.cluster.local']);
  t.same(staticServerList(c), [
    'server.1=zoo-0.zk.default.svc.cluster.local:2888:3888:participant;0.0.0.0:2181',
    'server.2=zoo-1.zk.default.svc.cluster.local:2888:3888:participant;0.0.0.0:2181',
    'server.3=zoo-2.zk.default.svc.cluster.local:2888:3888:participant;0.0.0.0:2181',
  ]);
  const text = staticZooCfgText(c, staticServerList(c));
  t.match(text, /reconfigEnabled=false\n/);
  t.notMatch(text, /dynamicConfigFile/);
  const zs = config({ ZOO_SERVERS: 'server.2=b:1:2 server.1=a:1:2;2181' }, ['-mode=static']);
  t.match(staticZooCfgText(zs, staticServerList(zs)), /server\.1=a:1:2;2181\nserver\.2=b:1:2\n$/);
});

// Hostile-input issues 8 and 13 (item 11 of the hardening pass): whatever passes the input gate, the rendered files
// never gain a line or a server entry. Bounded runs: a few hundred inputs per property.
const hostile = fc
  .oneof(
    fc.constantFrom('zoo-0.zk', '127.0.0.9', '[fd00::1]', '/data', '/var/zk', 'a=b', 'snapCount=10', '2000', '0', ''),
    fc.string({ maxLength: 24 }),
    fc.string({ unit: 'binary', maxLength: 24 }),
    fc.constantFrom('\n', '\r', '\\', ':', ',', ';', '=', ' ', '\u0000', '\u2028', '\u0085', 'server.9=x:1:2'),
  )
  .chain((a) =>
    fc.oneof(
      fc.constant(a),
      fc.tuple(fc.constantFrom('zoo-0', '/data', 'a=b', '2000'), fc.constantFrom('\n', '\\', ',', ':', ' ', '\u0000')).map(([x, y]) => `${x}${y}${a}`),
    ),
  );

const gated = (env: Record<string, string>, argv: string[] = []) => {
  try {
    return readConfig(['init', ...argv], { HOSTNAME: 'zoo-1', ZK_SUPER_SECRET: 'x', ...env }, { hostname: 'vm' });
  } catch (error) {
    if ((error as { code?: string }).code !== 'CONFIG_INVALID') throw error;
    return undefined;
  }
};

const SAFE_LINE = /^[A-Za-z0-9_.]+=[\x21-\x5b\x5d-\x7e]*$/;

t.test('property: a config that passes the gate renders one line per setting, no server line, values read back', async (t) => {
  const keys = [
    'ZK_ADDRESS',
    'ZK_DOMAIN',
    'ZOO_DATA_DIR',
    'ZOO_DATA_LOG_DIR',
    'ZK_CLIENT_ADDRESS',
    'ZOO_CFG_EXTRA',
    'ZOO_TICK_TIME',
    'ZOO_INIT_LIMIT',
    'ZK_CONF_DIR',
  ];
  let passed = 0;
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom(...keys), hostile, { maxKeys: 4 }), (env) => {
      const c = gated(env);
      if (c === undefined) return;
      passed += 1;
      const text = dynamicZooCfgText(c);
      const lines = text.split('\n');
      if (lines.pop() !== '') throw new Error('no trailing newline');
      const expected = 1 + 10 + (c.dataLogDir ? 1 : 0) + 2 + c.zoo.extra.length + 1;
      if (lines.length !== expected) throw new Error(`${lines.length} lines, expected ${expected}: ${JSON.stringify(text)}`);
      for (const line of lines.slice(1)) if (!SAFE_LINE.test(line)) throw new Error(`unsafe line ${JSON.stringify(line)}`);
      if (lines.some((l) => /^server\./.test(l))) throw new Error('a server line in zoo.cfg');
      if (propertyValue(text, 'dataDir') !== c.dataDir && !c.zoo.extra.some((e) => e.startsWith('dataDir='))) throw new Error('dataDir does not read back');
      const own = ownSpec(c, c.address ?? 'zoo-1.zk', 'observer');
      const dynamic = dynamicFileText('', { add: own });
      if (dynamic.split('\n').length !== 2 || serverLineFromText(dynamic.trim())?.id !== c.myid) throw new Error(`own line ${JSON.stringify(dynamic)}`);
    }),
    { numRuns: 400 },
  );
  t.ok(passed > 20, `${passed} of 400 inputs passed the gate and were rendered`);
});

t.test('property: static mode lists exactly the servers given, each one line', async (t) => {
  const entry = fc.oneof(
    fc.constantFrom('server.1=a:1:2', 'server.2=b.zk:2888:3888:observer;2181', 'server.3=[fd00::3]:1:2;0.0.0.0:2181'),
    hostile.map((h) => `server.4=${h}:1:2`),
  );
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 4 }), (entries) => {
      const c = gated({ ZOO_SERVERS: entries.join(' ') }, ['-mode=static']);
      if (c === undefined) return;
      const servers = staticServerList(c);
      const text = staticZooCfgText(c, servers);
      const serverLinesOut = text.split('\n').filter((l) => l.startsWith('server.'));
      if (serverLinesOut.length !== servers.length || servers.length !== c.zoo.staticServers.length) throw new Error(`servers ${JSON.stringify(text)}`);
      for (const line of serverLinesOut)
        if (serverLineFromText(line) === undefined || /[\s,\\]/.test(line)) throw new Error(`bad line ${JSON.stringify(line)}`);
    }),
    { numRuns: 300 },
  );
  t.pass('held for 300 lists');
});

t.test('property: the dynamic file keeps only server lines it was given, plus the one added', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(hostile, fc.constantFrom('server.1=a:1:2;2181', 'version=100000001', 'server.2=b:1:2:observer;2181')), { maxLength: 8 }),
      (lines) => {
        const text = lines.join('\n');
        const out = dynamicFileText(text, { dropId: 2, add: 'server.2=c:1:2:observer;0.0.0.0:2181' }).split('\n');
        if (out.pop() !== '') throw new Error('no trailing newline');
        const given = new Set(text.split('\n').map((l) => l.trim()));
        for (const line of out) if (line !== 'server.2=c:1:2:observer;0.0.0.0:2181' && !given.has(line)) throw new Error(`gained ${JSON.stringify(line)}`);
        if (out.filter((l) => /^\s*server\.2\s*=/.test(l)).length !== 1) throw new Error('server 2 not exactly once');
      },
    ),
    { numRuns: 300 },
  );
  t.pass('held for 300 texts');
});

t.test('the dynamic file drops committed lines that are not well-formed server lines', async (t) => {
  const committed = 'server.1=a:1:2;2181\rserver.9=evil:1:2\nserver.3=c,d:1:2\nserver.4=e:1:2:participant;0.0.0.0:2181\n';
  t.equal(dynamicFileText(committed), 'server.4=e:1:2:participant;0.0.0.0:2181\n');
});
