// `npm run bench`: runs every bench/*.bench.ts (each prints its own tables), then the baseline pair below.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { measure, report } from './lib.ts';

const only = process.argv.slice(2);
const files = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
for (const file of files) {
  const r = spawnSync(process.execPath, [`${import.meta.dirname}/${file}`], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
if (only.length === 0) {
  // The floor every agent is compared with: the runtime's own start.
  process.stdout.write(
    report(
      'Runtime floor',
      measure([
        { name: 'node -e 0', argv: [process.execPath, '-e', '0'] },
        { name: 'true', argv: ['true'] },
      ]),
      'node -e 0',
    ),
  );
}
