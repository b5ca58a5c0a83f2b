// kafka-entrypoint's vocabulary (issue 12 item 4), stricter than test/catalogue.test.ts: every code a call site raises
// is a catalogue entry, every catalogue code is raised somewhere, the exit codes of the storage-plan refusals come
// from the catalogue, and the README's tables list every code and event.
import t from 'tap';
import { globSync, readFileSync } from 'node:fs';
import { CODES, EVENTS, USED_COMMON_CODES } from '../../kafka-entrypoint/catalogue.ts';
import { EXIT } from '../../common/exit-codes.ts';
import { checkReadmeTable } from '../fixtures/readme-tables.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const sources = globSync('kafka-entrypoint/*.ts', { cwd: ROOT })
  .filter((f) => !f.endsWith('catalogue.ts'))
  .map((file) => ({ file, text: readFileSync(`${ROOT}${file}`, 'utf8') }));

// The code argument of a call that raises one: a catalogue entry, or a refusal the plan named by type (CODES[x.code]).
const RAISE = /\b(?:new AgentError|fileError)\(\s*([^,]+)/g;
const FROM_CATALOGUE = /^CODES(?:\.[A-Z_]+|\[(?:plan|step|verdict)\.code\])$/;

t.test('every code a call site raises comes from the catalogue', async (t) => {
  const bad = sources.flatMap(({ file, text }) =>
    [...text.matchAll(RAISE)]
      .map((m) => (m[1] as string).trim())
      .filter((arg) => !FROM_CATALOGUE.test(arg))
      .map((arg) => `${file}: ${arg}`),
  );
  t.same(bad, []);
});

t.test('every catalogued code is raised: by name, or as a plan refusal', async (t) => {
  const all = sources.map((s) => s.text).join('\n');
  t.same(
    Object.keys(CODES).filter((code) => !all.includes(`CODES.${code}`) && !all.includes(`'${code}'`)),
    [],
  );
});

t.test('a storage-plan refusal ends with the exit code of its catalogue entry', async (t) => {
  for (const code of ['NODE_ID_MISMATCH', 'CLUSTER_ID_MISMATCH', 'META_WRONG_MODE', 'LOG_DIR_NOT_EMPTY'] as const) t.equal(CODES[code].exit, EXIT.usage, code);
  for (const code of ['META_UNREADABLE', 'METADATA_DIR_LOST', 'QUORUM_UNKNOWN'] as const) t.equal(CODES[code].exit, EXIT.failed, code);
});

t.test('no event name is written outside EVENTS[...]', async (t) => {
  const literal = sources.flatMap(({ file, text }) => [...text.matchAll(/(?<!EVENTS\[)['`]kafka-entrypoint\.[a-z-]+['`]/g)].map((m) => `${file}: ${m[0]}`));
  t.same(literal, []);
});

checkReadmeTable(t, 'kafka-entrypoint', new URL('../../kafka-entrypoint/README.md', import.meta.url), { CODES, USED_COMMON_CODES, EVENTS });
