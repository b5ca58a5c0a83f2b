// Turn tap's closing `# { total: N, pass: N, fail: N }` into the `N passed, N failed` line CI reads; a second
// argument adds failures found outside tap (the image build or the real cluster not coming up).
import { readFileSync } from 'node:fs';

const summary = readFileSync(process.argv[2] ?? '.cache/tap.log', 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('# { total'))
  .at(-1);
const count = (key: string): number => Number(summary?.match(new RegExp(`${key}: (\\d+)`))?.[1] ?? 0);
const failed = (summary ? count('fail') : 1) + Number(process.argv[3] ?? 0);
console.log(`${count('pass')} passed, ${failed} failed, ${count('skip') + count('todo')} skipped`);
