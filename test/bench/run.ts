// `npm run bench` (full) and `npm run bench:smoke` (short; for CI, so the bench cannot rot).
// Prints one table per measurement and writes every number to one JSON file.
// usage: node test/bench/run.ts [--smoke] [--out FILE] [--only startup,overhead,transfer,parsing,analysis,diff,report]
// Exits non-zero only when the bench itself breaks, never on a missed target.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { analysisSection, benchAnalysisCost } from './analysis-cost.ts';
import { ensureBinary } from './binary.ts';
import { renderSection, repoRoot, verdict, type Section } from './common.ts';
import { benchDiffExport, diffExportSection } from './diff-export.ts';
import { benchReport, reportSection } from './report-open.ts';
import { fixtureInputs, syntheticInputs } from './inputs.ts';
import { benchOverhead, overheadSection } from './overhead.ts';
import { benchParsing, parsingSection } from './parsing.ts';
import { benchStartup, startupSection } from './startup.ts';
import { benchTransfer, transferSection } from './transfer.ts';

const SECTIONS = ['startup', 'overhead', 'transfer', 'parsing', 'analysis', 'diff', 'report'] as const;
type SectionName = (typeof SECTIONS)[number];

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    out: { type: 'string' },
    only: { type: 'string' },
  },
});
const smoke = values.smoke === true;
const only = new Set<string>(values.only ? values.only.split(',').map((s) => s.trim()) : SECTIONS);
for (const name of only) if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`unknown section ${name}; one of ${SECTIONS.join(', ')}`);
const outFile = values.out ? path.resolve(values.out) : path.join(repoRoot, '.bench', smoke ? 'results-smoke.json' : 'results.json');

const plan = smoke
  ? { startupRuns: 3, counts: [1, 8], overheadReps: 1, profile: 'never' as const, transferMb: [10], transferReps: 1, fixtures: 1, syntheticMb: [1], parseReps: 3, manyTargets: 8 }
  : { startupRuns: 18, counts: [1, 8, 32, 128], overheadReps: 5, profile: 'always' as const, transferMb: [10, 50], transferReps: 3, fixtures: undefined, syntheticMb: [1, 10, 50], parseReps: 5, manyTargets: 128 };

const log = (message: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
const started = performance.now();
const results: Partial<Record<SectionName, unknown>> = {};
const sections: Section[] = [];
const errors: Array<{ section: string; error: string }> = [];
const load = () => os.loadavg().map((l) => Math.round(l * 100) / 100);
const loadBefore = load();

async function step<T>(name: SectionName, run: () => Promise<T>, section: (r: T) => Section): Promise<void> {
  if (!only.has(name)) return;
  log(`${name}…`);
  const t = performance.now();
  try {
    const result = await run();
    results[name] = result;
    const s = section(result);
    sections.push(s);
    log(`${name}: ${verdict(s.met)} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    errors.push({ section: name, error: message });
    log(`${name}: BENCH ERROR ${message}`);
  }
}

const needsBinary = only.has('startup') || only.has('overhead');
const binary = needsBinary ? await ensureBinary(!smoke) : { path: undefined, state: 'not needed' };
if (needsBinary) log(`binary: ${binary.state}`);

await step('startup', () => benchStartup({ binary: binary.path, runs: plan.startupRuns, binaryState: binary.state }), startupSection);
await step('overhead', () => benchOverhead({ binary: binary.path, counts: plan.counts, reps: plan.overheadReps, profile: plan.profile }), overheadSection);
await step('transfer', () => benchTransfer({ megabytes: plan.transferMb, reps: plan.transferReps }), transferSection);

const inputDir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-bench-inputs-'));
try {
  const needsInputs = only.has('parsing') || only.has('analysis') || only.has('diff') || only.has('report');
  if (needsInputs) log(`writing synthetic flame graphs of ${plan.syntheticMb.join(', ')} MB…`);
  const inputs = needsInputs ? [...fixtureInputs(plan.fixtures), ...(await syntheticInputs(inputDir, plan.syntheticMb))] : [];
  // full run: also where parse time goes, on the 10 MB synthetic
  await step('parsing', () => benchParsing(inputs, plan.parseReps, smoke ? undefined : 'synthetic-10MB_ITIMER.html'), parsingSection);
  await step('analysis', () => benchAnalysisCost(inputs, plan.manyTargets), analysisSection);
  // the largest synthetic: where a diff's and an export's cost shows
  await step('diff', () => benchDiffExport(inputs.filter((i) => i.synthetic).slice(-1), smoke ? 1 : 3), diffExportSection);
  await step('report', () => benchReport([...inputs.filter((i) => !i.synthetic).slice(0, 1), ...inputs.filter((i) => i.synthetic).slice(-1)], smoke ? 1 : 3), reportSection);
} finally {
  rmSync(inputDir, { recursive: true, force: true });
}

const durationS = (performance.now() - started) / 1000;
const header = [
  `kubectl squirrly bench (${smoke ? 'smoke' : 'full'}) — ${new Date().toISOString()} — ${durationS.toFixed(0)} s`,
  `machine: ${os.cpus().length} cores, load ${loadBefore.join(' ')} → ${load().join(' ')}, node ${process.version}; binary: ${binary.state}`,
  'every ratio is against a baseline measured in the same run',
];
const table = [...header, '', ...sections.map(renderSection).flatMap((s) => [s, '']), ...errors.map((e) => `BENCH ERROR in ${e.section}: ${e.error.split('\n')[0]}`)].join('\n');
process.stdout.write(`${table}\n`);

mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(
  outFile,
  `${JSON.stringify(
    {
      mode: smoke ? 'smoke' : 'full',
      finishedAt: new Date().toISOString(),
      durationS,
      machine: { cores: os.cpus().length, loadBefore, loadAfter: load(), node: process.version, platform: `${process.platform}-${process.arch}` },
      binary: { state: binary.state, path: binary.path ? path.relative(repoRoot, binary.path) : undefined },
      plan,
      verdicts: Object.fromEntries(sections.map((s) => [s.title, verdict(s.met)])),
      results,
      errors,
    },
    null,
    2,
  )}\n`,
);
log(`wrote ${path.relative(process.cwd(), outFile) || outFile}`);
process.exitCode = errors.length > 0 ? 1 : 0;
