import t from 'tap';
import { connect, type Socket } from 'node:net';
import { sendFourLetterWord } from '../../common/zk-4lw.ts';
import { srvrFromText, confFromText } from '../../common/zk-4lw-parse.ts';
import { startFirstMember } from '../fixtures/loopback-zk.ts';

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
