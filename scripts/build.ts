// Bundle each agent into one CommonJS file under dist/, the files the images ship. CommonJS, not ESM: Node's ESM
// loader alone costs ~3 MB RSS and a few ms per start, and probes start every few seconds in every pod.
import { build } from 'esbuild';
import { chmod } from 'node:fs/promises';

export const AGENTS = {
  'peer-finder': 'peer-finder/main.ts',
  'zk-bootstrap': 'zk-bootstrap/main.ts',
  'zk-probe': 'probes/zk-probe/main.ts',
  'kafka-entrypoint': 'kafka-entrypoint/main.ts',
  'kafka-probe': 'probes/kafka-probe/main.ts',
  'agents-install': 'agents-install/main.ts',
} as const;

await Promise.all(
  Object.entries(AGENTS).map(async ([name, entry]) => {
    const outfile = `dist/${name}.cjs`;
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'cjs',
      // A bundle is always the entry point; the sources check import.meta.main so tests can import main().
      define: { 'import.meta.main': 'true' },
      minify: true,
      legalComments: 'none',
      banner: { js: '#!/usr/bin/env node' },
      logLevel: 'warning',
    });
    await chmod(outfile, 0o755);
  }),
);
