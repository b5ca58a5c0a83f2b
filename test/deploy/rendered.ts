// What the manifests tests read: deploy/ as kubectl renders it (JSON objects, no YAML parser needed), the agents
// scripts/build.ts bundles, the images' ENTRYPOINTs, and every command line a container, probe or hook runs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

export type Obj = { kind: string; metadata: { name: string }; spec?: any; data?: Record<string, string>; stringData?: Record<string, string> };
export type Container = { name: string; image: string; command?: string[]; args?: string[]; env?: any[]; securityContext?: any; readinessProbe?: any; livenessProbe?: any; startupProbe?: any; lifecycle?: any };

/** `kubectl kustomize deploy/` (with kustomize Components of deploy/, e.g. 'agents-install', added the way a user's
 * own kustomization adds them), turned to JSON offline by a no-op `annotate --local` (removing an absent key). */
export const render = (kubectl: string, components: readonly string[] = []): Obj[] => {
  let yaml: string;
  if (components.length === 0) {
    yaml = execFileSync(kubectl, ['kustomize', `${ROOT}deploy`], { encoding: 'utf8', timeout: 5000 });
  } else {
    // kustomize loads a kustomization's resources by relative path, from a root that is not inside them.
    const dir = mkdtempSync(join(tmpdir(), 'deploy-'));
    try {
      const rel = (p: string) => relative(dir, `${ROOT}deploy/${p}`);
      writeFileSync(join(dir, 'kustomization.yaml'), `resources: [${rel('')}]\ncomponents: [${components.map(rel).join(', ')}]\n`);
      yaml = execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', timeout: 5000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const json = execFileSync(kubectl, ['annotate', '--local', '-f', '-', '-o', 'json', 'statefulset-agents-none-'], { input: yaml, encoding: 'utf8', timeout: 5000 });
  // One pretty-printed object after another: each closes with a `}` alone on its line.
  return json.split(/^\}$/m).filter((s) => s.trim() !== '').map((s) => JSON.parse(`${s}}`) as Obj);
};

/** Agent name -> entry source, from the AGENTS table of scripts/build.ts (importing it would run the build). */
export const builtAgents = (): Map<string, string> => {
  const text = readFileSync(`${ROOT}scripts/build.ts`, 'utf8');
  const table = /AGENTS = \{([^}]*)\}/.exec(text)?.[1] ?? '';
  return new Map([...table.matchAll(/'([a-z0-9-]+)': '([^']+)'/g)].map((m) => [m[1]!, m[2]!]));
};

/** Image repository -> ENTRYPOINT argv, from images/<name>.Containerfile. */
export const entrypoints = (): Map<string, string[]> => {
  const found = new Map<string, string[]>();
  for (const name of ['zookeeper', 'kafka', 'agents']) {
    const text = readFileSync(`${ROOT}images/${name}.Containerfile`, 'utf8');
    found.set(`statefulset-agents/${name}`, JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(text)?.[1] ?? '[]') as string[]);
  }
  return found;
};

export const statefulSets = (objs: Obj[]) => objs.filter((o) => o.kind === 'StatefulSet');
export const podSpecs = (objs: Obj[]) => statefulSets(objs).map((s) => ({ set: s.metadata.name, pod: s.spec.template.spec }));
export const containersOf = (pod: any): Container[] => [...(pod.initContainers ?? []), ...(pod.containers ?? [])];

export type Invocation = { where: string; argv: string[] };

/** Every argv the pods run: main process (ENTRYPOINT + args unless command), probes, hooks. */
export const invocations = (objs: Obj[], images: Map<string, string[]>): Invocation[] => {
  const out: Invocation[] = [];
  for (const { set, pod } of podSpecs(objs)) {
    for (const c of containersOf(pod)) {
      const where = `${set}/${c.name}`;
      const entry = images.get(c.image.split(':')[0]!) ?? [];
      out.push({ where, argv: [...(c.command ?? entry), ...(c.args ?? [])] });
      for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
        if (c[probe]?.exec) out.push({ where: `${where} ${probe}`, argv: c[probe].exec.command });
      }
      if (c.lifecycle?.preStop?.exec) out.push({ where: `${where} preStop`, argv: c.lifecycle.preStop.exec.command });
    }
  }
  return out;
};

/** The exec probes deploy/README.md documents as the alternative to a manifest's httpGet: `exec: {command: [...]}`. */
export const documentedInvocations = (): Invocation[] =>
  [...readFileSync(`${ROOT}deploy/README.md`, 'utf8').matchAll(/^\s*(\w+):\s*\{exec: \{command: \[([^\]]*)\]\}/gm)].map((m) => ({
    where: `deploy/README.md ${m[1]}`,
    argv: (m[2] ?? '').split(',').map((a) => a.trim()),
  }));

/** A bundle path: /app/<agent>.cjs in our images, /agents/<agent>.cjs where agents-install copied them. */
export const BUNDLE = /^\/(?:app|agents)\/([^/]+)\.cjs$/;

export type AgentCall = { where: string; agent: string; subcommand?: string; flags: string[] };

const SUBCOMMANDS = new Set(['init', 'run', 'leave', 'ready', 'live']);
const TAKES_VALUE = new Set(['override', 'add-scram', 'peers']); // list flags given as `--flag value`

/** The agent calls in an argv, with the flag names they use; a hook string such as -on-start is searched too. */
export const agentCalls = (inv: Invocation): AgentCall[] => {
  const calls: AgentCall[] = [];
  const at = inv.argv.findIndex((a) => BUNDLE.test(a));
  if (at < 0) return calls;
  const agent = BUNDLE.exec(inv.argv[at]!)![1]!;
  const call: AgentCall = { where: inv.where, agent, flags: [] };
  const rest = inv.argv.slice(at + 1);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--') break; // the server command follows
    if (i === 0 && SUBCOMMANDS.has(arg)) call.subcommand = arg;
    if (!arg.startsWith('-')) continue;
    const [name, value] = [arg.replace(/^--?/, '').split('=')[0]!, arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : undefined];
    call.flags.push(name);
    if (value === undefined && TAKES_VALUE.has(name)) i++;
    if (value !== undefined && /\/(app|agents)\//.test(value)) calls.push(...agentCalls({ where: `${inv.where} -${name}`, argv: value.split(/\s+/) }));
  }
  return [call, ...calls];
};

/** Every string anywhere in a value (to search command lines for secrets). */
export const strings = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(strings) : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : [];
