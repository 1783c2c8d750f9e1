// The attributed part of an analysis request: per profile, the user functions with their operators
// and the hot spots with their code path; for the job, Flink's own metrics per vertex. Plain lines,
// bounded by the counts the budget ladder gives.
import { dotted, shortFrame } from '../flamegraph/frame-kinds.ts';
import type { CostSite, ProfileSummary } from '../flamegraph/types.ts';
import type { JobMetricsSnapshot, SubtaskMetrics } from '../flink/job-metrics.ts';
import { operatorLabel, resolveOperator, vertexLoad } from './job-graph.ts';
import { functionOfOperator } from './rules/context.ts';
import { profileClock, SAMPLE_INTERVAL_MS, threadMsPerSecond } from './rates.ts';

const pct = (n: number): string => `${Math.round(n * 10) / 10}%`;

function cost(summary: ProfileSummary, samples: number, job: JobMetricsSnapshot | undefined): string {
  const clock = profileClock(summary, job);
  const ms = threadMsPerSecond(samples, summary.mode, clock);
  if (ms !== undefined) return `${Math.round(ms)} ms/s`;
  return `${Math.round((samples / clock.seconds) * 10) / 10}/s`;
}

/** "10 s (run); a sample = 10 ms of CPU on one thread" */
export function clockLine(summary: ProfileSummary, job: JobMetricsSnapshot | undefined): string {
  const clock = profileClock(summary, job);
  const interval = SAMPLE_INTERVAL_MS[summary.mode];
  const unit =
    interval === undefined
      ? summary.mode === 'ALLOC'
        ? 'a sample = one TLAB refill or outside-TLAB allocation; rates in samples/s'
        : 'a sample = one contended lock entry; rates in entries/s'
      : `a sample = ${interval} ms of ${summary.mode === 'WALL' ? 'wall-clock time' : 'CPU'} on one thread; ms/s = thread time per second (1000 = one thread all the time)`;
  return `Duration: ${Math.round(clock.seconds * 10) / 10} s (${clock.source}); ${unit}`;
}

function operatorOf(summary: ProfileSummary, site: Pick<CostSite, 'operator' | 'userFrame' | 'function'>, job: JobMetricsSnapshot | undefined): string | undefined {
  const fn = site.function ?? site.userFrame ?? functionOfOperator(summary, site.operator)?.function;
  return operatorLabel(site.operator, resolveOperator(site.operator, fn, job));
}

export function functionLines(summary: ProfileSummary, count: number, job: JobMetricsSnapshot | undefined): string[] {
  const functions = (summary.attribution?.functions ?? []).slice(0, count);
  if (functions.length === 0) return [];
  return [
    'User functions (operator: function, share of samples, rate):',
    ...functions.map((fn) => {
      const operator = operatorLabel(fn.operator, resolveOperator(fn.operator, fn.function, job));
      return `- ${operator ?? 'no operator'}: ${dotted(fn.function)}, ${pct((fn.samples / Math.max(1, summary.totalSamples)) * 100)}, ${cost(summary, fn.samples, job)}`;
    }),
  ];
}

/** Signal sites first (they name a known pattern), then the hottest leaf sites. */
export function siteLines(summary: ProfileSummary, count: number, job: JobMetricsSnapshot | undefined): string[] {
  const sites = summary.attribution?.sites ?? [];
  const signals = sites.filter((site) => site.kind !== 'self' && site.kind !== 'task-idle');
  const leaves = sites.filter((site) => site.kind === 'self' && (site.task || site.userFrame !== undefined));
  const chosen = [...signals.slice(0, Math.ceil(count / 2)), ...leaves].slice(0, count);
  if (chosen.length === 0) return [];
  return [
    'Attributed hot spots (kind: hot frame <- caller <- nearest user frame [user function] in operator: share, rate):',
    ...chosen.map((site) => {
      const chain = [dotted(site.hotFrame), site.caller && dotted(site.caller), site.userFrame && dotted(site.userFrame)]
        .filter((frame): frame is string => typeof frame === 'string' && frame.length > 0)
        .filter((frame, index, all) => all.indexOf(frame) === index);
      const fn = site.function && site.function !== site.userFrame ? ` [${shortFrame(site.function)}]` : '';
      const operator = operatorOf(summary, site, job);
      return `- ${site.kind}: ${chain.join(' <- ')}${fn}${operator ? ` in ${operator}` : site.task ? '' : ' (not a task thread)'}: ${pct((site.samples / Math.max(1, summary.totalSamples)) * 100)}, ${cost(summary, site.samples, job)}`;
    }),
  ];
}

const round = (value: number | undefined): string => (value === undefined ? '?' : String(Math.round(value)));

function range(subtasks: SubtaskMetrics[], key: 'recordsIn' | 'recordsOut'): string {
  const values = subtasks.map((subtask) => subtask[key]).filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  if (values.length === 0) return '?';
  const min = Math.min(...values);
  const max = Math.max(...values);
  return min === max ? String(min) : `${min}..${max}`;
}

/** Flink's metrics for the job: per vertex busy / back-pressured / idle and records, edges, checkpoints, GC. */
export function jobLines(job: JobMetricsSnapshot | undefined, vertices: number): string[] {
  if (job === undefined || vertices <= 0) return [];
  const seconds = (Date.parse(job.to) - Date.parse(job.from)) / 1000;
  const out = [
    `### Flink job metrics over the profiling window (${Number.isFinite(seconds) ? `${Math.round(seconds)} s` : 'window unknown'}, Flink ${job.flinkVersion})`,
    'Vertices in job-graph order (name | parallelism | busy avg/max ms/s | back-pressured avg/max ms/s | idle avg ms/s | records in | records out, per subtask min..max):',
  ];
  for (const vertex of job.vertices.slice(0, vertices)) {
    const load = vertexLoad(vertex);
    out.push(
      `- ${vertex.name} | ${vertex.parallelism} | ${round(load.busy)}/${round(load.maxBusy)} | ${round(load.backPressured)}/${round(load.maxBackPressured)} | ${round(load.idle)} | ${range(vertex.subtasks, 'recordsIn')} | ${range(vertex.subtasks, 'recordsOut')}`,
    );
  }
  if (job.vertices.length > vertices) out.push(`(${job.vertices.length - vertices} more vertices left out)`);
  const names = new Map(job.vertices.map((vertex) => [vertex.id, vertex.name]));
  if (job.edges.length > 0) out.push(`Edges: ${job.edges.slice(0, vertices).map((edge) => `${names.get(edge.from) ?? edge.from} -> ${names.get(edge.to) ?? edge.to}${edge.shipStrategy ? ` (${edge.shipStrategy})` : ''}`).join('; ')}`);
  const cp = job.checkpoints;
  if (cp) out.push(`Checkpoints: ${cp.completed} completed, ${cp.failed} failed${cp.lastDurationMs !== undefined ? `, last ${cp.lastDurationMs} ms` : ''}${cp.lastSizeBytes !== undefined ? `, ${cp.lastSizeBytes} bytes` : ''}`);
  const gc = job.taskManagers.filter((tm) => tm.gcTimeMsPerSecond !== undefined).slice(0, vertices);
  if (gc.length > 0) out.push(`GC time per TaskManager: ${gc.map((tm) => `${tm.id} ${round(tm.gcTimeMsPerSecond)} ms/s`).join(', ')}`);
  return out;
}
