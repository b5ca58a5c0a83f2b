import t from 'tap';
import zookeeper from 'node-zookeeper-client';
import { Cluster, skipUnlessRoot, waitFor, staticZkEnsemble } from './index.ts';

// A session against one member; closed at teardown.
const connectTo = async (t: { teardown(fn: () => void): void }, ip: string): Promise<zookeeper.Client> => {
  const client = zookeeper.createClient(`${ip}:2181`, { sessionTimeout: 5000, retries: 0 });
  t.teardown(() => client.close());
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ZooKeeper session with ${ip} in 10 s`)), 10_000);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
    client.connect();
  });
  return client;
};

const create = (c: zookeeper.Client, path: string, data: string) =>
  new Promise<void>((resolve, reject) => c.create(path, Buffer.from(data), (e) => (e ? reject(e) : resolve())));
const getData = (c: zookeeper.Client, path: string) =>
  new Promise<string>((resolve, reject) => c.getData(path, (e, d) => (e ? reject(e) : resolve(d?.toString() ?? ''))));
const sync = (c: zookeeper.Client, path: string) =>
  new Promise<void>((resolve) => (c as unknown as { sync?: (p: string, cb: () => void) => void }).sync?.(path, resolve) ?? resolve());

t.test(
  'a 3-member ZooKeeper ensemble forms in pods; a write on one member reads back on another; a killed member keeps its data',
  { skip: skipUnlessRoot },
  async (t) => {
    const cluster = await Cluster.create(t);
    const zoo = staticZkEnsemble(cluster);
    zoo.start();
    await zoo.waitReady(3, 90_000);
    const writer = await connectTo(t, zoo.pod(0).ip);
    await create(writer, '/harness', 'written on zoo-0');
    const reader = await connectTo(t, zoo.pod(2).ip);
    await sync(reader, '/harness');
    t.equal(await getData(reader, '/harness'), 'written on zoo-0', 'read on zoo-2');
    writer.close();
    reader.close();

    await zoo.killPod(1);
    await zoo.waitReady(3, 90_000);
    t.equal(zoo.pod(1).starts, 1, 'zoo-1 is a new pod');
    const again = await connectTo(t, zoo.pod(1).ip);
    await waitFor('zoo-1 to serve /harness', () => getData(again, '/harness'), { timeoutMs: 20_000 });
    t.equal(await getData(again, '/harness'), 'written on zoo-0', 'the recreated member has the data');
    again.close();
  },
);
