// One error and log vocabulary per agent (issue 12 item 4): every agent has a catalogue.ts and throws only codes from a
// catalogue (never a bare string, never an exit code chosen at the call site) and logs only events its catalogue
// names, so the README's tables, --help and the tests that assert codes and events cannot drift from the code.
import t from 'tap';
import { existsSync, globSync, readFileSync } from 'node:fs';

const ROOT = new URL('../', import.meta.url).pathname;
const AGENTS = ['peer-finder', 'zk-bootstrap', 'kafka-entrypoint', 'probes/zk-probe', 'probes/kafka-probe', 'agents-install'];

// The call sites that choose a code or an event by hand.
const BARE_CODE = /new AgentError\(\s*'|fileError\(\s*'|exitCode: EXIT\./;
const LITERAL_EVENT = /\blog\.(info|warn|error)\(\s*['`]/;

for (const agent of AGENTS) {
  t.test(`${agent}: codes and events come from its catalogue`, async (t) => {
    t.ok(existsSync(`${ROOT}${agent}/catalogue.ts`), `${agent}/catalogue.ts exists`);
    const sources = globSync(`${agent}/**/*.ts`, { cwd: ROOT });
    for (const file of sources) {
      const lines = readFileSync(`${ROOT}${file}`, 'utf8').split('\n');
      const bad = lines.flatMap((line, i) => (BARE_CODE.test(line) || LITERAL_EVENT.test(line) ? [`${file}:${i + 1}: ${line.trim().slice(0, 120)}`] : []));
      t.same(bad, [], `${file}: no hand-picked code, exit code or event`);
    }
  });
}
