// Child process of the diff/export bench, so each peak RSS is clean.
// usage: diff-child.ts time <base> <new> <reps> <out-dir>   parse-both vs diff, parse vs each export, medians in ms
//        diff-child.ts mem <base> <new> <out-dir>            one diff (with the differential flame graph), peak RSS
//        diff-child.ts mem-parse <file>                      one parse + summarise, peak RSS
// Prints one JSON line.
import path from 'node:path';
import { exportChunks } from '../../src/flamegraph/export/formats.ts';
import { parseFlameGraphFile } from '../../src/flamegraph/parse.ts';
import { summarize } from '../../src/flamegraph/summary.ts';
import { diffRuns } from '../../src/workflow/diff.ts';
import { median, peakRssBytes } from './common.ts';

const noEvents = (): void => undefined;
const timed = async (fn: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await fn();
  return performance.now() - started;
};
const parse = async (file: string) => {
  const graph = await parseFlameGraphFile(file);
  summarize(graph, { source: path.basename(file), target: path.basename(file) });
  return graph;
};

const [mode, a = '', b = '', c = '', d = ''] = process.argv.slice(2);
let out: Record<string, unknown>;
if (mode === 'time') {
  const reps = Number(c);
  const dir = d;
  const diff = () => diffRuns({ base: [a], next: [b], html: true, outputDir: dir }, noEvents);
  await diff(); // warm-up (JIT, page cache)
  const parseBoth: number[] = [];
  const diffs: number[] = [];
  const parseOne: number[] = [];
  const exports: Record<string, number[]> = { pprof: [], speedscope: [] };
  for (let i = 0; i < reps; i++) {
    parseBoth.push(await timed(async () => {
      await parse(a);
      await parse(b);
    }));
    diffs.push(await timed(diff));
    let graph: Awaited<ReturnType<typeof parse>> | undefined;
    parseOne.push(await timed(async () => {
      graph = await parse(a);
    }));
    for (const format of ['pprof', 'speedscope'] as const) {
      exports[format]!.push(await timed(async () => {
        let bytes = 0;
        for (const chunk of exportChunks(format, graph!, { mode: 'ITIMER', name: 'bench', exporter: 'bench' })) bytes += chunk.length;
        if (bytes < 0) process.stdout.write('\n');
      }));
    }
  }
  out = {
    parseBothMs: median(parseBoth),
    diffMs: median(diffs),
    parseMs: median(parseOne),
    pprofMs: median(exports['pprof']!),
    speedscopeMs: median(exports['speedscope']!),
  };
} else if (mode === 'mem') {
  await diffRuns({ base: [a], next: [b], html: true, outputDir: c }, noEvents);
  out = { peakRssBytes: peakRssBytes() };
} else if (mode === 'mem-parse') {
  const graph = await parse(a);
  out = { peakRssBytes: peakRssBytes(), frames: graph.frameCount };
} else {
  throw new Error(`unknown mode ${mode}`);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
