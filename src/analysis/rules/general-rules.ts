// Rules about the JVM and the runtime rather than one piece of code: GC, JIT warm-up, the network
// stack; plus the always-present overview and the answer for an empty profile.
import { dotted, shortFrame } from '../../flamegraph/frame-kinds.ts';
import { threadMsPerSecond } from '../rates.ts';
import { type Band, bandSeverity, costText, CPU_MODES, formatPercent, milder, type RuleContext, type ScoredFinding } from './context.ts';
import { operatorLabel, resolveOperator } from '../job-graph.ts';

export const GENERAL_THRESHOLDS = {
  gcShare: { medium: 10, high: 25 },
  /** ms of CPU per second in GC threads */
  gcCost: { medium: 150, high: 400 },
  networkShare: { medium: 20, high: 40 },
  networkCost: { medium: 150, high: 400 },
} as const satisfies Record<string, Band>;

/** JIT compilation above this share of CPU samples means the JVM was still warming up (a low finding). */
export const JIT_WARMUP_PERCENT = 15;

/** How many frames and functions the overview names. */
export const OVERVIEW_COUNT = 3;

export function gcFinding(ctx: RuleContext): ScoredFinding | undefined {
  const { summary, job } = ctx;
  const gc = summary.signals?.gc;
  if (!CPU_MODES.has(summary.mode) || gc === undefined) return undefined;
  const samples = gc.samples ?? Math.round((gc.percent * summary.totalSamples) / 100);
  const ms = threadMsPerSecond(samples, summary.mode, ctx.clock) ?? 0;
  const severity = milder(bandSeverity(gc.percent, GENERAL_THRESHOLDS.gcShare), bandSeverity(ms, GENERAL_THRESHOLDS.gcCost));
  if (severity === undefined) return undefined;
  const tm = job?.taskManagers.find((row) => row.id === summary.target);
  return {
    id: 'gc-pressure',
    severity,
    title: `Garbage collection takes ${formatPercent(gc.percent)} of CPU samples`,
    evidence: [
      `${costText(ctx, samples)} in GC threads, VM operations or slow-path allocation (hottest: ${gc.frame})`,
      ...(tm?.gcTimeMsPerSecond !== undefined ? [`Flink reports ${Math.round(tm.gcTimeMsPerSecond)} ms of GC time per second on ${tm.id}`] : []),
    ],
    advice:
      'Find what allocates with an ALLOC profile (`kubectl squirrly profile <deployment> -t ALLOC`), then remove per-record allocations there; ' +
      'give the TaskManager more heap (`taskmanager.memory.task.heap.size`) if the live set is simply large.',
    target: summary.target,
    score: ms / 1000,
  };
}

export function jitWarmupFinding(ctx: RuleContext): ScoredFinding | undefined {
  const { summary } = ctx;
  const jit = summary.signals?.jit;
  if (!CPU_MODES.has(summary.mode) || jit === undefined || jit.percent < JIT_WARMUP_PERCENT) return undefined;
  return {
    id: 'jit-warmup',
    severity: 'low',
    title: `JIT compilation takes ${formatPercent(jit.percent)} of CPU samples`,
    evidence: [`${formatPercent(jit.percent)} of samples are in the JIT compiler threads (${jit.frame})`],
    advice:
      'The JVM was still compiling hot code, which happens in the first minutes after a (re)start; it skews every other share in this profile. ' +
      'Profile again once the job has run under load for a while.',
    target: summary.target,
    score: 0,
  };
}

export function networkFinding(ctx: RuleContext): ScoredFinding | undefined {
  const { summary } = ctx;
  if (!CPU_MODES.has(summary.mode)) return undefined;
  const percent = summary.categories.network;
  const ms = threadMsPerSecond((percent * summary.totalSamples) / 100, summary.mode, ctx.clock) ?? 0;
  const severity = milder(bandSeverity(percent, GENERAL_THRESHOLDS.networkShare), bandSeverity(ms, GENERAL_THRESHOLDS.networkCost));
  if (severity === undefined) return undefined;
  return {
    id: 'network-heavy',
    severity,
    title: `The network stack takes ${formatPercent(percent)} of CPU samples`,
    evidence: [`network category (Netty, Flink io.network): ${formatPercent(percent)}, ${costText(ctx, (percent * summary.totalSamples) / 100)}`, `serialization category: ${formatPercent(summary.categories.serialization)}`],
    advice:
      'Much CPU goes into moving records between tasks. Avoid shuffles where possible (operator chaining, no needless keyBy/rebalance), shrink records early (project fields), ' +
      'raise `execution.buffer-timeout` (e.g. 100 ms) to send fuller buffers if latency allows.',
    target: summary.target,
    score: ms / 1000,
  };
}

/** Always present: where the samples go — the hottest user functions with their operators, and the top self frames. */
export function overviewFinding(ctx: RuleContext): ScoredFinding {
  const { summary } = ctx;
  const functions = (summary.attribution?.functions ?? []).slice(0, OVERVIEW_COUNT).map((fn) => {
    const operator = operatorLabel(fn.operator, resolveOperator(fn.operator, fn.function, ctx.job));
    return `${shortFrame(fn.function)}${operator ? ` (operator ${operator})` : ''}: ${formatPercent((fn.samples / Math.max(1, summary.totalSamples)) * 100)} of samples, ${costText(ctx, fn.samples)}`;
  });
  const frames = summary.topSelf.slice(0, OVERVIEW_COUNT).map((frame) => `${frame.name}: ${formatPercent(frame.percent)} self (${frame.category})`);
  const names = summary.topSelf.slice(0, OVERVIEW_COUNT).map((frame) => dotted(frame.name));
  return {
    id: 'top-self-frames',
    severity: 'info',
    title: `Top self frames on ${summary.target} (${summary.mode}, ${summary.totalSamples} samples)`,
    evidence: [...frames, ...functions.map((line) => `user function ${line}`)],
    advice: names.length === 0 ? 'No frame has self samples.' : `Start reading the flame graph at ${names.join(', ')}.`,
    target: summary.target,
    score: 0,
  };
}

/** Nothing sampled is an answer too: for LOCK it means no contention during the run. */
export function noSamplesFinding(ctx: RuleContext): ScoredFinding {
  const { summary } = ctx;
  const advice: Record<string, string> = {
    LOCK: 'No thread waited on a contended lock during the run: locking is not the bottleneck. Profile CPU/ITIMER or WALL to see where the time goes.',
    ALLOC: 'No allocation was sampled: the job allocated little during the run, or it was idle. Profile longer or while the job is under load.',
  };
  return {
    id: 'no-samples',
    severity: 'info',
    title: `No samples were recorded on ${summary.target} (${summary.mode})`,
    evidence: ['the flame graph holds 0 samples'],
    advice: advice[summary.mode] ?? 'The profiler saw no activity: profile longer, while the job is busy, or in WALL mode to see waiting threads.',
    target: summary.target,
    score: 0,
  };
}
