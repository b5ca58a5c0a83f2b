// zk-bootstrap's vocabulary (issue 12 item 4), stricter than test/catalogue.test.ts: every code a call site raises
// is a catalogue entry (template-literal codes too), every catalogue code is raised somewhere, and the README's
// tables list every code and event.
import t from 'tap';
import { globSync, readFileSync } from 'node:fs';
import { CODES, EVENTS } from '../../zk-bootstrap/catalogue.ts';
import { ZK_CODES } from '../../common/zk-codes.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const sources = [...globSync('zk-bootstrap/*.ts', { cwd: ROOT }), 'common/zk-session.ts'].map((file) => ({
  file,
  text: readFileSync(`${ROOT}${file}`, 'utf8'),
}));

// The code argument of a call that raises one: a catalogue entry, or `code` inside a helper that takes a Code.
const RAISE = /\b(?:new AgentError|fileError|refuse)\(\s*([^,]+)/g;
const FROM_CATALOGUE = /^(?:CODES|COMMON_CODES)\.[A-Z_]+$|^code$/;
// Exempt, and only these: the dynamic ZK_<server code name> of a ZooKeeper reply (zkError and the lost session in
// zk-session.ts), left as strings while the ZooKeeper client is reworked in zk-admin.ts/zk-codes.ts (folded at
// merge). The names that matter are catalogued below and checked against zk-codes.ts.
const EXEMPT = /^`ZK_\$\{zkCodeName\(code\)\}`$/;

t.test('every code a call site raises comes from a catalogue', async (t) => {
  const bad = sources.flatMap(({ file, text }) =>
    [...text.matchAll(RAISE)]
      .map((m) => (m[1] as string).trim())
      .filter((arg) => !FROM_CATALOGUE.test(arg) && !EXEMPT.test(arg))
      .map((arg) => `${file}: ${arg}`),
  );
  t.same(bad, []);
  const exempt = sources.flatMap(({ file, text }) => [...text.matchAll(RAISE)].filter((m) => EXEMPT.test((m[1] as string).trim())).map(() => file));
  t.same(exempt, ['common/zk-session.ts', 'common/zk-session.ts'], 'the exemption covers exactly the two dynamic ZooKeeper codes');
});

t.test('every catalogued code is raised: by name, or as a ZooKeeper error code', async (t) => {
  const all = sources.map((s) => s.text).join('\n');
  const zkNames = new Set(Object.values(ZK_CODES));
  const unused = Object.keys(CODES).filter((code) => !all.includes(`CODES.${code}`) && !zkNames.has(code.replace(/^ZK_/, '')));
  t.same(unused, []);
});

t.test('events are named from the catalogue, <agent>.<kebab-case>', async (t) => {
  for (const name of Object.keys(EVENTS)) t.match(name, /^zk-bootstrap\.[a-z]+(-[a-z]+)*$/, name);
  const literal = sources
    .filter(({ file }) => !file.endsWith('catalogue.ts'))
    .flatMap(({ file, text }) => [...text.matchAll(/(?<!EVENTS\[)['`]zk-bootstrap\.[a-z-]+['`]/g)].map((m) => `${file}: ${m[0]}`));
  t.same(literal, [], 'no event name written outside EVENTS[...]');
});

t.test("the README's tables list every code and every event", async (t) => {
  const readme = readFileSync(`${ROOT}zk-bootstrap/README.md`, 'utf8');
  for (const { code, exit } of Object.values(CODES)) t.match(readme, new RegExp(`^\\| \`${code}\` \\| ${exit} \\|`, 'm'), code);
  for (const event of Object.keys(EVENTS)) t.match(readme, new RegExp(`^\\| \`${event.replace('.', '\\.')}\` \\|`, 'm'), event);
});
