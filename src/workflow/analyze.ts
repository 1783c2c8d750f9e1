// The analyze pipeline shared by `profile`, `artifacts --analyze` and `analyze`: parse each flame graph,
// write its summary and folded stacks beside it (or in the output folder), compute builtin findings, then stream the chosen provider's
// analysis into `.analysis.md`. Artifacts are never lost to an analysis failure.
// Several files get one combined analysis that compares them; the file names are the layout's.
import path from 'node:path';
import { BuiltinProvider, builtinFindings } from '../analysis/builtin.ts';
import type { AnalysisInput, AnalysisProvider, AnalysisResult, Finding } from '../analysis/provider.ts';
import { OpenAIProvider, type OpenAIProviderOptions } from '../analysis/openai.ts';
import type { ProviderName, ProviderSelection } from '../analysis/select-provider.ts';
import { writeAtomicallyWith, writeTextAtomically } from '../artifacts/atomic-file.ts';
import { diskErrorOf } from '../artifacts/disk-errors.ts';
import { combinedAnalysisPath, sideFiles } from '../artifacts/layout.ts';
import { ExitCode, InterruptedError, SquirrlyError } from '../errors.ts';
import { writeCollapsed } from '../flamegraph/collapsed.ts';
import { modeFromFileName } from '../flamegraph/mode.ts';
import { parseFlameGraphFile } from '../flamegraph/parse.ts';
import { compareSummaries, summarize } from '../flamegraph/summary.ts';
import type { ComparisonSummary, ProfileSummary, ProfilingMode } from '../flamegraph/types.ts';
import type { JobMetricsSnapshot } from '../flink/job-metrics.ts';
import { visible } from '../text/visible.ts';
import type { Emit } from './events.ts';
import { findJobMetricsBeside, readJobMetricsFile } from './job-metrics-file.ts';

export interface AnalyzeFile {
  path: string;
  /** TaskManager id, 'JobManager', …; default: the file name */
  target?: string;
  mode?: ProfilingMode;
  /** how long the profiler ran, when known (a profile run); rates come from it */
  durationSeconds?: number;
}

export interface AnalyzeOptions {
  files: AnalyzeFile[];
  /** from selectProvider */
  selection: ProviderSelection;
  /** retry, timeout and budget knobs for the openai provider */
  openaiTuning?: Pick<OpenAIProviderOptions, 'timeoutMs' | 'maxRetries' | 'budgetTokens'>;
  writeNextToFiles: boolean;
  /** where the side files go; default: beside each input */
  outputDir?: string;
  onEvent: Emit;
  /** the analysis as it streams */
  onText: (chunk: string) => void;
  signal?: AbortSignal;
  /** clock for the combined file name */
  now?: () => Date;
  /**
   * Flink's job metrics over the profiling window; when absent, a `job.json` / `*.job.json` beside
   * the files is used if there is one
   */
  jobMetrics?: JobMetricsSnapshot;
  /** `diff`: these files are NEW of a comparison; the answer is about the change and goes to `file` (no side files) */
  diff?: { text: string; frames: string[]; file: string };
}

export interface AnalyzeOutcome {
  summaries: ProfileSummary[];
  comparison?: ComparisonSummary;
  findings: Finding[];
  /** the job metrics the analysis joined, when it had some */
  jobMetrics?: JobMetricsSnapshot;
  written: { summaries: string[]; collapsed: string[]; analysis?: string };
  /** the provider that produced `result` (builtin after a fallback) */
  provider: ProviderName;
  result?: AnalysisResult;
  /** the CLI exits 3: artifacts and summaries are saved, the requested analysis is not (or only partly) */
  analysisFailed: boolean;
  error?: SquirrlyError;
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError('analysis interrupted');
}

/**
 * Summaries and analyses are derived again on every run: the new one replaces the old. A full or
 * read-only disk fails the analysis (exit 3), never the saved artifacts.
 */
async function writeText(dest: string, text: string): Promise<void> {
  await writeTextAtomically(dest, text, { existing: 'replace' }).catch((err: unknown) => {
    throw diskErrorOf(err, path.dirname(dest), ExitCode.analysisFailed) ?? err;
  });
}

export async function analyzeArtifacts(opts: AnalyzeOptions): Promise<AnalyzeOutcome> {
  const { onEvent, signal } = opts;
  const summaries: ProfileSummary[] = [];
  const written: AnalyzeOutcome['written'] = { summaries: [], collapsed: [] };

  for (const file of opts.files) {
    checkAborted(signal);
    const graph = await parseFlameGraphFile(file.path);
    const source = path.basename(file.path);
    const mode = file.mode ?? modeFromFileName(source);
    const summary = summarize(graph, { source, target: file.target ?? source, ...(mode ? { mode } : {}), ...(file.durationSeconds !== undefined ? { durationSeconds: file.durationSeconds } : {}) });
    summaries.push(summary);
    onEvent({ type: 'parsed', path: file.path, target: summary.target, mode: summary.mode, totalSamples: summary.totalSamples, frameCount: summary.frameCount });
    if (opts.writeNextToFiles && opts.diff === undefined) {
      const beside = sideFiles(file.path, opts.outputDir);
      await writeText(beside.summary, `${JSON.stringify(summary, null, 2)}\n`);
      written.summaries.push(beside.summary);
      onEvent({ type: 'wrote', kind: 'summary', path: beside.summary });
      await writeAtomicallyWith(beside.collapsed, (out) => writeCollapsed(graph, out), { existing: 'replace' }).catch((err: unknown) => {
        throw diskErrorOf(err, path.dirname(beside.collapsed), ExitCode.analysisFailed) ?? err;
      });
      written.collapsed.push(beside.collapsed);
      onEvent({ type: 'wrote', kind: 'collapsed', path: beside.collapsed });
    }
  }

  const selection = opts.selection;
  const outcome: AnalyzeOutcome = { summaries, findings: [], written, provider: selection.provider, analysisFailed: false };
  if (selection.provider === 'none' || summaries.length === 0) return outcome;

  const comparison = summaries.length > 1 ? compareSummaries(summaries) : undefined;
  if (comparison) outcome.comparison = comparison;
  const jobMetrics = opts.jobMetrics ?? (await jobMetricsBeside(opts.files, onEvent));
  if (jobMetrics) outcome.jobMetrics = jobMetrics;
  const basis = { summaries, ...(comparison ? { comparison } : {}), ...(jobMetrics ? { jobMetrics } : {}) };
  const findings = builtinFindings(basis);
  outcome.findings = findings;
  onEvent({ type: 'findings', findings });
  const input: AnalysisInput = { ...basis, findings, ...(opts.diff ? { diff: { text: opts.diff.text, frames: opts.diff.frames } } : {}) };

  if (selection.fallback) {
    const { reason, failsRun } = selection.fallback;
    onEvent({ type: 'warning', message: reason.message, ...(reason.hint ? { hint: reason.hint } : {}) });
    if (failsRun) {
      outcome.analysisFailed = true;
      outcome.error = reason;
    }
  }

  const provider = makeProvider(selection, opts);
  onEvent({ type: 'provider', provider: selection.provider, ...(provider.model ? { model: provider.model } : {}) });
  checkAborted(signal);
  let markdown: string;
  let interrupted = false;
  try {
    const result = await provider.analyze(input, opts.onText, signal);
    interrupted = result.interrupted === true;
    if (!interrupted) checkAborted(signal);
    outcome.result = result;
    const note = selection.fallback ? `> ${selection.fallback.reason.message}\n\n` : '';
    markdown = header(result, summaries) + note + result.markdown.trimEnd() + '\n';
    if (result.partial) {
      const why = result.partialReason ?? 'the stream was cut';
      markdown += `\n**(partial: ${why}; the answer above is what arrived)**\n`;
      outcome.analysisFailed = true;
      outcome.error = new SquirrlyError(`the analysis is partial (${why}); the partial answer was kept`, {
        hint: 'run `kubectl squirrly analyze` on the saved files to try again',
        exitCode: ExitCode.analysisFailed,
      });
      if (!interrupted) onEvent({ type: 'analysis-failed', message: outcome.error.message, hint: outcome.error.hint ?? '', partial: true });
    }
  } catch (err) {
    if (err instanceof InterruptedError || signal?.aborted) throw err;
    const error = err instanceof SquirrlyError ? err : new SquirrlyError(`analysis failed: ${String(err)}`, { exitCode: ExitCode.analysisFailed });
    outcome.analysisFailed = true;
    outcome.error = error;
    onEvent({ type: 'analysis-failed', message: error.message, ...(error.hint ? { hint: error.hint } : {}), partial: false });
    // The builtin findings stand in for the failed answer, on screen and in the file.
    const builtin = await new BuiltinProvider().analyze(input, opts.onText, signal);
    outcome.provider = 'builtin';
    outcome.result = builtin;
    markdown = `${header(builtin, summaries)}> The ${selection.provider} analysis failed: ${error.message}\n\n${builtin.markdown.trimEnd()}\n`;
  }

  if (opts.writeNextToFiles) {
    const first = opts.files[0]?.path ?? '';
    const dest = opts.diff ? opts.diff.file : opts.files.length === 1 ? sideFiles(first, opts.outputDir).analysis : combinedAnalysisPath(opts.outputDir ?? path.dirname(first), (opts.now ?? (() => new Date()))());
    // names from the cluster and the model's text keep their words, never a raw control character
    await writeText(dest, visible(markdown, { keepNewlines: true }));
    written.analysis = dest;
    onEvent({ type: 'wrote', kind: 'analysis', path: dest });
  }
  // what arrived before Ctrl-C is on disk; now the command stops
  if (interrupted) throw new InterruptedError(written.analysis ? `analysis interrupted; the partial answer is saved in ${written.analysis}` : 'analysis interrupted');
  return outcome;
}

async function jobMetricsBeside(files: AnalyzeFile[], onEvent: Emit): Promise<JobMetricsSnapshot | undefined> {
  const file = await findJobMetricsBeside(files.map((f) => f.path));
  if (file === undefined) return undefined;
  const snapshot = await readJobMetricsFile(file);
  if (snapshot === undefined) {
    onEvent({ type: 'warning', message: `ignoring ${file}: not a job-metrics snapshot`, hint: 'it is rewritten by the next `kubectl squirrly profile`' });
    return undefined;
  }
  onEvent({ type: 'step', message: `joining Flink's job metrics from ${path.basename(file)}` });
  return snapshot;
}

function makeProvider(selection: ProviderSelection, opts: AnalyzeOptions): AnalysisProvider & { model?: string } {
  if (selection.provider !== 'openai' || !selection.openai) return new BuiltinProvider();
  // OpenAIProvider loads the SDK itself, on first use.
  return new OpenAIProvider({
    ...selection.openai,
    ...opts.openaiTuning,
    onRequest: (info) => opts.onEvent({ type: 'request', ...info }),
  });
}

function header(result: AnalysisResult, summaries: ProfileSummary[]): string {
  const targets = summaries.map((s) => s.target).join(', ');
  const facts = [`provider: ${result.provider}${result.model ? ` (${result.model})` : ''}`];
  if (result.requestTokens !== undefined) facts.push(`request: ${result.requestTokens} tokens`);
  if (result.selfCoveragePercent !== undefined) facts.push(`frames listed cover ${result.selfCoveragePercent}% of self samples`);
  return `# Squirrly analysis: ${targets}\n\n_${facts.join(' · ')}_\n\n`;
}
