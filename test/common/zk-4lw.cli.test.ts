import t from 'tap';
import { createServer, type Socket } from 'node:net';
import { sendFourLetterWord } from '../../common/zk-4lw.ts';
import { freePorts } from '../harness/ports.ts';

t.test('a closed port is refused at once', async (t) => {
  const [port] = (await freePorts(1)) as [number];
  const r = await sendFourLetterWord({ host: '127.0.0.1', port, word: 'ruok', timeoutMs: 2000 });
  t.equal(r.kind === 'failed' && r.reason, 'refused');
  t.ok(r.ms < 1000);
});

t.test('a listener that never answers fails at the deadline', async (t) => {
  // A network fault, not a ZooKeeper stand-in: accepts and stays silent, like a wedged JVM.
  const held: Socket[] = [];
  const silent = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of held) socket.destroy();
    silent.close();
  });
  const address = silent.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const r = await sendFourLetterWord({ host: '127.0.0.1', port, word: 'ruok', timeoutMs: 300 });
  t.equal(r.kind === 'failed' && r.reason, 'timeout');
  t.ok(r.ms >= 290 && r.ms < 1500, `took ${r.ms}ms`);
});
