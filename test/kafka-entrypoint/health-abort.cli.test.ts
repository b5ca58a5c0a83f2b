// kafka-entrypoint's /livez and /readyz checks listen to the health server's abort signal: closing the endpoints
// (the JVM exited) destroys the socket of a check in flight, so a node that accepted and went silent never holds
// the entrypoint's exit to the check's deadline.
import t from 'tap';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { realEffects } from '../../kafka-entrypoint/effects.ts';
import type { KafkaCheck } from '../../common/kafka-target.ts';

t.test('closing the health endpoints ends a check in flight at once, its socket destroyed', async (t) => {
  // A listener that accepts and never answers: a JVM stopped mid-request, or a SIGSTOPped one.
  const silent = net.createServer();
  const closed: number[] = [];
  silent.on('connection', (s) => s.on('close', () => closed.push(Date.now())));
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  t.teardown(() => silent.close());
  const port = (silent.address() as net.AddressInfo).port;
  const check = (name: KafkaCheck['check']): KafkaCheck => ({
    check: name,
    nodeId: 0,
    role: 'controller',
    endpoint: { host: '127.0.0.1', port },
    maxLagMs: 2000,
    security: { protocol: 'PLAINTEXT' },
  });
  const health = await realEffects.serveHealth({ port: 0, checkTimeoutMs: 30_000, checks: { live: check('live'), ready: check('ready') } }, () => ({}));
  const req = http.get({ host: '127.0.0.1', port: health.port, path: '/livez', agent: false });
  req.on('error', () => {}); // the endpoints close under it
  t.teardown(() => req.destroy());
  await new Promise<void>((resolve) => silent.once('connection', () => resolve()));
  const started = Date.now();
  await health.close();
  while (closed.length === 0 && Date.now() - started < 5_000) await new Promise((resolve) => setTimeout(resolve, 10));
  t.equal(closed.length, 1, 'the check socket was closed');
  t.ok((closed[0] ?? Infinity) - started < 2_000, `closed ${(closed[0] ?? NaN) - started} ms after close(), not at the 30 s deadline`);
});
