import t from 'tap';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { sendFourLetterWord } from '../../common/zk-4lw.ts';

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
