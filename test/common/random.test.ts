import t from 'tap';
import { randomBytes, randomId16 } from '../../common/random.ts';

t.test('gives as many bytes as asked, different each call', async (t) => {
  t.equal(randomBytes(0).length, 0);
  t.equal(randomBytes(6).length, 6);
  t.equal(randomBytes(4096).length, 4096);
  t.not(randomBytes(16).toString('hex'), randomBytes(16).toString('hex'));
});

t.test('DNS ids cover the whole 16-bit range, not a few values', async (t) => {
  const ids = Array.from({ length: 2000 }, randomId16);
  t.ok(ids.every((id) => Number.isInteger(id) && id >= 0 && id <= 0xffff));
  t.ok(new Set(ids).size > 1900, 'about 30 repeats expected among 2,000 draws from 65,536');
  t.ok(ids.some((id) => id >= 0x8000) && ids.some((id) => id < 0x8000), 'both halves of the range');
});
