// The builtin rules, per profile summary (src/analysis/rules/*) and over all summaries with the
// job's metrics (bottleneck, skew). Each rule says what it measured, where (hot frame, user
// function, operator) and what to change there.
import type { ProfileSummary } from '../flamegraph/types.ts';
import type { JobMetricsSnapshot } from '../flink/job-metrics.ts';
import { BOTTLENECK_BUSY, UPSTREAM_BACKPRESSURE, vertexLoad } from './job-graph.ts';
import { allocationFindings, lockFindings } from './rules/alloc-lock-rules.ts';
import { ruleContext, type ScoredFinding } from './rules/context.ts';
import { cpuCodeFindings } from './rules/cpu-rules.ts';
import { gcFinding, jitWarmupFinding, networkFinding, noSamplesFinding, overviewFinding } from './rules/general-rules.ts';
import { backpressureFindings, skewFindings } from './rules/job-rules.ts';
import { blockingFindings, taskThreadFindings } from './rules/wall-rules.ts';

export type { ScoredFinding } from './rules/context.ts';
export { formatPercent } from './rules/context.ts';

export function summaryFindings(summary: ProfileSummary, job?: JobMetricsSnapshot): ScoredFinding[] {
  const ctx = ruleContext(summary, job);
  if (summary.totalSamples === 0) return [noSamplesFinding(ctx)];
  const found = [
    ...cpuCodeFindings(ctx),
    ...allocationFindings(ctx),
    ...lockFindings(ctx),
    ...wallFindings(ctx),
    gcFinding(ctx),
    jitWarmupFinding(ctx),
    networkFinding(ctx),
    overviewFinding(ctx),
  ];
  return found.filter((finding): finding is ScoredFinding => finding !== undefined);
}

/** WALL: blocking calls, and how task threads spend their time — "idle, keeps up" only when nothing blocks them. */
function wallFindings(ctx: ReturnType<typeof ruleContext>): ScoredFinding[] {
  const blocking = blockingFindings(ctx);
  const blocked = blocking.some((finding) => finding.severity === 'high' || finding.severity === 'medium');
  const busyJob = (ctx.job?.vertices ?? []).some((vertex) => {
    const load = vertexLoad(vertex);
    return (load.maxBusy ?? 0) >= BOTTLENECK_BUSY || (load.maxBackPressured ?? 0) >= UPSTREAM_BACKPRESSURE;
  });
  const threads = taskThreadFindings(ctx).filter((finding) => finding.id !== 'task-threads-idle' || (!blocked && !busyJob));
  return [...blocking, ...threads];
}

/** Findings about the job as a whole, from every summary and the job metrics. */
export function jobFindings(summaries: ProfileSummary[], job?: JobMetricsSnapshot): ScoredFinding[] {
  return [...backpressureFindings(summaries, job), ...skewFindings(summaries, job)];
}
