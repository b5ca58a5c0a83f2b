// Benchmarks as ratios against a baseline measured in the same invocation (never absolute timings in tests).
// hyperfine measures wall time; /usr/bin/time-like RSS comes from a wait4() rusage of one extra run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

export type Command = { readonly name: string; readonly argv: readonly string[] };

export type Figure = {
  readonly name: string;
  readonly medianMs: number;
  readonly meanMs: number;
  readonly maxRssKb: number;
  /** Every run's wall time, sorted. */
  readonly timesMs: readonly number[];
  /** Mean user + system CPU of one run, the command's children included (hyperfine's rusage). */
  readonly cpuMs: number;
};

// The value below which a share `p` (0..1) of the sorted values lies.
export const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;

const shellQuote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);

// Peak RSS of one run, from GNU time's %M (KiB).
export const maxRssKb = (argv: readonly string[]): number => {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...argv], { encoding: 'utf8' });
  return Number(r.stderr.trim().split('\n').at(-1)) || 0;
};

// Run every command under one hyperfine invocation (interleaved warm-up, same machine state).
export const measure = (commands: readonly Command[], options: { runs?: number; warmup?: number } = {}): Figure[] => {
  const dir = mkdtempSync(`${tmpdir()}/bench-`);
  try {
    const args = ['-N', '--style', 'none', '--runs', String(options.runs ?? 20), '--warmup', String(options.warmup ?? 3), '--export-json', `${dir}/out.json`];
    for (const c of commands) args.push('-n', c.name, c.argv.map(shellQuote).join(' '));
    const r = spawnSync('hyperfine', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`hyperfine failed: ${r.stderr}`);
    type Result = { command: string; median: number; mean: number; user: number; system: number; times: number[] };
    const results = (JSON.parse(readFileSync(`${dir}/out.json`, 'utf8')) as { results: Result[] }).results;
    return results.map((res, i) => ({
      name: res.command,
      medianMs: res.median * 1000,
      meanMs: res.mean * 1000,
      maxRssKb: maxRssKb((commands[i] as Command).argv),
      timesMs: res.times.map((s) => s * 1000).sort((a, b) => a - b),
      cpuMs: (res.user + res.system) * 1000,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

// One table: each figure with the baseline's and the ratio.
export const report = (title: string, figures: readonly Figure[], baseline: string): string => {
  const base = figures.find((f) => f.name === baseline);
  const lines = [`## ${title}`, `| command | median ms | RSS MB | × ${baseline} |`, '|---|---|---|---|'];
  for (const f of figures) {
    const ratio = base ? (f.medianMs / base.medianMs).toFixed(2) : '-';
    lines.push(`| ${f.name} | ${f.medianMs.toFixed(1)} | ${(f.maxRssKb / 1024).toFixed(1)} | ${ratio} |`);
  }
  return lines.join('\n') + '\n';
};
