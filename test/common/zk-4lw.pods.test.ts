import t from 'tap';
import { EventEmitter } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { sendFourLetterWord } from '../../common/zk-4lw.ts';
import { srvrFromText, confFromText } from '../../common/zk-4lw-parse.ts';
import { startFirstMember } from '../zk-bootstrap/support/loopback-zk.ts';
import { freePorts } from '../harness/ports.ts';

t.test('against a real ZooKeeper 3.9.5', async (t) => {
  const zk = await startFirstMember(t);
  const ask = (word: 'ruok' | 'srvr' | 'conf' | 'stat') => sendFourLetterWord({ host: '127.0.0.1', port: zk.ports.client, word, timeoutMs: 2000 });

  t.test('ruok answers imok', async (t) => {
    const r = await ask('ruok');
    t.same(r.kind === 'answer' && r.text, 'imok');
  });

  t.test('srvr shows the mode and conf the membership', async (t) => {
    const srvr = await ask('srvr');
    t.equal(srvr.kind === 'answer' && srvrFromText(srvr.text).kind, 'serving');
    const conf = await ask('conf');
    const parsed = conf.kind === 'answer' ? confFromText(conf.text) : undefined;
    t.equal(parsed?.kind === 'conf' && parsed.membership.servers[0]?.id, 1);
  });

  t.test('a word outside the whitelist comes back as an answer the parser names', async (t) => {
    const r = await ask('stat');
    t.equal(r.kind === 'answer' && srvrFromText(r.text).kind, 'not-whitelisted');
  });

  t.test('an answer survives a client that sends a trailing newline (100 in a row)', async (t) => {
    const sloppy = (port: number, host: string): Socket => {
      const socket = connect(port, host);
      const end = socket.end.bind(socket) as (chunk: string) => Socket;
      socket.end = ((word: string) => end(`${word}\n`)) as typeof socket.end;
      return socket;
    };
    // One at a time: ZooKeeper drops connections beyond maxClientCnxns (60) per client address.
    const answers = [];
    for (let i = 0; i < 100; i++) answers.push(await sendFourLetterWord({ host: '127.0.0.1', port: zk.ports.client, word: 'ruok', timeoutMs: 3000 }, sloppy));
    const lost = answers.filter((a) => !(a.kind === 'answer' && a.text === 'imok'));
    t.equal(lost.length, 0, `lost answers: ${JSON.stringify(lost.slice(0, 3))}`);
  });
});

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

// A socket whose events the test scripts: the only way to make a reset arrive exactly after the answer.
const scriptedSocket = (events: ReadonlyArray<readonly [string, unknown?]>) => (): Socket => {
  const socket = Object.assign(new EventEmitter(), { setNoDelay: () => socket, end: () => socket, destroy: () => socket });
  setImmediate(() => {
    for (const [event, value] of events) socket.emit(event, value);
  });
  return socket as unknown as Socket;
};

t.test('a reset after the answer keeps the answer; a reset before it is a failure', async (t) => {
  const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  const rows = [
    { name: 'reset after data', events: [['connect'], ['data', Buffer.from('imok')], ['error', reset], ['close']] as const, want: 'answer' },
    { name: 'reset before data', events: [['connect'], ['error', reset], ['close']] as const, want: 'reset' },
    { name: 'closed without data', events: [['connect'], ['end'], ['close']] as const, want: 'empty' },
  ];
  for (const row of rows) {
    const r = await sendFourLetterWord({ host: 'x', port: 1, word: 'ruok', timeoutMs: 1000 }, scriptedSocket(row.events));
    t.equal(r.kind === 'answer' ? 'answer' : r.reason, row.want, row.name);
  }
});
