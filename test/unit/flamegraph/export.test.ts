// Exports read back by the tools they are for: every real flame graph's pprof file through the
// real `go tool pprof`, every speedscope file against the schema speedscope itself ships. Both
// must agree with the summary's own numbers, frame by frame.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { exportChunks } from '../../../src/flamegraph/export/formats.ts';
import { toPprof } from '../../../src/flamegraph/export/pprof.ts';
import { SPEEDSCOPE_SCHEMA, toSpeedscope } from '../../../src/flamegraph/export/speedscope.ts';
import { modeFromFileName } from '../../../src/flamegraph/mode.ts';
import { parseFlameGraphFile } from '../../../src/flamegraph/parse.ts';
import { summarize } from '../../../src/flamegraph/summary.ts';
import { PROFILING_MODES, type ProfilingMode } from '../../../src/flamegraph/types.ts';
import { repoRoot } from '../../support/cli.ts';

const run = promisify(execFile);
const fixtures = path.join(repoRoot, 'test', 'fixtures');
/** every flame graph captured from real Flink (and async-profiler 4), with the mode its name says */
const REAL = [
  ...readdirSync(path.join(fixtures, 'flamegraphs')).filter((f) => f.startsWith('real-') && f.endsWith('.html')).map((f) => path.join(fixtures, 'flamegraphs', f)),
  ...readdirSync(path.join(fixtures, 'diagnosis')).flatMap((dir) =>
    readdirSync(path.join(fixtures, 'diagnosis', dir)).filter((f) => f.endsWith('.html')).map((f) => path.join(fixtures, 'diagnosis', dir, f)),
  ),
];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'squirrly-export-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** `go tool pprof -top` of a file: the total and every function's flat count. */
async function pprofTop(file: string): Promise<{ type: string; total: number; flat: Map<string, number> }> {
  const { stdout } = await run('go', ['tool', 'pprof', '-top', '-nodefraction=0', '-nodecount=1000000', file], { maxBuffer: 64 * 1024 * 1024 });
  const total = Number(/ of (\d+) total/.exec(stdout)?.[1]);
  const type = /^Type: (\S+)/m.exec(stdout)?.[1] ?? '';
  const flat = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    const m = /^\s*(\d+)\s+[\d.]+%\s+[\d.]+%\s+\d+\s+[\d.]+%\s+(.+)$/.exec(line);
    if (m) flat.set(m[2]!, Number(m[1]));
  }
  return { type, total, flat };
}

/** the fixtures under flamegraphs/ say their mode as real-flink1.20-ALLOC.html */
function modeOfFixture(file: string): ProfilingMode {
  const mode = PROFILING_MODES.find((m) => path.basename(file).includes(`-${m}`));
  assert.ok(mode, `no mode in ${file}`);
  return mode;
}

const MODE_TYPE: Record<string, string> = { ITIMER: 'cpu', CPU: 'cpu', WALL: 'wall', ALLOC: 'alloc_samples', LOCK: 'lock_samples' };

describe('pprof export, read by go tool pprof', () => {
  assert.ok(REAL.length >= 20, `real fixtures found: ${REAL.length}`);
  for (const file of REAL) {
    it(path.basename(file), async () => {
      const graph = await parseFlameGraphFile(file);
      const mode = modeFromFileName(path.basename(file)) ?? modeOfFixture(file);
      const summary = summarize(graph, { source: path.basename(file), target: 'tm', mode });
      const out = path.join(tmp, `${path.basename(file)}.pb.gz`);
      writeFileSync(out, toPprof(graph, { mode, comment: path.basename(file) }));
      const top = await pprofTop(out);
      assert.equal(top.type, MODE_TYPE[mode]);
      const rootSelf = graph.frames!.self[0]!;
      assert.equal(top.total, summary.totalSamples - rootSelf);
      // the summary's hottest functions, with the same self counts, and the same first one (pprof
      // prints C++ names without template and argument lists, so those are compared by count only)
      const shown = (name: string): boolean => !/[<(]/.test(name);
      for (const frame of summary.topSelf.filter((f) => shown(f.name))) assert.equal(top.flat.get(frame.name), frame.samples, frame.name);
      if (summary.topSelf.length > 0) {
        const first = summary.topSelf[0]!;
        const best = Math.max(...top.flat.values());
        assert.equal(first.samples, best);
        if (shown(first.name)) assert.ok([...top.flat].some(([name, n]) => n === best && name === first.name), first.name);
      }
    });
  }
});

interface SpeedscopeFile {
  $schema: string;
  shared: { frames: Array<{ name: string }> };
  profiles: Array<{ samples: number[][]; weights: number[] }>;
}

describe('speedscope export, checked against the schema speedscope ships', () => {
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(readFileSync(require.resolve('speedscope/dist/release/file-format-schema.json'), 'utf8'));
  const validate = new Ajv({ strict: false }).compile({ ...schema, $ref: '#/definitions/FileFormat.File' });
  for (const file of REAL) {
    it(path.basename(file), async () => {
      const graph = await parseFlameGraphFile(file);
      const doc: SpeedscopeFile = JSON.parse([...toSpeedscope(graph, { name: 'tm (ITIMER)', exporter: 'test' })].join(''));
      assert.ok(validate(structuredClone(doc)), JSON.stringify(validate.errors));
      assert.equal(doc.$schema, SPEEDSCOPE_SCHEMA);
      const profile = doc.profiles[0]!;
      const weights = profile.weights;
      assert.equal(weights.length, profile.samples.length);
      assert.equal(weights.reduce((a, b) => a + b, 0), graph.frames!.total[0]! - graph.frames!.self[0]!);
      // every stack is a path of the tree: its names, joined, are a folded-stacks line
      const folded = new Set([...exportChunks('collapsed', graph, { mode: 'UNKNOWN', name: 'x', exporter: 'test' })].join('').split('\n').filter(Boolean));
      profile.samples.forEach((stack, i) => {
        assert.ok(folded.has(`${stack.map((f) => doc.shared.frames[f]!.name).join(';')} ${weights[i]}`));
      });
    });
  }
});
