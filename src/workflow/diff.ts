// `diff BASE NEW`: read both sides (files, or a folder's newest run), summarise each flame graph,
// join each side's job metrics when they are beside it, compare, and write the differential
// flame graph. The comparison itself is pure (analysis/diff.ts); this reads and writes.
import path from 'node:path';
import { Readable } from 'node:stream';
import { writeAtomically } from '../artifacts/atomic-file.ts';
import { builtinFindings } from '../analysis/builtin.ts';
import { diffNotes, diffPromptText } from '../analysis/diff-notes.ts';
import { selectProvider } from '../analysis/select-provider.ts';
import { diffProfiles, type DiffSide, type ProfileDiff, type RunRecord } from '../analysis/diff.ts';
import { InterruptedError } from '../errors.ts';
import { diffTree } from '../flamegraph/diff-tree.ts';
import { diffPage } from '../flamegraph/export/diff-html.ts';
import { modeFromFileName } from '../flamegraph/mode.ts';
import { addNameCosts, type NameCost } from '../flamegraph/name-costs.ts';
import { parseFlameGraphFile } from '../flamegraph/parse.ts';
import { compareSummaries, summarize } from '../flamegraph/summary.ts';
import type { ComparisonSummary, FlameGraph, ProfileSummary } from '../flamegraph/types.ts';
import type { JobMetricsSnapshot } from '../flink/job-metrics.ts';
import { resolveSide, type ResolvedSide } from './diff-sides.ts';
import type { AnalysisSettings } from './analysis-step.ts';
import type { Emit } from './events.ts';
import { findJobMetricsBeside, readJobMetricsFile } from './job-metrics-file.ts';

export interface DiffRequest {
  base: readonly string[];
  next: readonly string[];
  /** where the differential flame graph goes; NEW's folder when absent */
  outputDir?: string;
  /** write no HTML */
  html: boolean;
  signal?: AbortSignal;
}

export interface DiffOutcome {
  diff: ProfileDiff;
  notes: string[];
  html?: string;
  base: ResolvedSide;
  next: ResolvedSide;
  /** for a model's reading of the change: what it is given, and where its answer goes */
  model: { text: string; frames: string[]; file: string };
}

/** Whether these analysis settings ask a model (the builtin reading is always in the diff itself). */
export function diffAsksModel(settings: AnalysisSettings, env: NodeJS.ProcessEnv): boolean {
  return selectProvider({ env, ...settings }).provider === 'openai';
}

export async function diffRuns(request: DiffRequest, onEvent: Emit): Promise<DiffOutcome> {
  const base = await resolveSide('BASE', request.base);
  const next = await resolveSide('NEW', request.next);
  const baseRead = await readSide(base, request.signal, onEvent);
  const nextRead = await readSide(next, request.signal, onEvent);
  const diff = diffProfiles(baseRead.side, nextRead.side);
  const notes = diffNotes(diff);
  const dir = request.outputDir ?? path.dirname(next.files[0]!);
  const name = `diff-${stem(base.files[0]!)}-vs-${stem(next.files[0]!)}`;
  const outcome: DiffOutcome = { diff, notes, base, next, model: { ...diffPromptText(diff, notes), file: path.join(dir, `${name}.analysis.md`) } };
  if (request.html) {
    const file = path.join(dir, `${name}.html`);
    const scale = (side: DiffSide): number => 1 / (Math.max(1, side.summaries.length) * (diff.unit === 'samples/s per target' ? side.seconds! : 1));
    const page = diffPage(diffTree(baseRead.graphs, nextRead.graphs), {
      title: `${diff.mode} diff: ${path.basename(base.files[0]!)} → ${path.basename(next.files[0]!)}`,
      baseLabel: base.label,
      newLabel: next.label,
      baseScale: scale(baseRead.side),
      newScale: scale(nextRead.side),
      unit: diff.unit,
    });
    // derived from the two runs like a summary: a new diff replaces the previous one, never writes beside it unreported
    await writeAtomically(file, Readable.from([Buffer.from(page, 'utf8')]), { existing: 'replace' });
    onEvent({ type: 'wrote', kind: 'diff', path: file });
    outcome.html = file;
  }
  return outcome;
}

function stem(file: string): string {
  return path.basename(file).replace(/\.html?$/i, '');
}

/** One side read: its summaries, per-name costs and findings, the parsed graphs, and the job metrics beside it. */
export async function readSide(resolved: ResolvedSide, signal: AbortSignal | undefined, onEvent: Emit): Promise<{ side: DiffSide; graphs: FlameGraph[]; snapshot?: JobMetricsSnapshot; comparison?: ComparisonSummary }> {
  const summaries: ProfileSummary[] = [];
  const graphs: FlameGraph[] = [];
  const costs = new Map<string, NameCost>();
  let totalSamples = 0;
  const snapshot = await snapshotBeside(resolved.files, onEvent);
  const seconds = snapshot ? windowSeconds(snapshot) : undefined;
  for (const file of resolved.files) {
    if (signal?.aborted) throw new InterruptedError('diff interrupted');
    const graph = await parseFlameGraphFile(file);
    const source = path.basename(file);
    const mode = modeFromFileName(source);
    const summary = summarize(graph, { source, target: source, ...(mode ? { mode } : {}), ...(seconds !== undefined ? { durationSeconds: seconds } : {}) });
    onEvent({ type: 'parsed', path: file, target: source, mode: summary.mode, totalSamples: summary.totalSamples, frameCount: summary.frameCount });
    totalSamples += addNameCosts(graph, costs);
    summaries.push(summary);
    graphs.push(graph);
  }
  const comparison = summaries.length > 1 ? compareSummaries(summaries) : undefined;
  const findings = builtinFindings({ summaries, ...(comparison ? { comparison } : {}), ...(snapshot ? { jobMetrics: snapshot } : {}) });
  const run = snapshot ? runRecord(snapshot) : undefined;
  return {
    side: { label: resolved.label, files: resolved.files, summaries, costs, totalSamples, findings, ...(seconds !== undefined ? { seconds } : {}), ...(run ? { run } : {}) },
    graphs,
    ...(snapshot ? { snapshot } : {}),
    ...(comparison ? { comparison } : {}),
  };
}

async function snapshotBeside(files: string[], onEvent: Emit): Promise<JobMetricsSnapshot | undefined> {
  const file = await findJobMetricsBeside(files);
  if (file === undefined) return undefined;
  const snapshot = await readJobMetricsFile(file);
  if (snapshot) onEvent({ type: 'step', message: `joining Flink's job metrics from ${path.basename(file)}` });
  return snapshot;
}

function windowSeconds(snapshot: JobMetricsSnapshot): number | undefined {
  const seconds = (Date.parse(snapshot.to) - Date.parse(snapshot.from)) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/** What the run ran against, from its snapshot: the recorded deployment, else what the job graph shows. */
function runRecord(snapshot: JobMetricsSnapshot): RunRecord {
  const vertices = Object.fromEntries(snapshot.vertices.map((v) => [v.name, v.parallelism]));
  return { flinkVersion: snapshot.flinkVersion, vertices, ...(snapshot.deployment ?? {}) };
}
