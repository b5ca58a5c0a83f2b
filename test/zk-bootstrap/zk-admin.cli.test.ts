// zk-admin without a server: what a ZooKeeper session does where nothing listens (the rest, against real servers, is
// in zk-admin.pods.test.ts).
import t from 'tap';
import { openSession } from '../../zk-bootstrap/zk-admin.ts';
import { freePorts } from '../harness/ports.ts';

t.test('an address where nothing listens fails with ZK_UNREACHABLE at the deadline', async (t) => {
  const [port] = (await freePorts(1)) as [number];
  const started = Date.now();
  await t.rejects(openSession({ connectString: `127.0.0.1:${port}`, timeoutMs: 800 }), { code: 'ZK_UNREACHABLE' });
  t.ok(Date.now() - started < 3000);
});
