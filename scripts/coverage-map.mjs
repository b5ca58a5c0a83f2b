// tap coverage map: every test covers the shipped source only (agents + common), never dist/ bundles that CLI
// tests spawn, the harness, fixtures or dependencies.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const SOURCE = ['common', 'peer-finder', 'zk-bootstrap', 'kafka-entrypoint', 'probes', 'agents-install'];
const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
const files = SOURCE.flatMap((d) => walk(join(root, d))).map((f) => relative(root, f));

export default () => files;
