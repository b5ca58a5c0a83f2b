import t from 'tap';
import { CODES, EVENTS, USED_COMMON_CODES } from '../../../probes/kafka-probe/catalogue.ts';
import { unlistedInReadme } from '../../fixtures/readme-tables.ts';

t.test("the README's table lists every code and event of kafka-probe's catalogue", async (t) => {
  const names = [...Object.keys(CODES), ...Object.keys(USED_COMMON_CODES), ...Object.keys(EVENTS)];
  t.same(unlistedInReadme(new URL('../../../probes/kafka-probe/README.md', import.meta.url).pathname, names), []);
});
