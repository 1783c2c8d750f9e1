// What every rule works from: one summary, how long it ran, the job's metrics when captured, and
// helpers that turn the summary's attributed sites into a finding's attribution and evidence.
import { dotted, shortFrame } from '../../flamegraph/frame-kinds.ts';
import type { CostSite, FunctionCost, OperatorRef, ProfileSummary, SiteKind } from '../../flamegraph/types.ts';
import type { JobMetricsSnapshot } from '../../flink/job-metrics.ts';
import { operatorLabel, resolveOperator, type ResolvedOperator } from '../job-graph.ts';
import type { Finding, FindingAttribution, Severity } from '../provider.ts';
import { describeCpu, formatRate, perSecond, type ProfileClock, profileClock, threadMsPerSecond } from '../rates.ts';

/** A finding plus a rank within its severity: for cost rules, the share of one core (or thread) it costs. */
export interface ScoredFinding extends Finding {
  score: number;
}

export interface RuleContext {
  summary: ProfileSummary;
  clock: ProfileClock;
  job?: JobMetricsSnapshot;
}

export function ruleContext(summary: ProfileSummary, job?: JobMetricsSnapshot): RuleContext {
  return { summary, clock: profileClock(summary, job), ...(job ? { job } : {}) };
}

/** A value at or above `medium` gives a medium finding, at or above `high` a high one. */
export interface Band {
  medium: number;
  high: number;
}

export function bandSeverity(value: number, band: Band): Severity | undefined {
  if (value >= band.high) return 'high';
  if (value >= band.medium) return 'medium';
  return undefined;
}

const RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3 };

/** The milder of two severities (undefined = below both bands). */
export function milder(a: Severity | undefined, b: Severity | undefined): Severity | undefined {
  if (a === undefined || b === undefined) return undefined;
  return RANK[a] <= RANK[b] ? a : b;
}

export const CPU_MODES = new Set<ProfileSummary['mode']>(['CPU', 'ITIMER', 'UNKNOWN']);

export function formatPercent(percent: number): string {
  return `${percent.toFixed(1)}%`;
}

export function sitesOf(summary: ProfileSummary, kind: SiteKind): CostSite[] {
  return (summary.attribution?.sites ?? []).filter((site) => site.kind === kind);
}

function sameOperator(a: OperatorRef | undefined, b: OperatorRef | undefined): boolean {
  return a !== undefined && b !== undefined && a.kind === b.kind && a.index === b.index && a.head === b.head;
}

/** The user function an operator calls (its hottest), for costs the operator has with no user frame on the stack. */
export function functionOfOperator(summary: ProfileSummary, operator: OperatorRef | undefined): FunctionCost | undefined {
  return (summary.attribution?.functions ?? []).find((fn) => sameOperator(fn.operator, operator));
}

export interface Attributed {
  attribution: FindingAttribution;
  resolved?: ResolvedOperator;
}

/** A site as a finding's attribution: hot frame, user function (the operator's own when none is on the stack), operator. */
export function attributeSite(ctx: RuleContext, site: CostSite, hotFrame = site.hotFrame): Attributed {
  const user = site.function ?? site.userFrame ?? functionOfOperator(ctx.summary, site.operator)?.function;
  const resolved = resolveOperator(site.operator, user, ctx.job);
  const operator = operatorLabel(site.operator, resolved);
  const attribution: FindingAttribution = { hotFrame: dotted(hotFrame), path: site.path.map(dotted) };
  if (user !== undefined) attribution.userFunction = dotted(user);
  if (site.userFrame !== undefined && site.userFrame !== user) attribution.userFrame = dotted(site.userFrame);
  if (operator !== undefined) attribution.operator = operator;
  if (resolved) attribution.vertex = resolved.vertex.name;
  return resolved ? { attribution, resolved } : { attribution };
}

/** "Job$Enrich.map (operator Enrich)" — who to look at, for titles. */
export function where(attribution: FindingAttribution): string {
  const fn = attribution.userFunction ? shortFrame(attribution.userFunction) : undefined;
  const op = attribution.operator ? `operator ${attribution.operator}` : undefined;
  if (fn && op) return `${fn} (${op})`;
  return fn ?? op ?? shortFrame(attribution.hotFrame);
}

/** The cost of `samples` in this profile's unit: CPU or thread time per second, else events per second. */
export function costText(ctx: RuleContext, samples: number): string {
  const ms = threadMsPerSecond(samples, ctx.summary.mode, ctx.clock);
  if (ms === undefined) return `${formatRate(perSecond(samples, ctx.clock), 'samples/s')}`;
  return ctx.summary.mode === 'WALL' ? `${formatRate(ms, 'ms')} of thread time per second` : describeCpu(ms);
}

/** The code of a site as shown in evidence: user function → nearest user frame → caller → hot frame, in operator X. */
function siteText(ctx: RuleContext, site: CostSite): string {
  const { attribution } = attributeSite(ctx, site);
  const frames = [attribution.userFunction, attribution.userFrame, site.caller ? dotted(site.caller) : undefined, attribution.hotFrame];
  const chain = frames.filter((frame, index): frame is string => frame !== undefined && frames.indexOf(frame) === index);
  const op = attribution.operator ? ` in operator ${attribution.operator}` : site.task ? '' : ' (not on a task thread)';
  return `${chain.join(' → ')}${op}`;
}

/**
 * Evidence lines for the hottest sites: samples and cost, then the code from the user function to the
 * hot frame. Sites that read the same (they differ only in frames not shown) are summed into one line.
 */
export function sitesEvidence(ctx: RuleContext, sites: CostSite[], count: number): string[] {
  const byText = new Map<string, number>();
  for (const site of sites) {
    const text = siteText(ctx, site);
    byText.set(text, (byText.get(text) ?? 0) + site.samples);
  }
  return [...byText]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([text, samples]) => {
      const share = ctx.summary.totalSamples === 0 ? 0 : (samples / ctx.summary.totalSamples) * 100;
      return `${samples} samples (${formatPercent(share)}, ${costText(ctx, samples)}): ${text}`;
    });
}

export function pathEvidence(attribution: FindingAttribution): string[] {
  return attribution.path && attribution.path.length > 1 ? [`path from the task's entry: ${attribution.path.map(shortFrame).join(' → ')}`] : [];
}

/**
 * The site a finding is about: the hottest, unless it has no operator and another with one is not far
 * behind (a third of its samples), since that one can name what to change.
 */
export function leadSite(sites: CostSite[]): CostSite | undefined {
  const top = sites[0];
  if (top === undefined || top.operator !== undefined || top.userFrame !== undefined) return top;
  return sites.find((site) => (site.operator !== undefined || site.userFrame !== undefined) && site.samples * 3 >= top.samples) ?? top;
}
