// 6. Diff and export: `diff` of two large flame graphs against parsing both, and each export
// format against parsing one, timed in one child; peak RSS of a diff against a parse of one.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmtBytes, fmtMs, fmtRatio, runBenchChild, type Section } from './common.ts';
import type { BenchInput } from './inputs.ts';

const DIFF_TARGET = 2;
const EXPORT_TARGET = 1.5;
/** a diff holds two trees: it may use up to this many times the memory of parsing one */
const MEMORY_TARGET = 2.5;

export interface DiffExportRow {
  name: string;
  bytes: number;
  parseBothMs: number;
  diffMs: number;
  diffRatio: number;
  parseMs: number;
  pprofMs: number;
  speedscopeMs: number;
  pprofRatio: number;
  speedscopeRatio: number;
  diffPeakRssBytes: number;
  parsePeakRssBytes: number;
  memoryRatio: number;
  met: boolean;
}

export async function benchDiffExport(inputs: BenchInput[], reps: number): Promise<{ rows: DiffExportRow[]; met: boolean }> {
  const rows: DiffExportRow[] = [];
  for (const input of inputs) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-bench-diff-'));
    try {
      // NEW is the same profile under another name: every path matches, the diff's most work
      const other = path.join(dir, input.name.replace(/\.html$/, '-new.html'));
      copyFileSync(input.file, other);
      const t = await runBenchChild<{ parseBothMs: number; diffMs: number; parseMs: number; pprofMs: number; speedscopeMs: number }>('diff-child.ts', ['time', input.file, other, String(reps), dir]);
      const mem = await runBenchChild<{ peakRssBytes: number }>('diff-child.ts', ['mem', input.file, other, dir]);
      const parseMem = await runBenchChild<{ peakRssBytes: number }>('diff-child.ts', ['mem-parse', input.file]);
      const row = {
        name: input.name,
        bytes: input.bytes,
        ...t,
        diffRatio: t.diffMs / t.parseBothMs,
        pprofRatio: t.pprofMs / t.parseMs,
        speedscopeRatio: t.speedscopeMs / t.parseMs,
        diffPeakRssBytes: mem.peakRssBytes,
        parsePeakRssBytes: parseMem.peakRssBytes,
        memoryRatio: mem.peakRssBytes / parseMem.peakRssBytes,
      };
      rows.push({ ...row, met: row.diffRatio <= DIFF_TARGET && row.pprofRatio <= EXPORT_TARGET && row.speedscopeRatio <= EXPORT_TARGET && row.memoryRatio <= MEMORY_TARGET });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { rows, met: rows.every((r) => r.met) };
}

export function diffExportSection(r: { rows: DiffExportRow[]; met: boolean }): Section {
  return {
    title: '6. Diff and export',
    target: `diff <= ${DIFF_TARGET}x parsing both; each export <= ${EXPORT_TARGET}x parsing one; diff peak RSS <= ${MEMORY_TARGET}x a parse's`,
    header: ['file', 'size', 'parse both', 'diff', 'ratio', 'parse', 'pprof', 'ratio', 'speedscope', 'ratio', 'diff RSS', 'parse RSS', 'ratio', 'ok'],
    rows: r.rows.map((x) => [
      x.name, fmtBytes(x.bytes), fmtMs(x.parseBothMs), fmtMs(x.diffMs), fmtRatio(x.diffRatio), fmtMs(x.parseMs), fmtMs(x.pprofMs), fmtRatio(x.pprofRatio),
      fmtMs(x.speedscopeMs), fmtRatio(x.speedscopeRatio), fmtBytes(x.diffPeakRssBytes), fmtBytes(x.parsePeakRssBytes), fmtRatio(x.memoryRatio), x.met ? 'yes' : 'NO',
    ]),
    notes: [
      'parse: parse + summarise, as analyze does; diff: both sides read, summarised, compared and the differential flame graph written;',
      'export: the format written to memory from a parsed graph (pprof gzip included); medians after a warm-up',
    ],
    met: r.met,
  };
}
