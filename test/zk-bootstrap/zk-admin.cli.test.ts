// zk-admin without a ZooKeeper: what a session does where nothing listens, and against fake servers that speak the
// handshake and then misbehave (the rest, against real 3.8 and 3.9 servers, is in zk-admin*.pods.test.ts).
import t, { type Test } from 'tap';
import { createServer, type Socket } from 'node:net';
import { openSession, getConfig, sync } from '../../zk-bootstrap/zk-admin.ts';
import * as wire from '../../common/zk-wire.ts';
import { freePorts } from '../harness/ports.ts';

type Teardown = { teardown(fn: () => void): void };

// A server on 127.0.0.1 that gives each request frame (after the ConnectRequest) to `onRequest`.
const fakeServer = async (t: Teardown, onRequest: (socket: Socket, xid: number, op: number) => void, connectTimeoutMs = 4000): Promise<string> => {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    let connected = false;
    socket.on('data', (chunk: Buffer) => {
      const { frames, rest } = wire.splitFrames(Buffer.concat([buffered, chunk]));
      buffered = Buffer.from(rest);
      for (const body of frames) {
        if (!connected) {
          connected = true;
          const answer = Buffer.alloc(36);
          answer.writeInt32BE(32, 0);
          answer.writeInt32BE(connectTimeoutMs, 8);
          answer.writeInt32BE(16, 20);
          socket.write(answer);
        } else onRequest(socket, body.readInt32BE(0), body.readInt32BE(4));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return `127.0.0.1:${(server.address() as { port: number }).port}`;
};

const replyHeader = (xid: number, err: number): Buffer => {
  const out = Buffer.alloc(20);
  out.writeInt32BE(16, 0);
  out.writeInt32BE(xid, 4);
  out.writeInt32BE(err, 16);
  return out;
};

const within = (t: Test, started: number, ms: number): void => {
  const took = Date.now() - started;
  t.ok(took < ms, `took ${took} ms (< ${ms})`);
};

t.test('an address where nothing listens fails with ZK_UNREACHABLE at the deadline', async (t) => {
  const [port] = (await freePorts(1)) as [number];
  const started = Date.now();
  await t.rejects(openSession({ connectString: `127.0.0.1:${port}`, timeoutMs: 800 }), { code: 'ZK_UNREACHABLE' });
  within(t, started, 3000);
});

t.test('a server that accepts and never answers (SIGSTOPped) is ZK_UNREACHABLE at the deadline', async (t) => {
  const silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(() => silent.close());
  const started = Date.now();
  await t.rejects(openSession({ connectString: `127.0.0.1:${(silent.address() as { port: number }).port}`, timeoutMs: 600 }), { code: 'ZK_UNREACHABLE' });
  within(t, started, 2000);
});

t.test('a silent server in the connect string does not take the whole deadline: the next one is tried', async (t) => {
  const silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(() => silent.close());
  const live = await fakeServer(t, () => {});
  const session = await openSession({ connectString: `127.0.0.1:${(silent.address() as { port: number }).port},${live}`, timeoutMs: 2000 });
  t.teardown(() => session.close());
  t.pass('a session within the deadline');
});

t.test('a session the server refuses (timeout 0) is ZK_SESSION_EXPIRED', async (t) => {
  const address = await fakeServer(t, () => {}, 0);
  await t.rejects(openSession({ connectString: address, timeoutMs: 1000 }), { code: 'ZK_SESSION_EXPIRED', context: { zkCode: -112 } });
});

t.test('a failed digest auth (AUTH_FAILED on xid -4) fails the session', async (t) => {
  const address = await fakeServer(t, (socket, xid) => socket.write(replyHeader(xid, -115)));
  await t.rejects(openSession({ connectString: address, timeoutMs: 1000, auth: { user: 'super', secret: 'x' } }), { code: 'ZK_AUTH_FAILED' });
});

t.test('a call the server never answers is ZK_TIMEOUT at its own deadline', async (t) => {
  const address = await fakeServer(t, () => {});
  const session = await openSession({ connectString: address, timeoutMs: 500 });
  t.teardown(() => session.close());
  const started = Date.now();
  await t.rejects(sync(session), { code: 'ZK_TIMEOUT', context: { timeoutMs: 500 } });
  within(t, started, 2000);
});

t.test('a connection lost mid-call is ZK_CONNECTION_LOSS, and so is every later call', async (t) => {
  const address = await fakeServer(t, (socket) => socket.destroy());
  const session = await openSession({ connectString: address, timeoutMs: 1000 });
  t.teardown(() => session.close());
  await t.rejects(getConfig(session), { code: 'ZK_CONNECTION_LOSS', context: { zkCode: -4 } });
  await t.rejects(sync(session), { code: 'ZK_CONNECTION_LOSS' });
});

t.test('an error code newer than the table is an error value ZK_CODE_<n>, not a crash', async (t) => {
  const address = await fakeServer(t, (socket, xid) => socket.write(replyHeader(xid, -200)));
  const session = await openSession({ connectString: address, timeoutMs: 1000 });
  t.teardown(() => session.close());
  await t.rejects(sync(session), { code: 'ZK_CODE_-200', context: { zkCode: -200 } });
});

t.test('a reply frame over the size limit ends the session with ZK_MARSHALLING_ERROR', async (t) => {
  const huge = Buffer.alloc(4);
  huge.writeInt32BE(wire.MAX_FRAME_BYTES + 1, 0);
  const address = await fakeServer(t, (socket) => socket.write(huge));
  const session = await openSession({ connectString: address, timeoutMs: 1000 });
  t.teardown(() => session.close());
  await t.rejects(sync(session), { code: 'ZK_MARSHALLING_ERROR' });
});

t.test('a getData reply whose data runs past its frame is ZK_MARSHALLING_ERROR', async (t) => {
  const address = await fakeServer(t, (socket, xid, op) => {
    if (op === wire.OP.sync) return socket.write(replyHeader(xid, 0));
    const bad = Buffer.concat([replyHeader(xid, 0), Buffer.from('00000009', 'hex')]);
    bad.writeInt32BE(bad.length - 4, 0);
    socket.write(bad);
  });
  const session = await openSession({ connectString: address, timeoutMs: 1000 });
  t.teardown(() => session.close());
  await t.rejects(getConfig(session), { code: 'ZK_MARSHALLING_ERROR' });
});
