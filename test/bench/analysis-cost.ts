// 5. Analysis cost: tokens of the request the plugin would send (buildRequest: system prompt + mode template +
// summary + builtin findings, shrunk to the budget) against tokens of the raw HTML, which the old in-cluster
// Job sent; and the share of self samples the listed frames cover.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { buildRequest, DEFAULT_REQUEST_BUDGET } from '../../src/analysis/budget.ts';
import { builtinFindings } from '../../src/analysis/builtin.ts';
import { loadPromptTemplate, loadSystemPrompt } from '../../src/analysis/prompts.ts';
import { tokenCounter, type TokenCounter } from '../../src/analysis/tokenizer.ts';
import { parseFlameGraphFile } from '../../src/flamegraph/parse.ts';
import { compareSummaries, summarize } from '../../src/flamegraph/summary.ts';
import type { ProfileSummary } from '../../src/flamegraph/types.ts';
import { fmtBytes, fmtMs, MB, type Section } from './common.ts';
import type { BenchInput } from './inputs.ts';

const TARGET_COVERAGE = 80;
/** files up to this size are tokenised whole; larger ones from a sample */
const EXACT_LIMIT = 2 * MB;
const SAMPLE_BYTES = MB;

export interface AnalysisRow {
  name: string;
  bytes: number;
  targets: number;
  /** self samples in the profile(s); coverage is not judged without any */
  samples: number;
  /** informational rows are printed but not judged */
  judged: boolean;
  rawTokens: number;
  rawExtrapolated: boolean;
  requestTokens: number;
  budget: number;
  reduction: number;
  coveragePercent: number;
  shrunk: boolean;
  buildMs: number;
  met: boolean;
}

export interface AnalysisResult {
  rows: AnalysisRow[];
  met: boolean;
}

/** A whole-lines sample from the middle of the file, where the frame records are. */
function rawTokens(file: string, bytes: number, count: TokenCounter): { tokens: number; extrapolated: boolean } {
  if (bytes <= EXACT_LIMIT) return { tokens: count(readFileSync(file, 'utf8')), extrapolated: false };
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const read = readSync(fd, buffer, 0, SAMPLE_BYTES, Math.floor((bytes - SAMPLE_BYTES) / 2));
    const text = buffer.subarray(0, read).toString('utf8');
    const sample = text.slice(text.indexOf('\n') + 1, text.lastIndexOf('\n') + 1);
    const sampleBytes = Buffer.byteLength(sample);
    return { tokens: Math.round((count(sample) * bytes) / sampleBytes), extrapolated: true };
  } finally {
    closeSync(fd);
  }
}

function request(summaries: ProfileSummary[], count: TokenCounter) {
  const comparison = summaries.length > 1 ? compareSummaries(summaries) : undefined;
  const findings = builtinFindings({ summaries, ...(comparison ? { comparison } : {}) });
  const started = performance.now();
  const built = buildRequest({
    summaries,
    findings,
    system: loadSystemPrompt(),
    template: loadPromptTemplate(summaries[0]?.mode ?? 'UNKNOWN'),
    count,
    ...(comparison ? { comparison } : {}),
  });
  return { built, ms: performance.now() - started };
}

function row(
  name: string,
  bytes: number,
  summaries: ProfileSummary[],
  raw: { tokens: number; extrapolated: boolean },
  r: ReturnType<typeof request>,
  judged = true,
): AnalysisRow {
  const samples = summaries.reduce((sum, s) => sum + s.totalSamples, 0);
  return {
    name,
    bytes,
    targets: summaries.length,
    samples,
    judged,
    rawTokens: raw.tokens,
    rawExtrapolated: raw.extrapolated,
    requestTokens: r.built.tokens,
    budget: r.built.budget,
    reduction: raw.tokens / r.built.tokens,
    coveragePercent: r.built.selfCoveragePercent,
    shrunk: r.built.shrunk,
    buildMs: r.ms,
    met: r.built.tokens < DEFAULT_REQUEST_BUDGET && (samples === 0 || r.built.selfCoveragePercent >= TARGET_COVERAGE),
  };
}

/**
 * `manyTargets`: also one request for that many TaskManagers, each profile a copy of the first real
 * fixture under another name (what a profile of every TaskManager sends).
 */
export async function benchAnalysisCost(inputs: BenchInput[], manyTargets: number): Promise<AnalysisResult> {
  const count = await tokenCounter();
  const rows: AnalysisRow[] = [];
  let firstReal: { input: BenchInput; summary: ProfileSummary; raw: { tokens: number; extrapolated: boolean } } | undefined;
  for (const input of inputs) {
    const graph = await parseFlameGraphFile(input.file);
    const summary = summarize(graph, { source: input.name, target: input.name });
    const raw = rawTokens(input.file, input.bytes, count);
    rows.push(row(input.name, input.bytes, [summary], raw, request([summary], count)));
    if (firstReal === undefined && !input.synthetic && summary.totalSamples > 0) firstReal = { input, summary, raw };
  }
  if (manyTargets > 1 && firstReal !== undefined) {
    const { input, summary, raw } = firstReal;
    const summaries = Array.from({ length: manyTargets }, (_, i) => ({ ...summary, target: `sample-job-taskmanager-1-${i + 1}` }));
    rows.push(
      row(`${input.name} as ${manyTargets} TMs`, statSync(input.file).size * manyTargets, summaries, { tokens: raw.tokens * manyTargets, extrapolated: true }, request(summaries, count), false),
    );
  }
  return { rows, met: rows.filter((r) => r.judged).every((r) => r.met) };
}

export function analysisSection(r: AnalysisResult): Section {
  return {
    title: '5. Analysis cost (request tokens, o200k_base)',
    target: `every request < ${DEFAULT_REQUEST_BUDGET} tokens and >= ${TARGET_COVERAGE}% of self samples covered`,
    header: ['input', 'size', 'raw HTML tokens', 'request tokens', 'raw/request', 'self coverage', 'shrunk', 'build', 'ok'],
    rows: r.rows.map((x) => [
      x.name,
      fmtBytes(x.bytes),
      `${x.rawExtrapolated ? '~' : ''}${x.rawTokens.toLocaleString('en-US')}`,
      x.requestTokens.toLocaleString('en-US'),
      `${x.reduction.toFixed(0)}x`,
      x.samples === 0 ? 'n/a (0 samples)' : `${x.coveragePercent.toFixed(1)}%`,
      x.shrunk ? 'yes' : 'no',
      fmtMs(x.buildMs),
      x.judged ? (x.met ? 'yes' : 'NO') : x.met ? 'info: yes' : 'info: no',
    ]),
    notes: [
      `~ = extrapolated linearly by bytes from a ${fmtBytes(SAMPLE_BYTES)} whole-line sample from the middle of the file (files > ${fmtBytes(EXACT_LIMIT)}), or N x one file's count`,
      'request = buildRequest(system prompt, mode template, summary, builtin findings), as OpenAIProvider sends it; coverage = its selfCoveragePercent',
      '"as N TMs": one profile copied to N targets, as a profile of every TaskManager sends; informational, not judged',
    ],
    met: r.met,
  };
}
