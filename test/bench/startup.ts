// 1. Startup: the single executable's `--help`, `profile --help` and `version` against `kubectl version --client`,
// interleaved so that load from other processes hits all three alike.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fmtMs, fmtRatio, median, nodeBin, percentile, repoRoot, runChild, type Section } from './common.ts';

export const KUBECTL = '/usr/bin/kubectl';
const TARGET_RATIO = 1.0;

export interface StartupResult {
  runs: number;
  binary: string | undefined;
  skipped?: string;
  commands: Array<{ name: string; samplesMs: number[]; medianMs: number; p90Ms: number; ratio: number; failures: number }>;
  met: boolean | undefined;
}

export async function benchStartup(opts: { binary: string | undefined; runs: number; binaryState: string }): Promise<StartupResult> {
  const kubectl = existsSync(KUBECTL) ? KUBECTL : 'kubectl';
  const commands: Array<{ name: string; cmd: string; args: string[] }> = [{ name: 'kubectl version --client', cmd: kubectl, args: ['version', '--client'] }];
  if (opts.binary === undefined) {
    return { runs: 0, binary: undefined, skipped: `no up-to-date binary (${opts.binaryState})`, commands: [], met: undefined };
  }
  // not judged: how long the bare Node runtime the binary embeds takes to start and exit
  commands.push({ name: 'node -e 0 (info: bare runtime)', cmd: nodeBin, args: ['-e', '0'] });
  commands.push({ name: 'kubectl-squirrly --help', cmd: opts.binary, args: ['--help'] });
  commands.push({ name: 'kubectl-squirrly profile --help', cmd: opts.binary, args: ['profile', '--help'] });
  commands.push({ name: 'kubectl-squirrly version', cmd: opts.binary, args: ['version'] });
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' };
  const samples = commands.map(() => [] as number[]);
  const failures = commands.map(() => 0);
  // one untimed warm-up each (page cache), then interleaved rounds
  for (const c of commands) await runChild(c.cmd, c.args, { env });
  for (let round = 0; round < opts.runs; round++) {
    for (const [i, c] of commands.entries()) {
      const run = await runChild(c.cmd, c.args, { env });
      if (run.code !== 0) failures[i]!++;
      samples[i]!.push(run.ms);
    }
  }
  const base = median(samples[0]!);
  const rows = commands.map((c, i) => ({
    name: c.name,
    samplesMs: samples[i]!.map((ms) => Math.round(ms * 10) / 10),
    medianMs: median(samples[i]!),
    p90Ms: percentile(samples[i]!, 90),
    ratio: median(samples[i]!) / base,
    failures: failures[i]!,
  }));
  const met = rows.filter((r) => r.name.startsWith('kubectl-squirrly')).every((r) => r.ratio <= TARGET_RATIO && r.failures === 0);
  return { runs: opts.runs, binary: path.relative(repoRoot, opts.binary), commands: rows, met };
}

export function startupSection(r: StartupResult): Section {
  return {
    title: '1. Startup',
    target: `squirrly <= ${TARGET_RATIO}x kubectl version --client (median)`,
    header: ['command', 'median', 'p90', 'ratio', 'runs', 'failed'],
    rows: r.commands.map((c) => [c.name, fmtMs(c.medianMs), fmtMs(c.p90Ms), fmtRatio(c.ratio), String(c.samplesMs.length), String(c.failures)]),
    notes: r.skipped ? [`skipped: ${r.skipped}`] : [`interleaved rounds, one warm-up each; binary ${r.binary ?? '-'}`],
    met: r.met,
  };
}
