// The three steps of profiling the planned targets, each returning what it found per target:
// trigger every target, wait for the runs Flink accepted, download the runs that finished.
import type { ProfilingMode } from '../flamegraph/types.ts';
import { failureOf, InterruptedError, type Failure } from '../errors.ts';
import { listProfiling, triggerProfiling } from '../flink/profiler-api.ts';
import { FlinkRestError, type FlinkRestClient } from '../flink/rest-client.ts';
import type { ProfilingInfo } from '../flink/types.ts';
import type { Cluster } from '../kube/cluster.ts';
import { sleep } from '../sleep.ts';
import { mapSettled } from './concurrency.ts';
import type { Emit } from './events.ts';
import { fetchArtifact, type Fetched } from './fetch-artifact.ts';
import { FIRST_POLL_MS, nextPollDelay, pollSchedule, pollStep } from './poll-schedule.ts';
import type { RestTransport } from './rest-transport.ts';
import { failureAdvice } from './run-messages.ts';
import type { PlannedTarget } from './targets.ts';

/** What the steps share: the open REST client and how the runs were asked for. */
export interface RunContext {
  client: FlinkRestClient;
  transport: RestTransport;
  mode: ProfilingMode;
  duration: number;
  concurrency: number;
  signal?: AbortSignal;
  emit: Emit;
}

export type TriggerResult = { status: 'running'; run: ProfilingInfo } | { status: 'failed'; failure: Failure };

/** Triggers every target (bounded concurrency); an immediate FAILED carries Flink's reason and its fix. */
export async function triggerAll(targets: readonly PlannedTarget[], ctx: RunContext): Promise<Map<PlannedTarget, TriggerResult>> {
  const results = new Map<PlannedTarget, TriggerResult>();
  await mapSettled(targets, ctx.concurrency, async (t) => {
    const { result, shown } = await triggerOne(t, ctx);
    results.set(t, result);
    if (result.status === 'running') ctx.emit({ type: 'target', label: t.label, state: 'running' });
    else ctx.emit({ type: 'target', label: t.label, state: 'failed', message: shown ?? result.failure.message });
  });
  // an aborted trigger fails like a refused one: the interrupt, not the failure, is the outcome
  if (ctx.signal?.aborted) throw new InterruptedError();
  return results;
}

/** `shown` is what the progress says when it is shorter than the outcome's message. */
async function triggerOne(t: PlannedTarget, ctx: RunContext): Promise<{ result: TriggerResult; shown?: string }> {
  const { mode, duration } = ctx;
  try {
    const run = await triggerProfiling(ctx.client, t.target, mode, duration);
    if (run.status !== 'FAILED') return { result: { status: 'running', run } };
    const advice = failureAdvice(mode, run.message ?? '');
    const failure = { message: `Flink refused to start ${mode} profiling: ${run.message ?? 'no message'}`, ...(advice ? { hint: advice } : {}) };
    return { result: { status: 'failed', failure }, shown: run.message ?? 'FAILED' };
  } catch (err) {
    // a refusal of the transport itself (e.g. services/proxy allowed for get but not create)
    const refused = err instanceof FlinkRestError && (err.status === 401 || err.status === 403) ? await ctx.transport.diagnose() : undefined;
    const message = refused
      ? undefined
      : err instanceof FlinkRestError && err.text.includes('still under profiling')
        ? `${t.label} is already being profiled by someone else`
        : err instanceof FlinkRestError && err.text.includes('must be set between')
          ? `Flink rejected --duration ${duration}: ${err.message}`
          : failureOf(err).message;
    return { result: { status: 'failed', failure: refused ? failureOf(refused) : { message: message! } } };
  }
}

export type RunEnd = { status: 'finished'; run: ProfilingInfo & { outputFile: string } } | { status: 'failed'; failure: Failure };

export interface WaitOptions {
  /** how long past the duration a run may take to finish; default max(15 s, 20%) */
  graceSeconds?: number;
  /** first poll interval once the runs are due */
  pollMs?: number;
  /** where the user can fetch a run that outlived the grace period */
  laterHint: string;
}

/**
 * Counts down to the end of the runs, then polls each one's history until it is FINISHED or
 * FAILED, as `pollSchedule` says; what is still running at the deadline fails.
 */
export async function waitForRuns(runs: ReadonlyMap<PlannedTarget, ProfilingInfo>, total: number, ctx: RunContext, options: WaitOptions): Promise<Map<PlannedTarget, RunEnd>> {
  const { emit, signal } = ctx;
  const ends = new Map<PlannedTarget, RunEnd>();
  const schedule = pollSchedule(Date.now(), ctx.duration, options.graceSeconds);
  const pending = new Set(runs.keys());
  let pollMs = options.pollMs ?? FIRST_POLL_MS;
  while (pending.size > 0) {
    if (signal?.aborted) throw new InterruptedError();
    const step = pollStep(schedule, Date.now());
    emit({ type: 'countdown', remainingSeconds: step.kind === 'wait' ? step.remainingSeconds : 0, running: pending.size, done: total - pending.size, total });
    if (step.kind === 'wait') {
      await sleep(step.sleepMs, signal);
      continue;
    }
    if (step.kind === 'expired') {
      for (const t of pending) {
        const failure = { message: `the run did not finish within ${schedule.limitSeconds}s`, hint: options.laterHint };
        ends.set(t, { status: 'failed', failure });
        emit({ type: 'target', label: t.label, state: 'failed', message: failure.message });
      }
      break;
    }
    await mapSettled([...pending], ctx.concurrency, async (t) => {
      const end = runEnd(matchRun(await listProfiling(ctx.client, t.target), runs.get(t)!), ctx.mode);
      if (!end) return;
      pending.delete(t);
      ends.set(t, end);
      if (end.status === 'finished') emit({ type: 'target', label: t.label, state: 'finished' });
      else emit({ type: 'target', label: t.label, state: 'failed', message: end.failure.message });
    });
    if (pending.size > 0) {
      await sleep(pollMs, signal);
      pollMs = nextPollDelay(pollMs);
    }
  }
  return ends;
}

/** undefined while the run is still going (or not listed yet). */
function runEnd(entry: ProfilingInfo | undefined, mode: ProfilingMode): RunEnd | undefined {
  if (!entry || entry.status === 'RUNNING') return undefined;
  if (entry.status === 'FINISHED' && entry.outputFile) return { status: 'finished', run: { ...entry, outputFile: entry.outputFile } };
  const advice = failureAdvice(mode, entry.message ?? '');
  return { status: 'failed', failure: { message: `the run ended ${entry.status}: ${entry.message ?? 'no message'}`, ...(advice ? { hint: advice } : {}) } };
}

/** This run's entry: the one with our trigger time; Flink adds newest first. */
export function matchRun(list: ProfilingInfo[], ours: ProfilingInfo): ProfilingInfo | undefined {
  if (typeof ours.triggerTime === 'number') {
    const exact = list.find((e) => e.triggerTime === ours.triggerTime);
    if (exact) return exact;
  }
  // No usable trigger time: the newest entry of our mode that is not older than ours.
  return list.find((e) => e.mode === ours.mode && (typeof ours.triggerTime !== 'number' || (e.triggerTime ?? 0) >= ours.triggerTime));
}

export type DownloadResult = { status: 'saved'; fetched: Fetched } | { status: 'failed'; failure: Failure };

/** Downloads every finished run; each file is on disk, complete, before analysis starts. */
export async function downloadAll(
  files: ReadonlyMap<PlannedTarget, string>,
  cluster: Cluster,
  ctx: RunContext,
  where: { dir: string; podDirs: string[]; maxBytes?: number },
): Promise<Map<PlannedTarget, DownloadResult>> {
  const { emit, signal } = ctx;
  const results = new Map<PlannedTarget, DownloadResult>();
  await mapSettled([...files], Math.min(ctx.concurrency, 16), async ([t, fileName]) => {
    emit({ type: 'target', label: t.label, state: 'downloading' });
    try {
      const fetched = await fetchArtifact({
        client: ctx.client,
        cluster,
        target: t.target,
        fileName,
        dir: where.dir,
        ...(t.pod ? { pod: t.pod } : {}),
        podDirs: where.podDirs,
        ...(where.maxBytes !== undefined ? { maxBytes: where.maxBytes } : {}),
        ...(signal ? { signal } : {}),
        onRetry: (attempt, reason) => emit({ type: 'retry', what: `download of ${fileName} from ${t.label}`, attempt, reason }),
      });
      results.set(t, { status: 'saved', fetched });
      emit({ type: 'saved', label: t.label, path: fetched.path, bytes: fetched.bytes, via: fetched.via, ...(fetched.existing ? { existing: fetched.existing } : {}) });
      emit({ type: 'target', label: t.label, state: 'saved' });
    } catch (err) {
      const failure = failureOf(err);
      results.set(t, { status: 'failed', failure });
      emit({ type: 'target', label: t.label, state: 'failed', message: failure.message });
    }
  });
  if (signal?.aborted) throw new InterruptedError();
  return results;
}
