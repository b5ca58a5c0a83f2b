// Bundle each agent into one ESM file under dist/, the files the images ship.
import { build } from 'esbuild';
import { chmod } from 'node:fs/promises';

export const AGENTS = {
  'peer-finder': 'peer-finder/main.ts',
  'zk-bootstrap': 'zk-bootstrap/main.ts',
  'zk-probe': 'probes/zk-probe/main.ts',
  'kafka-entrypoint': 'kafka-entrypoint/main.ts',
  'kafka-probe': 'probes/kafka-probe/main.ts',
} as const;

await Promise.all(
  Object.entries(AGENTS).map(async ([name, entry]) => {
    const outfile = `dist/${name}.mjs`;
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'esm',
      minify: true,
      legalComments: 'none',
      // CommonJS dependencies (kafkajs, node-zookeeper-client) call require(); give the ESM bundle one.
      banner: { js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      logLevel: 'warning',
    });
    await chmod(outfile, 0o755);
  }),
);
