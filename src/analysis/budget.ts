// The analysis request: prompt + compact summary + builtin findings (never the raw HTML), shrunk until it fits
// a token budget measured with the real tokenizer.
import { ExitCode, SquirrlyError } from '../errors.ts';
import type { Attribution, ComparisonSummary, CostSite, FrameStat, FunctionCost, HotPath, ProfileSummary } from '../flamegraph/types.ts';
import type { JobMetricsSnapshot } from '../flink/job-metrics.ts';
import type { Finding } from './provider.ts';
import { renderPrompt } from './prompts.ts';
import { clockLine, functionLines, jobLines, siteLines } from './request-attribution.ts';
import { chatTokens, type TokenCounter } from './tokenizer.ts';

export const DEFAULT_REQUEST_BUDGET = 8000;

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

/** How much of each summary goes into the request. */
export interface Detail {
  /** self frames per view, hottest first, are listed until they cover this share (0..100) of its samples */
  selfShare: number;
  /** at most this many self frames per view */
  topSelf: number;
  topTotal: number;
  hotPaths: number;
  /** frames kept per hot path, leaf side */
  pathDepth: number;
  /** false: one view per target; true: one merged view of all targets plus a per-target table */
  merged: boolean;
  /** rows of the per-target table of the merged view (every target has its own view otherwise) */
  targets: number;
  findings: number;
  /** attributed hot spots per view */
  sites: number;
  /** user functions per view */
  functions: number;
  /** vertices of the job metrics */
  vertices: number;
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
  /** Flink's own metrics for the job over the profiling window */
  jobMetrics?: JobMetricsSnapshot;
  /** `diff`: the comparison with the earlier run; kept whole while the summary shrinks */
  diff?: string;
  system: string;
  /** the user prompt template (mode template or `--prompt-file`) */
  template: string;
  count: TokenCounter;
  budget?: number;
  /** applied to the data (summary, findings) before counting, e.g. redaction */
  transform?: (text: string) => string;
}

/** the self frames should cover at least this share of the self samples; other parts shrink first */
export const SELF_COVERAGE_GOAL = 80;
/** more targets than this always get the merged view: one view each could not list enough frames */
export const MAX_TARGET_VIEWS = 8;
/** the per-target table of the merged view shows at most this many rows */
const MAX_TABLE_ROWS = 64;

const FULL: Omit<Detail, 'merged' | 'targets'> = { selfShare: 100, topSelf: 1000, topTotal: 15, hotPaths: 8, pathDepth: 30, findings: 20, sites: 10, functions: 6, vertices: 16 };

/**
 * Each step is smaller than the one before in at least one field. Other parts shrink before the self frames
 * drop under SELF_COVERAGE_GOAL; the last steps (the floor) give that up too.
 */
const LADDER: Array<Partial<Detail>> = [
  { selfShare: 95 },
  { selfShare: 90, topTotal: 10, pathDepth: 20, sites: 8 },
  { selfShare: 85, hotPaths: 5, pathDepth: 15, targets: 32, vertices: 12 },
  { selfShare: SELF_COVERAGE_GOAL, topTotal: 6, hotPaths: 3, pathDepth: 12, findings: 12, targets: 24, sites: 6, functions: 4 },
  { topTotal: 4, hotPaths: 2, pathDepth: 8, targets: 16, vertices: 8 },
  { topTotal: 3, hotPaths: 1, pathDepth: 6, findings: 8, targets: 12, sites: 4, functions: 3 },
  { topTotal: 2, hotPaths: 1, pathDepth: 4, findings: 5, targets: 8, vertices: 6 },
  { topTotal: 0, hotPaths: 0, findings: 3, targets: 6, sites: 3, functions: 2, vertices: 4 },
];
/** steps of LADDER tried with one view per target before the merged view */
const PER_TARGET_STEPS = LADDER.findIndex((step) => step.selfShare === SELF_COVERAGE_GOAL) + 1;
const FLOOR: Array<Partial<Detail>> = [
  { selfShare: 60, targets: 4 },
  { selfShare: 40, topSelf: 25, targets: 2 },
  { topSelf: 10, findings: 0, sites: 1, functions: 1, vertices: 2 },
  { topSelf: 3, sites: 0, functions: 0, vertices: 0 },
  { topSelf: 1 },
];

function* shrinkSteps(targetCount: number): Generator<Detail> {
  const layouts = targetCount <= 1 ? [false] : targetCount <= MAX_TARGET_VIEWS ? [false, true] : [true];
  for (const merged of layouts) {
    const last = merged === layouts.at(-1);
    let d: Detail = { ...FULL, merged, targets: merged ? Math.min(MAX_TABLE_ROWS, targetCount) : targetCount };
    yield d;
    // one view each only while they keep some paths; past that the merged view says more
    for (const step of last ? [...LADDER, ...FLOOR] : LADDER.slice(0, PER_TARGET_STEPS)) {
      // one view per target always shows every target
      d = { ...d, ...step, targets: merged ? Math.min(d.targets, step.targets ?? d.targets) : targetCount };
      yield d;
    }
  }
}

const pct = (n: number): string => `${Math.round(n * 10) / 10}%`;

function frameLine(f: FrameStat): string {
  return `- ${pct(f.percent)} ${f.name}`;
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

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** tm-2 before tm-10 */
const compareNames = new Intl.Collator('en', { numeric: true }).compare;

/** Hottest targets first; ties by name so the order is stable. */
function byHeat(summaries: ProfileSummary[]): ProfileSummary[] {
  return [...summaries].sort((a, b) => b.totalSamples - a.totalSamples || compareNames(a.target, b.target) || compareText(a.target, b.target));
}

/** The hottest self frames until they cover `selfShare` of the view's samples, at most `topSelf`. */
function listedSelf(s: ProfileSummary, d: Detail): FrameStat[] {
  const goal = (s.totalSamples * d.selfShare) / 100;
  const out: FrameStat[] = [];
  let covered = 0;
  for (const f of s.topSelf) {
    if (out.length >= d.topSelf || covered >= goal) break;
    out.push(f);
    covered += f.samples;
  }
  return out;
}

/** Sums frames of several targets by key, weighting by samples; percent is of `all` samples. */
function mergeStats<T extends { samples: number; percent: number }>(lists: T[][], key: (x: T) => string, all: number): T[] {
  const byKey = new Map<string, T>();
  for (const list of lists) {
    for (const x of list) {
      const k = key(x);
      const seen = byKey.get(k);
      byKey.set(k, seen ? { ...seen, samples: seen.samples + x.samples } : { ...x });
    }
  }
  return [...byKey]
    .sort(([ka, a], [kb, b]) => b.samples - a.samples || compareText(ka, kb))
    .map(([, x]) => ({ ...x, percent: all === 0 ? 0 : Math.round((x.samples / all) * 10000) / 100 }));
}

/**
 * All targets as one: frames and paths summed by name over the targets, categories weighted by samples.
 * A frame outside a target's own topSelf counts nothing for that target, so the merged samples are a floor.
 */
export function mergeSummaries(summaries: ProfileSummary[]): ProfileSummary {
  const all = summaries.reduce((sum, s) => sum + s.totalSamples, 0);
  const first = summaries[0];
  const categories = { ...(first?.categories ?? {}) } as ProfileSummary['categories'];
  for (const k of Object.keys(categories) as Array<keyof typeof categories>) {
    const weighted = summaries.reduce((sum, s) => sum + (s.categories[k] ?? 0) * s.totalSamples, 0);
    categories[k] = all === 0 ? 0 : Math.round((weighted / all) * 100) / 100;
  }
  return {
    source: `${summaries.length} profiles`,
    target: `all ${summaries.length} targets`,
    mode: first?.mode ?? 'UNKNOWN',
    format: first?.format ?? 'v3',
    totalSamples: all,
    frameCount: Math.max(0, ...summaries.map((s) => s.frameCount)),
    maxDepth: Math.max(0, ...summaries.map((s) => s.maxDepth)),
    topSelf: mergeStats(summaries.map((s) => s.topSelf), (f) => f.name, all),
    topTotal: mergeStats(summaries.map((s) => s.topTotal), (f) => f.name, all),
    hotPaths: mergeStats(summaries.map((s) => s.hotPaths), (p) => p.frames.join('\n'), all),
    categories,
    attribution: mergeAttribution(summaries.map((s) => s.attribution)),
    ...(first?.durationSeconds !== undefined ? { durationSeconds: first.durationSeconds } : {}),
  };
}

const operatorKey = (x: { operator?: { kind: string; index: number; head: string } }): string => (x.operator ? `${x.operator.head}>${x.operator.kind}#${x.operator.index}` : '');

/** Sites and functions of several targets summed by what they are (the same code on every TaskManager). */
function mergeAttribution(parts: Array<Attribution | undefined>): Attribution {
  const sum = <T extends { samples: number }>(lists: T[][], key: (x: T) => string): T[] => {
    const byKey = new Map<string, T>();
    for (const x of lists.flat()) {
      const k = key(x);
      const seen = byKey.get(k);
      byKey.set(k, seen ? { ...seen, samples: seen.samples + x.samples } : { ...x });
    }
    return [...byKey.values()].sort((a, b) => b.samples - a.samples);
  };
  const present = parts.filter((part): part is Attribution => part !== undefined);
  return {
    sites: sum<CostSite>(present.map((p) => p.sites), (x) => [x.kind, x.hotFrame, x.caller, x.userFrame, x.function, operatorKey(x)].join('\n')),
    functions: sum<FunctionCost>(present.map((p) => p.functions), (x) => `${x.function}\n${operatorKey(x)}`),
  };
}

function renderView(s: ProfileSummary, d: Detail, heading: string, job: JobMetricsSnapshot | undefined): string[] {
  const out = [heading, clockLine(s, job), `Categories by self samples: ${categoryLine(s.categories)}`];
  out.push(...functionLines(s, d.functions, job), ...siteLines(s, d.sites, job));
  const self = listedSelf(s, d);
  const more = s.topSelf.length - self.length;
  out.push('Top frames by self samples (share of samples, frame):', ...self.map(frameLine));
  if (more > 0) out.push(`(${more} colder frames left out)`);
  if (d.topTotal > 0) out.push('Top frames by total samples:', ...s.topTotal.slice(0, d.topTotal).map(frameLine));
  if (d.hotPaths > 0) out.push('Hottest paths (root > … > leaf):', ...s.hotPaths.slice(0, d.hotPaths).map((p) => pathLine(p, d.pathDepth)));
  return out;
}

function commonPrefix(names: string[]): string {
  let prefix = names[0] ?? '';
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/** One row per target (hottest and coldest when rows run short): samples and self % by the main categories. */
function targetTable(summaries: ProfileSummary[], all: ProfileSummary, rows: number): string[] {
  const sorted = byHeat(summaries);
  const columns = (Object.entries(all.categories) as Array<[keyof ProfileSummary['categories'], number]>)
    .filter(([, v]) => v >= 1)
    .sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))
    .slice(0, 6)
    .map(([k]) => k);
  const prefix = sorted.length > 1 ? commonPrefix(sorted.map((s) => s.target)).replace(/[^-_./:]*$/, '') : '';
  const row = (s: ProfileSummary): string =>
    `- ${s.target.slice(prefix.length)}: ${s.totalSamples}${columns.length ? ` | ${columns.map((c) => Math.round(s.categories[c] ?? 0)).join(' ')}` : ''}`;
  const hot = Math.ceil(rows / 2);
  const cold = Math.min(rows - hot, sorted.length - hot);
  const out = [
    `Per target, hottest first${prefix ? ` (names without the common prefix "${prefix}")` : ''}: samples${columns.length ? ` | self % in ${columns.join(' ')}` : ''}`,
    ...sorted.slice(0, hot).map(row),
  ];
  const between = sorted.slice(hot, sorted.length - cold);
  if (between.length > 0) out.push(`- (${between.length} more targets with ${between.at(-1)!.totalSamples}..${between[0]!.totalSamples} samples)`);
  if (cold > 0) out.push(...sorted.slice(sorted.length - cold).map(row));
  return out;
}

const mergedCache = new WeakMap<ProfileSummary[], ProfileSummary>();

function merged(summaries: ProfileSummary[]): ProfileSummary {
  let m = mergedCache.get(summaries);
  if (m === undefined) mergedCache.set(summaries, (m = mergeSummaries(summaries)));
  return m;
}

/** The views the self frames are listed from: one per target, or the merged one. */
function views(summaries: ProfileSummary[], d: Detail): ProfileSummary[] {
  return d.merged ? [merged(summaries)] : summaries;
}

/** Whole-JVM totals include idle threads, GC and the JIT: shown, but labelled as no measure of skew. */
function wholeJvmLine(comparison: ComparisonSummary): string {
  return `Whole-JVM samples, largest / median: ${Math.round(comparison.sampleSkew * 100) / 100} (hottest: ${comparison.hottestTarget}); idle threads, GC and JIT blur this, compare functions instead`;
}

/** The hottest user functions with their samples on each target (the skew that matters: the same code, unequal work). */
function functionComparison(summaries: ProfileSummary[], count: number): string[] {
  if (count <= 0 || summaries.length < 2) return [];
  const totals = new Map<string, number>();
  for (const s of summaries) for (const fn of s.attribution?.functions ?? []) totals.set(fn.function, (totals.get(fn.function) ?? 0) + fn.samples);
  const top = [...totals].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0])).slice(0, Math.min(count, 4));
  if (top.length === 0) return [];
  const shown = byHeat(summaries).slice(0, 8);
  return [
    `Samples per user function per target${shown.length < summaries.length ? ` (hottest ${shown.length} targets)` : ''}:`,
    ...top.map(([name]) => {
      const per = shown.map((s) => `${s.target} ${(s.attribution?.functions ?? []).filter((fn) => fn.function === name).reduce((sum, fn) => sum + fn.samples, 0)}`);
      return `- ${name.replaceAll('/', '.')}: ${per.join(', ')}`;
    }),
  ];
}

export function renderSummary(summaries: ProfileSummary[], comparison: ComparisonSummary | undefined, d: Detail, job?: JobMetricsSnapshot): string {
  const text = renderProfiles(summaries, comparison, d, job);
  const metrics = jobLines(job, d.vertices);
  return metrics.length > 0 ? `${text}\n${metrics.join('\n')}` : text;
}

function renderProfiles(summaries: ProfileSummary[], comparison: ComparisonSummary | undefined, d: Detail, job: JobMetricsSnapshot | undefined): string {
  const out: string[] = [];
  if (d.merged) {
    const all = merged(summaries);
    out.push(
      ...renderView(all, d, `### All ${summaries.length} targets merged (frames summed over targets): ${all.mode}, ${all.totalSamples} samples, max depth ${all.maxDepth}`, job),
    );
    out.push('### Comparison between targets');
    if (comparison) out.push(wholeJvmLine(comparison));
    out.push(...functionComparison(summaries, d.functions));
    out.push(...targetTable(summaries, all, d.targets));
    return out.join('\n');
  }
  for (const s of summaries) {
    out.push(...renderView(s, d, `### ${s.target} (${s.source}): ${s.mode}, ${s.totalSamples} samples, ${s.frameCount} frames, max depth ${s.maxDepth}`, job));
  }
  if (comparison && summaries.length > 1) {
    out.push('### Comparison between targets');
    out.push(wholeJvmLine(comparison), ...functionComparison(summaries, d.functions));
    for (const t of byHeat(summaries)) {
      const c = comparison.targets.find((x) => x.target === t.target);
      if (c) out.push(`- ${c.target}: ${c.totalSamples} samples; ${categoryLine(c.categories)}`);
    }
  }
  return out.join('\n');
}

/** evidence items shown per finding; rules over many targets can give hundreds */
const MAX_EVIDENCE = 4;

/** a rule that fired for more targets than this is shown once, for the first of them, with a count */
const GROUP_FINDINGS_OVER = 3;

/** " Operator: X (vertex V). User function: f. Nearest user frame: g. Hot frame: h." */
function attributionText(f: Finding): string {
  const a = f.attribution;
  if (a === undefined) return '';
  const parts = [
    a.operator ? `Operator: ${a.operator}${a.vertex && a.vertex !== a.operator ? ` (vertex ${a.vertex})` : ''}` : undefined,
    a.userFunction ? `User function: ${a.userFunction}` : undefined,
    a.userFrame ? `Nearest user frame: ${a.userFrame}` : undefined,
    `Hot frame: ${a.hotFrame}`,
  ].filter((part): part is string => part !== undefined);
  return ` ${parts.join('. ')}.`;
}

/** One line per finding; evidence is cut to MAX_EVIDENCE items. */
export function renderFindings(findings: Finding[], limit: number): string {
  if (findings.length === 0) return '(none)';
  const perRule = new Map<string, number>();
  for (const f of findings) if (f.target !== undefined) perRule.set(f.id, (perRule.get(f.id) ?? 0) + 1);
  const groups = new Map<string, { first: Finding; more: number }>();
  let single = 0;
  for (const f of findings) {
    const key = f.target !== undefined && perRule.get(f.id)! > GROUP_FINDINGS_OVER ? `rule ${f.id}` : `finding ${single++}`;
    const group = groups.get(key);
    if (group) group.more++;
    else groups.set(key, { first: f, more: 0 });
  }
  const all = [...groups.values()];
  const shown = all.slice(0, limit);
  const lines = shown.map(({ first: f, more }) => {
    const where = f.target ? ` (${f.target}${more > 0 ? `; the same rule fired for ${more} more targets` : ''})` : '';
    const evidence = f.evidence.slice(0, MAX_EVIDENCE);
    const extra = f.evidence.length - evidence.length;
    return `- [${f.severity}] ${f.title}${where}.${attributionText(f)} Evidence: ${evidence.join('; ')}${extra > 0 ? ` (+${extra} more)` : ''}. Advice: ${f.advice}`;
  });
  if (shown.length < all.length) lines.push(`(${all.length - shown.length} more findings left out)`);
  return lines.join('\n');
}

function selfCoverage(summaries: ProfileSummary[], d: Detail): number {
  const all = summaries.reduce((sum, s) => sum + s.totalSamples, 0);
  if (all === 0) return 0;
  const listed = views(summaries, d).reduce((sum, v) => sum + listedSelf(v, d).reduce((x, f) => x + f.samples, 0), 0);
  return Math.round((listed / all) * 1000) / 10;
}

function modeLabel(summaries: ProfileSummary[]): string {
  const modes = [...new Set(summaries.map((s) => s.mode))];
  return modes.join('/') || 'UNKNOWN';
}

function targetsLabel(summaries: ProfileSummary[]): string {
  if (summaries.length === 1) return summaries[0]?.target ?? '';
  const names = summaries.map((s) => s.target);
  if (names.length <= MAX_TARGET_VIEWS) return `${names.length} (${names.join(', ')})`;
  return `${names.length} (${names.slice(0, 2).join(', ')}, … ${names.at(-1)})`;
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
      summary: transform(renderSummary(input.summaries, input.comparison, detail, input.jobMetrics)),
      findings: transform(renderFindings(input.findings, detail.findings)),
      ...(input.diff !== undefined ? { diff: transform(input.diff) } : {}),
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
