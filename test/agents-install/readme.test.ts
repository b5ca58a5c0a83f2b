import t from 'tap';
import { CODES, EVENTS, USED_COMMON_CODES } from '../../agents-install/catalogue.ts';
import { unlistedInReadme } from '../fixtures/readme-tables.ts';

t.test("the README's table lists every code and event of agents-install's catalogue", async (t) => {
  const names = [...Object.keys(CODES), ...Object.keys(USED_COMMON_CODES), ...Object.keys(EVENTS)];
  t.same(unlistedInReadme(new URL('../../agents-install/README.md', import.meta.url).pathname, names), []);
});
