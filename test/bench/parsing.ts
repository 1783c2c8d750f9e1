// 4. Parsing: parse + summarise per flame graph against streaming the same file into lines (baseline),
// timed in one child per file; peak RSS from fresh children (parse, baseline, idle).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeCpuProfile, type ProfileReport } from './cpu-profile.ts';
import { fmtBytes, fmtMs, fmtRatio, MB, runBenchChild, type Section } from './common.ts';
import type { BenchInput } from './inputs.ts';

const TARGET_RATIO = 4;
const TARGET_MEMORY = 3;
/** below this size the fixed cost of a process dominates; memory is reported but not judged */
const MEMORY_JUDGED_FROM = MB;

export interface ParsingRow {
  name: string;
  bytes: number;
  synthetic: boolean;
  baselineMs: number;
  parseMs: number;
  ratio: number;
  peakRssBytes: number;
  baselinePeakRssBytes: number;
  /** peak RSS of the parse child minus that of an idle child with the same modules loaded */
  deltaOverIdleBytes: number;
  deltaOverFile: number;
  /** heap still used after parsing once garbage is collected (the tree and summary), minus idle */
  treeHeapBytes: number;
  frames: number;
  mode: string;
  format: string;
  met: boolean;
}

export interface ParsingResult {
  idlePeakRssBytes: number;
  rows: ParsingRow[];
  /** CPU profile of one parse + summarise of the profiled file */
  profile: { name: string; report: ProfileReport } | undefined;
  met: boolean;
}

async function cpuProfile(input: BenchInput): Promise<ProfileReport | undefined> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-bench-cpuprof-'));
  try {
    await runBenchChild('parse-child.ts', ['mem', input.file], { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    return file ? analyzeCpuProfile(path.join(dir, file)) : undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `profileName`: the input whose parse is also CPU-profiled, if any. */
export async function benchParsing(inputs: BenchInput[], reps: number, profileName?: string): Promise<ParsingResult> {
  const idle = await runBenchChild<{ peakRssBytes: number; heapAfterGcBytes: number }>('parse-child.ts', ['idle'], { nodeArgs: ['--expose-gc'] });
  const rows: ParsingRow[] = [];
  for (const input of inputs) {
    const time = await runBenchChild<{ baselineMs: number; parseMs: number }>('parse-child.ts', ['time', input.file, String(input.bytes > 20 * MB ? Math.min(reps, 3) : reps)]);
    const mem = await runBenchChild<{ peakRssBytes: number; heapAfterGcBytes: number; frames: number; mode: string; format: string }>('parse-child.ts', ['mem', input.file], {
      nodeArgs: ['--expose-gc'],
    });
    const baseMem = await runBenchChild<{ peakRssBytes: number }>('parse-child.ts', ['mem-baseline', input.file]);
    const ratio = time.parseMs / time.baselineMs;
    const delta = mem.peakRssBytes - idle.peakRssBytes;
    const memoryOk = input.bytes < MEMORY_JUDGED_FROM || delta < TARGET_MEMORY * input.bytes;
    rows.push({
      name: input.name,
      bytes: input.bytes,
      synthetic: input.synthetic,
      baselineMs: time.baselineMs,
      parseMs: time.parseMs,
      ratio,
      peakRssBytes: mem.peakRssBytes,
      baselinePeakRssBytes: baseMem.peakRssBytes,
      deltaOverIdleBytes: delta,
      deltaOverFile: delta / input.bytes,
      treeHeapBytes: mem.heapAfterGcBytes - idle.heapAfterGcBytes,
      frames: mem.frames,
      mode: mem.mode,
      format: mem.format,
      met: ratio <= TARGET_RATIO && memoryOk,
    });
  }
  const profiled = inputs.find((i) => i.name === profileName);
  const report = profiled ? await cpuProfile(profiled) : undefined;
  const profile = profiled && report ? { name: profiled.name, report } : undefined;
  return { idlePeakRssBytes: idle.peakRssBytes, rows, profile, met: rows.every((r) => r.met) };
}

export function parsingSection(r: ParsingResult): Section {
  return {
    title: '4. Parsing (parse + summarise)',
    target: `<= ${TARGET_RATIO}x baseline time; peak RSS over idle < ${TARGET_MEMORY}x file size (files >= 1 MiB)`,
    header: ['file', 'size', 'frames', 'fmt/mode', 'baseline', 'parse', 'ratio', 'peak RSS', 'over idle', 'over idle/size', 'tree heap', 'B/frame', 'baseline RSS', 'ok'],
    rows: r.rows.map((x) => [
      x.name,
      fmtBytes(x.bytes),
      String(x.frames),
      `${x.format}/${x.mode}`,
      fmtMs(x.baselineMs),
      fmtMs(x.parseMs),
      fmtRatio(x.ratio),
      fmtBytes(x.peakRssBytes),
      fmtBytes(x.deltaOverIdleBytes),
      x.bytes >= MEMORY_JUDGED_FROM ? fmtRatio(x.deltaOverFile) : `(${fmtRatio(x.deltaOverFile)})`,
      fmtBytes(x.treeHeapBytes),
      x.frames > 0 ? String(Math.round(x.treeHeapBytes / x.frames)) : '-',
      fmtBytes(x.baselinePeakRssBytes),
      x.met ? 'yes' : 'NO',
    ]),
    notes: [
      'baseline: createReadStream + readline over the same file in the same child, alternating with parse; medians after a warm-up;',
      'small files are repeated inside each timing (>= ~40 ms of baseline work per sample)',
      `idle child (parser modules loaded, nothing read): ${fmtBytes(r.idlePeakRssBytes)} peak RSS; memory in () is not judged (file < 1 MiB)`,
      'tree heap: heap + external still used after a full GC at the end (tree and summary kept), minus the idle child; peak RSS minus it is transient garbage',
      ...(r.profile
        ? [
            `cpu profile of one parse + summarise of ${r.profile.name} (${r.profile.report.busyMs} ms busy, module loading included):`,
            `  by area (self): ${r.profile.report.areas.map((a) => `${a.fn} ${a.percent}%`).join(', ')}`,
            `  src/ inclusive: ${r.profile.report.srcInclusive.slice(0, 6).map((h) => `${h.fn} ${h.where} ${h.percent}%`).join('; ')}`,
            `  self: ${r.profile.report.self.slice(0, 6).map((h) => `${h.fn} ${h.where} ${h.percent}%`).join('; ')}`,
          ]
        : []),
    ],
    met: r.met,
  };
}
