import t from 'tap';
import { CODES, EVENTS, USED_COMMON_CODES } from '../../peer-finder/catalogue.ts';
import { unlistedInReadme } from '../fixtures/readme-tables.ts';

t.test("the README's table lists every code and event of peer-finder's catalogue", async (t) => {
  const names = [...Object.keys(CODES), ...Object.keys(USED_COMMON_CODES), ...Object.keys(EVENTS)];
  t.same(unlistedInReadme(new URL('../../peer-finder/README.md', import.meta.url).pathname, names), []);
});
