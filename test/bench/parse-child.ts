// Child process of the parsing bench, so each peak RSS is clean.
// usage: parse-child.ts time <file> <reps>   baseline and parse+summarise alternately, medians in ms
//        parse-child.ts mem <file>           one parse+summarise, peak RSS (and, with --expose-gc, the heap the tree keeps)
//        parse-child.ts mem-baseline <file>  one baseline pass, peak RSS
//        parse-child.ts idle                 the same modules loaded, nothing read
// The baseline reads the file as a stream and splits it into lines (what any line-based reader must do).
// Prints one JSON line.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseFlameGraphFile } from '../../src/flamegraph/parse.ts';
import { summarize } from '../../src/flamegraph/summary.ts';
import { median, peakRssBytes } from './common.ts';

async function baseline(file: string): Promise<number> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let count = 0;
  let chars = 0;
  for await (const line of lines) {
    count++;
    chars += line.length;
  }
  return count + chars;
}

async function parse(file: string): Promise<number> {
  const graph = await parseFlameGraphFile(file);
  const summary = summarize(graph, { source: path.basename(file), target: path.basename(file) });
  return summary.totalSamples + summary.topSelf.length;
}

const timed = async (fn: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await fn();
  return performance.now() - started;
};

const [mode, file = '', repsText = '3'] = process.argv.slice(2);
let out: Record<string, unknown>;
if (mode === 'time') {
  const reps = Number(repsText);
  await parse(file); // warm-up both (JIT, page cache)
  const once = await timed(() => baseline(file));
  // small files: repeat each inside one timing so a sample lasts at least ~40 ms of baseline work
  const inner = Math.max(1, Math.min(200, Math.ceil(40 / Math.max(once, 0.05))));
  const loop = (fn: (f: string) => Promise<number>) => async () => {
    for (let i = 0; i < inner; i++) await fn(file);
  };
  const b: number[] = [];
  const p: number[] = [];
  for (let i = 0; i < reps; i++) {
    b.push((await timed(loop(baseline))) / inner);
    p.push((await timed(loop(parse))) / inner);
  }
  out = { baselineMs: median(b), parseMs: median(p), inner, baselineRunsMs: b, parseRunsMs: p };
} else if (mode === 'mem') {
  const graph = await parseFlameGraphFile(file);
  const summary = summarize(graph, { source: path.basename(file), target: path.basename(file) });
  const peak = peakRssBytes();
  // with --expose-gc: what the tree still holds once the garbage of parsing is collected
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const m = process.memoryUsage();
  out = { peakRssBytes: peak, heapAfterGcBytes: gc ? m.heapUsed + m.external : Number.NaN, frames: graph.frameCount, totalSamples: summary.totalSamples, mode: summary.mode, format: graph.format };
  if (graph.root.total < 0) process.stdout.write('\n'); // keeps the tree alive until after the measurement
} else if (mode === 'mem-baseline') {
  await baseline(file);
  out = { peakRssBytes: peakRssBytes() };
} else if (mode === 'idle') {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const m = process.memoryUsage();
  out = { peakRssBytes: peakRssBytes(), heapAfterGcBytes: gc ? m.heapUsed + m.external : Number.NaN };
} else {
  throw new Error(`unknown mode ${mode}`);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
