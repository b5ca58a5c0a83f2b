// agents-install: copy this Node binary and the agent bundles beside this script into a directory (an emptyDir that
// an init container shares with the server's containers), so a third-party server image runs the agents from there.
// The agents image is `from scratch`: no shell, no cp. This is the whole install step, run by the image's own node.
import { constants } from 'node:fs';
import { chmod, copyFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { helpText } from '../common/flags.ts';
import { EXIT } from '../common/exit-codes.ts';
import { AgentError, ConfigError } from '../common/errors.ts';
import { exitCodeRows } from '../common/catalogue.ts';
import { inputs, readInputs } from '../common/inputs.ts';
import { runMain } from '../common/run-main.ts';
import { log, setLogFormat } from '../common/log.ts';
import { CODES, EVENTS, USED_COMMON_CODES } from './catalogue.ts';

// Defaults that depend on the running process are applied in main; the spec only says how --help shows them.
export const SPECS = {
  from: inputs.path('from', { help: 'directory whose *.cjs bundles are copied', defaultText: 'the directory of this script (/app)' }),
  node: inputs.path('node', { help: 'Node binary copied as <dir>/node', defaultText: 'the running node (/usr/local/bin/node)' }),
  logFormat: inputs.logFormat(),
};

const HELP = helpText({
  usage: 'agents-install [flags] <dir>',
  summary: [
    'Copies the Node binary to <dir>/node and every agent bundle (*.cjs, except this one) to <dir>/, mode 0755.',
    'Each file is written to a temporary name in <dir> and renamed, so a restarted init container never leaves a',
    'half-written file, and an existing name (even a symlink) is replaced, not followed. <dir> must exist.',
    'Then run e.g. `/agents/node /agents/zk-probe.cjs ready`: the target image needs glibc >= 2.28 and libstdc++.',
  ].join('\n'),
  flags: Object.values(SPECS),
  exitCodes: exitCodeRows(
    [
      [EXIT.ok, 'everything copied'],
      [EXIT.failed, 'a copy failed (the line names the file and the error)'],
      [EXIT.usage, 'bad flags, or <dir> missing or not a directory'],
    ],
    CODES,
    USED_COMMON_CODES,
  ),
});

export type Copy = { readonly from: string; readonly to: string };

// What to copy where: node first, then the bundles in name order. Pure, so the plan is tested on data.
export const installPlan = (node: string, bundles: readonly string[], source: string, self: string, dir: string): Copy[] => [
  { from: node, to: join(dir, 'node') },
  ...bundles
    .filter((b) => b.endsWith('.cjs') && b !== self)
    .sort()
    .map((b) => ({ from: join(source, b), to: join(dir, b) })),
];

const osError = (what: string, path: string, e: unknown): AgentError =>
  new AgentError(CODES.INSTALL_FAILED, `${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { context: { path } });

// One file: exclusive create of a temporary name, mode 0755, rename over the final name.
const copyOne = async ({ from, to }: Copy): Promise<number> => {
  const tmp = join(dirname(to), `.${basename(to)}.${process.pid}.tmp`);
  try {
    await copyFile(from, tmp, constants.COPYFILE_EXCL);
    await chmod(tmp, 0o755);
    await rename(tmp, to);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw osError('cannot copy to', to, e);
  }
  return (await stat(to)).size;
};

export const main = async (argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<number> => {
  const read = readInputs(SPECS, argv, env);
  setLogFormat(read.values.logFormat); // first, so even a config error is written in the chosen format
  if (read.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  const problems = [...read.problems];
  if (read.positionals.length !== 1) problems.push('give exactly one target directory (see --help)');
  if (problems.length > 0) throw new ConfigError(problems);
  const dir = read.positionals[0] as string;
  const script = process.argv[1] ?? '';
  const source = read.values.from ?? dirname(script);
  const node = read.values.node ?? process.execPath;
  const target = await stat(dir).catch(() => undefined);
  if (!target?.isDirectory()) throw new ConfigError([`${dir} is not a directory (mount the emptyDir there)`]);
  const bundles = await readdir(source).catch((e: unknown) => {
    throw osError('cannot list', source, e);
  });
  const plan = installPlan(node, bundles, source, basename(script), dir);
  if (plan.length < 2) throw new AgentError(CODES.INSTALL_FAILED, `no *.cjs bundles in ${source}`, { context: { path: source } });
  const started = Date.now();
  let bytes = 0;
  for (const copy of plan) bytes += await copyOne(copy);
  log.info(EVENTS['agents-install.installed'], { dir, files: plan.map((c) => basename(c.to)).join(','), bytes, ms: Date.now() - started });
  return EXIT.ok;
};

if (import.meta.main) runMain('agents-install', main);
