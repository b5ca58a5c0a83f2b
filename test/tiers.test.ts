// The test tiers are file-name suffixes that package.json's tier scripts select by glob: every test file is in exactly
// one of unit, cli, pods and k8s, `test:fast` is unit + cli, and the full run (`tap`, CI) takes them all. A file named
// as a unit test must not need what the heavier tiers are for.
import t from 'tap';
import { globSync, readFileSync } from 'node:fs';
import { matchesGlob } from 'node:path';

const ROOT = new URL('../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string>; tap: { include: string[] } };
const files = globSync('test/**/*.test.ts', { cwd: ROOT }).sort();

// The files a script's tap run takes: its --include globs, less its --exclude globs.
const selection = (script: string): string[] => {
  const globs = (flag: string) => [...(pkg.scripts[script] ?? '').matchAll(new RegExp(`--${flag}='([^']+)'`, 'g'))].map((m) => m[1]!);
  const [include, exclude] = [globs('include'), globs('exclude')];
  return files.filter((f) => include.some((g) => matchesGlob(f, g)) && !exclude.some((g) => matchesGlob(f, g)));
};
const TIERS = ['test:unit', 'test:cli', 'test:pods', 'test:kubernetes'] as const;

t.test('every test file is in exactly one tier', async (t) => {
  t.ok(files.length > 50, `${files.length} test files`);
  const tiersOf = new Map(files.map((f) => [f, TIERS.filter((tier) => selection(tier).includes(f))]));
  t.same(
    [...tiersOf].filter(([, tiers]) => tiers.length !== 1).map(([f, tiers]) => `${f}: ${tiers.join(', ') || 'no tier'}`),
    [],
  );
  for (const tier of TIERS) t.ok(selection(tier).length > 0, `${tier} selects some files`);
});

t.test('test:fast is unit and cli; the full run is every tier', async (t) => {
  t.same(selection('test:fast'), [...selection('test:unit'), ...selection('test:cli')].sort());
  t.same(
    files.filter((f) => pkg.tap.include.some((g) => matchesGlob(f, g))),
    files,
  );
});

// Value imports that mean child processes, sockets or servers (a `import type` is fine).
const HEAVY =
  /^import (?!type )[^;]*from '(node:child_process|node:net|node:dgram|node:http|[./]+harness\/[^']*|[./]+fixtures\/(hostile-[a-z]+|loopback-[a-z]+|real-kafka|zk-pods|pod-specs|kube)\.ts)'/m;
// Scratch files: a unit test reads checked-in files at most.
const WRITES = /\b(t\.testdir|mkdtempSync|mkdtemp|writeFileSync|writeFile|mkdirSync|symlinkSync)\(/;
// What only the pods tier may use: a JVM (loopback ZooKeeper, real Kafka) or harness pods.
const JVM_OR_PODS = /^import (?!type )[^;]*from '[./]+(fixtures\/(loopback-zk|real-kafka|zk-pods|pod-specs)|harness\/index)\.ts'/m;

t.test('a unit test starts no process, socket or server and writes no file; a cli test starts no JVM or pod', async (t) => {
  for (const f of selection('test:unit')) {
    const text = readFileSync(`${ROOT}${f}`, 'utf8');
    t.notMatch(text, HEAVY, `${f}: no process, socket or server (else name it *.cli.test.ts or *.pods.test.ts)`);
    t.notMatch(text, WRITES, `${f}: no file written (else name it *.cli.test.ts)`);
  }
  for (const f of selection('test:cli')) t.notMatch(readFileSync(`${ROOT}${f}`, 'utf8'), JVM_OR_PODS, `${f}: none (else name it *.pods.test.ts)`);
});
