import t from 'tap';
import { targetFromProperties } from '../../common/kafka-target.ts';

const target = (entries: Record<string, string>) => {
  const r = targetFromProperties(new Map(Object.entries(entries)));
  if (!r.ok) throw new Error(r.problem);
  return r.target;
};

t.test('reads id, roles and loopback endpoints from the server.properties the entrypoint wrote', async (t) => {
  const rows = [
    {
      name: 'KRaft combined',
      props: {
        'node.id': '2',
        'process.roles': 'broker,controller',
        listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093',
        'controller.listener.names': 'CONTROLLER',
      },
      want: { nodeId: 2, roles: ['broker', 'controller'], broker: { host: '127.0.0.1', port: 9092 }, controller: { host: '127.0.0.1', port: 9093 } },
    },
    {
      name: 'KRaft controller only',
      props: { 'node.id': '0', 'process.roles': 'controller', listeners: 'CONTROLLER://0.0.0.0:9093', 'controller.listener.names': 'CONTROLLER' },
      want: { nodeId: 0, roles: ['controller'], broker: undefined, controller: { host: '127.0.0.1', port: 9093 } },
    },
    {
      name: 'the seed in ZooKeeper mode',
      props: { 'broker.id': '2', 'zookeeper.connect': 'zk:2181', listeners: 'PLAINTEXT://:9093' },
      want: { nodeId: 2, roles: ['broker'], broker: { host: '127.0.0.1', port: 9093 }, controller: undefined },
    },
    {
      name: 'prefers the inter-broker listener',
      props: {
        'node.id': '1',
        'process.roles': 'broker',
        listeners: 'EXTERNAL://:9094,INTERNAL://:9092',
        'inter.broker.listener.name': 'INTERNAL',
        'listener.security.protocol.map': 'EXTERNAL:SSL,INTERNAL:PLAINTEXT',
        'controller.listener.names': 'CONTROLLER',
      },
      want: { broker: { host: '127.0.0.1', port: 9092 }, brokerProtocol: 'PLAINTEXT' },
    },
  ];
  for (const row of rows) t.match(target(row.props), row.want, row.name);
});

t.test('refuses a file without an id or roles', async (t) => {
  t.match(targetFromProperties(new Map([['listeners', 'PLAINTEXT://:9092']])), { ok: false });
  t.match(targetFromProperties(new Map([['node.id', '1']])), { ok: false });
});
