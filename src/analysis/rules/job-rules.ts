// Rules over the whole job: Flink's own metrics (the bottleneck vertex, per-subtask skew) joined
// with what the profiles show for the operators of that vertex, and skew of one function's
// samples across TaskManagers (never whole-JVM totals, which idle threads and GC blur).
import { dotted, shortFrame } from '../../flamegraph/frame-kinds.ts';
import type { CostSite, FunctionCost, ProfileSummary } from '../../flamegraph/types.ts';
import type { JobMetricsSnapshot, VertexMetrics } from '../../flink/job-metrics.ts';
import { bottlenecks, operatorLabel, resolveOperator, subtaskSkews } from '../job-graph.ts';
import type { FindingAttribution } from '../provider.ts';
import { threadMsPerSecond } from '../rates.ts';
import { attributeSite, functionOfOperator, type Band, bandSeverity, costText, formatPercent, pathEvidence, ruleContext, type ScoredFinding } from './context.ts';

export const JOB_THRESHOLDS = {
  /** hottest subtask (or TaskManager) over the median of the others */
  skew: { medium: 2, high: 4 },
  /** upstream back-pressured ms per second (busiest subtask) */
  backpressure: { medium: 300, high: 500 },
} as const satisfies Record<string, Band>;

/** a function needs this much CPU (ms/s) on its hottest TaskManager before skew between TaskManagers is judged */
const MIN_SKEW_MS = 50;
/** the hot subtask (or function) busy at least this (ms/s) makes skew a high finding */
const SKEW_LIMITING_BUSY = 500;

const TASK_MANAGER = (summary: ProfileSummary): boolean => summary.target !== 'JobManager';

interface VertexCode {
  fn?: FunctionCost;
  summary?: ProfileSummary;
  sites: Array<{ site: CostSite; summary: ProfileSummary }>;
}

/** What the profiles show for a vertex: its hottest user function and the hottest attributed sites. */
function codeOfVertex(vertex: VertexMetrics, summaries: ProfileSummary[], job: JobMetricsSnapshot): VertexCode {
  const code: VertexCode = { sites: [] };
  for (const summary of summaries) {
    for (const fn of summary.attribution?.functions ?? []) {
      if (resolveOperator(fn.operator, fn.function, job)?.vertex.id !== vertex.id) continue;
      if (code.fn === undefined || fn.samples > code.fn.samples) Object.assign(code, { fn, summary });
    }
    for (const site of summary.attribution?.sites ?? []) {
      if (site.operator === undefined || !site.task) continue;
      const user = site.userFrame ?? functionOfOperator(summary, site.operator)?.function;
      if (resolveOperator(site.operator, user, job)?.vertex.id === vertex.id) code.sites.push({ site, summary });
    }
  }
  // what it spends time on: signals and blocking calls first, then leaf frames
  code.sites.sort((a, b) => Number(b.site.kind !== 'self') - Number(a.site.kind !== 'self') || b.site.samples - a.site.samples);
  return code;
}

function vertexAttribution(vertex: VertexMetrics, code: VertexCode, job: JobMetricsSnapshot): FindingAttribution {
  const lead = code.sites[0];
  if (lead) {
    const { attribution } = attributeSite(ruleContext(lead.summary, job), lead.site);
    return { ...attribution, vertex: vertex.name };
  }
  const operator = code.fn ? operatorLabel(code.fn.operator, resolveOperator(code.fn.operator, code.fn.function, job)) : vertex.operators.at(-1);
  return {
    hotFrame: code.fn ? dotted(code.fn.function) : vertex.name,
    ...(code.fn ? { userFunction: dotted(code.fn.function) } : {}),
    ...(operator ? { operator } : {}),
    vertex: vertex.name,
  };
}

const ms = (value: number | undefined): string => (value === undefined ? 'n/a' : `${Math.round(value)} ms/s`);

export function backpressureFindings(summaries: ProfileSummary[], job: JobMetricsSnapshot | undefined): ScoredFinding[] {
  if (job === undefined) return [];
  const found = bottlenecks(job)[0];
  if (found === undefined) return [];
  const { load } = found;
  const upstreamWorst = Math.max(...found.upstream.map((up) => up.maxBackPressured ?? 0));
  const severity = bandSeverity(upstreamWorst, JOB_THRESHOLDS.backpressure) ?? 'medium';
  const code = codeOfVertex(load.vertex, summaries, job);
  const attribution = vertexAttribution(load.vertex, code, job);
  const fn = attribution.userFunction ? shortFrame(attribution.userFunction) : undefined;
  const lead = code.sites[0];
  const spends = lead ? `${costText(ruleContext(lead.summary, job), lead.site.samples)} in ${shortFrame(lead.site.hotFrame)}${lead.site.caller ? ` (from ${shortFrame(lead.site.caller)})` : ''}` : undefined;
  return [
    {
      id: 'backpressure',
      severity,
      title: `${load.vertex.name} is the bottleneck${fn ? ` (${fn})` : ''}: busy ${formatPercent((load.maxBusy ?? 0) / 10)} while its upstream is back-pressured`,
      evidence: [
        `${load.vertex.name}: busy ${ms(load.busy)} on average, ${ms(load.maxBusy)} on its busiest subtask; back-pressured ${ms(load.backPressured)}`,
        ...found.upstream.map((up) => `upstream ${up.vertex.name}: back-pressured ${ms(up.backPressured)} on average, ${ms(up.maxBackPressured)} on its worst subtask; busy ${ms(up.busy)}`),
        ...(spends ? [`the profile shows ${fn ?? 'it'} spending ${spends}`] : ['no profiled stack runs in this vertex: profile the TaskManagers that run it (WALL shows blocking, ITIMER CPU)']),
        ...pathEvidence(attribution),
      ],
      advice:
        `Speed up ${fn ?? load.vertex.name} or give it more parallel instances: everything upstream runs at its pace. ` +
        (lead?.site.kind === 'blocking' || (lead && /sleep|read|park/i.test(lead.site.hotFrame))
          ? 'It blocks per record: call the external system through Async I/O, batch writes (a sink that buffers and flushes), or raise its parallelism. '
          : 'Look at what it spends its time on above; if it is a sink, batch its writes and check the external system\'s latency. ') +
        'More network buffers or a larger buffer timeout only hide back pressure.',
      target: lead?.summary.target ?? code.summary?.target ?? '',
      attribution,
      score: 2 + upstreamWorst / 1000,
    },
  ];
}

export function skewFindings(summaries: ProfileSummary[], job: JobMetricsSnapshot | undefined): ScoredFinding[] {
  const metricSkew = job ? subtaskSkews(job)[0] : undefined;
  const profileSkew = functionSkew(summaries.filter(TASK_MANAGER), job);
  const ratio = Math.max(metricSkew?.ratio ?? 0, profileSkew?.ratio ?? 0);
  let severity = bandSeverity(ratio, JOB_THRESHOLDS.skew);
  if (severity === undefined) return [];
  // Skew costs throughput once the hot subtask is busy; before that it only limits how far the job scales.
  const hotBusy = metricSkew?.hot.busyMsPerSecond ?? profileSkew?.hotMs;
  const limiting = hotBusy === undefined || hotBusy >= SKEW_LIMITING_BUSY;
  if (severity === 'high' && !limiting) severity = 'medium';
  const evidence: string[] = [];
  let attribution: FindingAttribution | undefined;
  let target = '';
  if (metricSkew !== undefined && bandSeverity(metricSkew.ratio, JOB_THRESHOLDS.skew) !== undefined) {
    const { vertex, hot } = metricSkew;
    const unit = metricSkew.metric === 'busyMsPerSecond' ? 'ms/s busy' : metricSkew.metric === 'recordsIn' ? 'records in' : 'records out';
    const records = metricSkew.metric === 'recordsOut' ? 'recordsOut' : 'recordsIn';
    evidence.push(
      `${vertex.name}: subtask ${hot.index} on ${hot.taskManagerId} has ${Math.round(metricSkew.hotValue)} ${unit}, ${metricSkew.ratio.toFixed(1)}× the ${Math.round(metricSkew.othersValue)} of the other subtasks`,
      ...vertex.subtasks.slice(0, 6).map((s) => `subtask ${s.index} (${s.taskManagerId}): ${s[records] ?? '?'} ${records === 'recordsIn' ? 'records in' : 'records out'}, busy ${ms(s.busyMsPerSecond)}`),
    );
    if (!limiting) evidence.push(`the hot subtask is busy ${ms(hotBusy)}: the skew does not limit the job yet, but it caps how far more parallelism helps`);
    const code = codeOfVertex(vertex, summaries, job!);
    attribution = vertexAttribution(vertex, code, job!);
    target = hot.taskManagerId;
  }
  if (profileSkew !== undefined) {
    evidence.push(
      `${shortFrame(profileSkew.fn)} per TaskManager: ${profileSkew.perTarget.map(([t, samples]) => `${t} ${samples} samples`).join(', ')} (${profileSkew.ratio.toFixed(1)}×)`,
    );
    if (attribution === undefined) {
      attribution = profileSkew.attribution;
      target = profileSkew.hottest;
    }
  }
  const fn = attribution?.userFunction ? shortFrame(attribution.userFunction) : undefined;
  return [
    {
      id: 'skew',
      severity,
      title: `Skew: ${attribution?.operator ?? fn ?? 'one operator'} does ${ratio.toFixed(1)}× the work on ${target || 'one subtask'} that its other subtasks do`,
      evidence: [...evidence, ...(attribution ? pathEvidence(attribution) : [])],
      advice:
        `A few keys carry most records, so one subtask of ${fn ?? 'the keyed operator'} does the work while the others wait and the job runs at that subtask's speed. ` +
        'Find the hot keys (count records per key upstream), pre-aggregate or salt them (a two-phase / local-global aggregation: key by (key, random bucket) first, then by key), ' +
        'or choose a key with more distinct values; for non-keyed operators, rebalance() before them. More parallelism does not help a single hot key.',
      target,
      ...(attribution ? { attribution } : {}),
      score: 1 + ratio / 100,
    },
  ];
}

interface FunctionSkew {
  fn: string;
  ratio: number;
  /** thread time per second of the function on its hottest TaskManager */
  hotMs: number;
  hottest: string;
  perTarget: Array<[string, number]>;
  attribution: FindingAttribution;
}

/** The user function whose samples differ most between TaskManagers of the same mode. */
function functionSkew(summaries: ProfileSummary[], job: JobMetricsSnapshot | undefined): FunctionSkew | undefined {
  let best: FunctionSkew | undefined;
  const byMode = new Map<string, ProfileSummary[]>();
  for (const summary of summaries) byMode.set(summary.mode, [...(byMode.get(summary.mode) ?? []), summary]);
  for (const group of byMode.values()) {
    if (group.length < 2 || !['CPU', 'ITIMER', 'UNKNOWN', 'WALL'].includes(group[0]!.mode)) continue;
    const names = new Set(group.flatMap((summary) => (summary.attribution?.functions ?? []).map((fn) => fn.function)));
    for (const name of names) {
      const perTarget = group.map((summary): [string, number, ProfileSummary] => [summary.target, (summary.attribution?.functions ?? []).filter((fn) => fn.function === name).reduce((sum, fn) => sum + fn.samples, 0), summary]);
      perTarget.sort((a, b) => b[1] - a[1]);
      const [hotTarget, hotSamples, hotSummary] = perTarget[0]!;
      const others = perTarget.slice(1).map((row) => row[1]).sort((a, b) => a - b);
      const median = others[Math.floor((others.length - 1) / 2)]!;
      const ctx = ruleContext(hotSummary, job);
      const hotMs = threadMsPerSecond(hotSamples, hotSummary.mode, ctx.clock) ?? 0;
      if (hotMs < MIN_SKEW_MS) continue;
      const ratio = hotSamples / Math.max(median, 1);
      if (best !== undefined && ratio <= best.ratio) continue;
      const fnCost = hotSummary.attribution!.functions.find((fn) => fn.function === name)!;
      const site: CostSite = { kind: 'self', hotFrame: name, userFrame: name, samples: hotSamples, task: true, path: [], ...(fnCost.operator ? { operator: fnCost.operator } : {}) };
      best = { fn: name, ratio, hotMs, hottest: hotTarget, perTarget: perTarget.map(([t, s]) => [t, s]), attribution: attributeSite(ctx, site).attribution };
    }
  }
  return best;
}

