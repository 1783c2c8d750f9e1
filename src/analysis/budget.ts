// The analysis request: prompt + compact summary + builtin findings (never the raw HTML), shrunk until it fits
// a token budget measured with the real tokenizer.
import { ExitCode, SquirrlyError } from '../errors.ts';
import type { ComparisonSummary, FrameStat, HotPath, ProfileSummary } from '../flamegraph/types.ts';
import type { Finding } from './provider.ts';
import { renderPrompt } from './prompts.ts';
import { chatTokens, type TokenCounter } from './tokenizer.ts';

export const DEFAULT_REQUEST_BUDGET = 8000;

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

/** How much of each summary goes into the request. */
export interface Detail {
  topSelf: number;
  topTotal: number;
  hotPaths: number;
  /** frames kept per hot path, leaf side */
  pathDepth: number;
  /** targets kept, hottest first */
  targets: number;
  findings: number;
}

export interface BuiltRequest {
  messages: ChatMessage[];
  tokens: number;
  budget: number;
  detail: Detail;
  /** share (0..100) of all self samples, over every target, that the frames listed by self cover */
  selfCoveragePercent: number;
  /** true when something was left out to fit */
  shrunk: boolean;
}

export interface RequestInput {
  summaries: ProfileSummary[];
  comparison?: ComparisonSummary;
  findings: Finding[];
  system: string;
  /** the user prompt template (mode template or `--prompt-file`) */
  template: string;
  count: TokenCounter;
  budget?: number;
  /** applied to the data (summary, findings) before counting, e.g. redaction */
  transform?: (text: string) => string;
}

const FULL: Detail = { topSelf: 25, topTotal: 15, hotPaths: 8, pathDepth: 30, targets: 64, findings: 20 };

/** Each step is smaller than the one before in at least one field; the last is the floor. */
function* shrinkSteps(targetCount: number): Generator<Detail> {
  let d: Detail = { ...FULL, targets: Math.min(FULL.targets, targetCount) };
  yield d;
  const ladder: Array<Partial<Detail>> = [
    { topSelf: 15, topTotal: 10, pathDepth: 20 },
    { hotPaths: 5, pathDepth: 15 },
    { topSelf: 10, topTotal: 6, hotPaths: 3, pathDepth: 12, findings: 12 },
    { topSelf: 7, topTotal: 4, hotPaths: 2, pathDepth: 8 },
    { topSelf: 5, topTotal: 3, hotPaths: 1, pathDepth: 6, findings: 8 },
    { topSelf: 3, topTotal: 2, hotPaths: 1, pathDepth: 4, findings: 5 },
  ];
  for (const step of ladder) {
    d = { ...d, ...step };
    yield d;
  }
  while (d.targets > 1) {
    d = { ...d, targets: Math.max(1, Math.floor(d.targets / 2)) };
    yield d;
  }
  yield { ...d, topTotal: 0, hotPaths: 0, findings: 3 };
  yield { ...d, topSelf: 1, topTotal: 0, hotPaths: 0, findings: 0 };
}

const pct = (n: number): string => `${Math.round(n * 10) / 10}%`;

function frameLine(f: FrameStat): string {
  return `- ${pct(f.percent)} ${f.name} [${f.category}, ${f.type}]`;
}

function pathLine(p: HotPath, depth: number): string {
  const kept = p.frames.slice(-depth);
  const dropped = p.frames.length - kept.length;
  return `- ${pct(p.percent)}: ${dropped > 0 ? `(${dropped} frames above) … > ` : ''}${kept.join(' > ')}`;
}

function categoryLine(categories: ProfileSummary['categories']): string {
  return Object.entries(categories)
    .filter(([, v]) => v >= 0.05)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k} ${pct(v)}`)
    .join(', ');
}

/** Hottest targets first; ties by name so the choice is stable. */
function keptSummaries(summaries: ProfileSummary[], n: number): ProfileSummary[] {
  return [...summaries]
    .sort((a, b) => b.totalSamples - a.totalSamples || (a.target < b.target ? -1 : 1))
    .slice(0, n);
}

export function renderSummary(summaries: ProfileSummary[], comparison: ComparisonSummary | undefined, d: Detail): string {
  const kept = keptSummaries(summaries, d.targets);
  const out: string[] = [];
  if (kept.length < summaries.length) out.push(`(${summaries.length - kept.length} of ${summaries.length} targets left out; the hottest are shown)`);
  for (const s of kept) {
    out.push(`### ${s.target} (${s.source}): ${s.mode}, ${s.totalSamples} samples, ${s.frameCount} frames, max depth ${s.maxDepth}`);
    out.push(`Categories by self samples: ${categoryLine(s.categories)}`);
    out.push('Top frames by self samples:', ...s.topSelf.slice(0, d.topSelf).map(frameLine));
    if (d.topTotal > 0) out.push('Top frames by total samples:', ...s.topTotal.slice(0, d.topTotal).map(frameLine));
    if (d.hotPaths > 0) out.push('Hottest paths (root > … > leaf):', ...s.hotPaths.slice(0, d.hotPaths).map((p) => pathLine(p, d.pathDepth)));
  }
  if (comparison && summaries.length > 1) {
    out.push('### Comparison between targets');
    out.push(`Sample skew (largest / median total samples): ${Math.round(comparison.sampleSkew * 100) / 100}; hottest: ${comparison.hottestTarget}`);
    for (const t of keptSummaries(summaries, d.targets)) {
      const c = comparison.targets.find((x) => x.target === t.target);
      if (c) out.push(`- ${c.target}: ${c.totalSamples} samples; ${categoryLine(c.categories)}`);
    }
  }
  return out.join('\n');
}

export function renderFindings(findings: Finding[], limit: number): string {
  if (findings.length === 0) return '(none)';
  const shown = findings.slice(0, limit);
  const lines = shown.map(
    (f) => `- [${f.severity}] ${f.title}${f.target ? ` (${f.target})` : ''}. Evidence: ${f.evidence.join('; ')}. Advice: ${f.advice}`,
  );
  if (shown.length < findings.length) lines.push(`(${findings.length - shown.length} more findings left out)`);
  return lines.join('\n');
}

function selfCoverage(summaries: ProfileSummary[], d: Detail): number {
  const all = summaries.reduce((sum, s) => sum + s.totalSamples, 0);
  if (all === 0) return 0;
  const listed = keptSummaries(summaries, d.targets).reduce(
    (sum, s) => sum + s.topSelf.slice(0, d.topSelf).reduce((x, f) => x + f.samples, 0),
    0,
  );
  return Math.round((listed / all) * 1000) / 10;
}

function modeLabel(summaries: ProfileSummary[]): string {
  const modes = [...new Set(summaries.map((s) => s.mode))];
  return modes.join('/') || 'UNKNOWN';
}

function targetsLabel(summaries: ProfileSummary[]): string {
  return summaries.length === 1 ? (summaries[0]?.target ?? '') : `${summaries.length} (${summaries.map((s) => s.target).join(', ')})`;
}

/**
 * Walks the shrink steps from full detail down and returns the first request that fits. Throws only when
 * even the floor does not fit, which means the prompt itself is too large.
 */
export function buildRequest(input: RequestInput): BuiltRequest {
  const budget = input.budget ?? DEFAULT_REQUEST_BUDGET;
  const transform = input.transform ?? ((t: string) => t);
  const targets = transform(targetsLabel(input.summaries));
  // Exact counts are slow on big texts; a per-line estimate, cached across steps, skips steps far over budget.
  const lineTokens = new Map<string, number>();
  const estimate = (messages: ChatMessage[]): number => {
    let sum = 0;
    for (const line of messages.flatMap((m) => m.content.split('\n'))) {
      let n = lineTokens.get(line);
      if (n === undefined) {
        n = input.count(line);
        lineTokens.set(line, n);
      }
      sum += n;
    }
    return sum;
  };
  let step = 0;
  let smallest = Infinity;
  for (const detail of shrinkSteps(input.summaries.length)) {
    const user = renderPrompt(input.template, {
      mode: modeLabel(input.summaries),
      targets,
      summary: transform(renderSummary(input.summaries, input.comparison, detail)),
      findings: transform(renderFindings(input.findings, detail.findings)),
    });
    const messages: ChatMessage[] = [
      { role: 'system', content: input.system },
      { role: 'user', content: user },
    ];
    const shrunk = step++ > 0;
    const rough = estimate(messages);
    smallest = Math.min(smallest, rough);
    if (rough > budget * 1.25) continue;
    const tokens = chatTokens(input.count, messages);
    smallest = Math.min(smallest, tokens);
    if (tokens <= budget) return { messages, tokens, budget, detail, selfCoveragePercent: selfCoverage(input.summaries, detail), shrunk };
  }
  throw new SquirrlyError(`the analysis request needs about ${smallest} tokens even at minimum detail; the budget is ${budget}`, {
    hint: 'use a shorter --prompt-file (or ANALYSIS_PROMPT_FILE)',
    exitCode: ExitCode.analysisFailed,
  });
}
