import t from 'tap';
import { verdictLine } from '../../common/probe-verdict.ts';

t.test('the output is one line of at most 512 bytes, never cut inside a character', async (t) => {
  const line = verdictLine('ready', { kind: 'fail', detail: `x\n${'é'.repeat(600)}` }, 3);
  t.notMatch(line, /\n/);
  t.ok(Buffer.byteLength(line) <= 512);
  t.notMatch(line, /\uFFFD/);
  t.equal(verdictLine('live', { kind: 'ok', detail: 'fine' }, 4), 'live ok: fine (4ms)');
});
