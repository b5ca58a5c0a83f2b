import t from 'tap';
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
  const committed = 'server.3=c:1:2:participant;0.0.0.0:2181\nserver.1=a:1:2:participant;0.0.0.0:2181\nserver.2=old:1:2:participant;0.0.0.0:2181\nversion=100000004';
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
