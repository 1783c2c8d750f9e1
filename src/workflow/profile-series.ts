// Use case: profile again and again on a schedule. The first run starts at once; later runs are
// due every `everyMs` from the first start (a fixed rate, like a CronJob), so a slow run never
// shifts the ones after it. A slot that comes while the previous run is still going, or while Flink
// says a target is already being profiled, is skipped with a line saying so. Each run is whatever
// the caller's `run` does (a whole single `profile`); this file only schedules, waits, and
// compares each saved run with the first and the previous one.
import { failureOf, InterruptedError, SquirrlyError, UsageError, type Failure } from '../errors.ts';
import { sleep } from '../sleep.ts';
import type { Emit } from './events.ts';
import { ProfilerBusyError } from './run-messages.ts';
import { SeriesTrendTracker, type SeriesTrend } from './series-trend.ts';

export interface SeriesPlan {
  everyMs: number;
  /** the series is this many slots (runs plus skipped slots)… */
  count?: number;
  /** …or the slots that start within this long of the first */
  forMs?: number;
}

/** Where a run stands in its series; all 1-based. */
export interface SeriesPosition {
  /** which run (skipped slots are not runs) */
  run: number;
  /** which slot of the schedule */
  slot: number;
  /** how many slots the series has */
  slots: number;
  /** when the slot was due (epoch ms) */
  dueAt: number;
}

/** What the caller's run gave back: the flame graphs it saved, and why none were when it failed. */
export interface SeriesRunResult {
  files: string[];
  failure?: Failure;
}

export interface SeriesRunEnd<R extends SeriesRunResult> {
  position: SeriesPosition;
  /** the run's own result; absent when it threw */
  result?: R;
  /** why the run failed, when it threw */
  failure?: Failure;
  /** against the first and the previous run that saved flame graphs; absent for the first of them */
  trend?: SeriesTrend;
}

export interface SeriesHooks<R extends SeriesRunResult> {
  /** One whole run. InterruptedError ends the series; ProfilerBusyError skips the slot; any other SquirrlyError is a failed run. */
  run(position: SeriesPosition): Promise<R>;
  /** after each run, with its trend */
  ended(end: SeriesRunEnd<R>): void | Promise<void>;
}

export interface SeriesOutcome {
  runs: number;
  skipped: number;
  /** runs that threw or saved nothing */
  failed: number;
}

/** When slot `index` (0-based) is due. */
export function slotDue(plan: SeriesPlan, startedAt: number, index: number): number {
  return startedAt + index * plan.everyMs;
}

/** Whether slot `index` (0-based) belongs to the series. */
export function inSeries(plan: SeriesPlan, index: number): boolean {
  if (plan.count !== undefined) return index < plan.count;
  return index * plan.everyMs < (plan.forMs ?? 0);
}

/** How many slots the series has (count, or the slots that fit in --for). */
export function slotCount(plan: SeriesPlan): number {
  return plan.count ?? Math.ceil((plan.forMs ?? 0) / plan.everyMs);
}

export interface SeriesOptions {
  signal?: AbortSignal;
  /** the hint of the error an interrupt between runs ends the series with */
  stoppedHint?: string;
  /** the clock the schedule reads; Date.now by default */
  now?: () => number;
}

export async function profileSeries<R extends SeriesRunResult>(plan: SeriesPlan, hooks: SeriesHooks<R>, emit: Emit, options: SeriesOptions = {}): Promise<SeriesOutcome> {
  const { signal } = options;
  const now = options.now ?? Date.now;
  const trends = new SeriesTrendTracker();
  const slots = slotCount(plan);
  const startedAt = now();
  const outcome: SeriesOutcome = { runs: 0, skipped: 0, failed: 0 };
  const stopped = (): InterruptedError =>
    new InterruptedError(`interrupted between runs; ${outcome.runs} run(s) of the series done, their files are kept`, options.stoppedHint);

  for (let index = 0; inSeries(plan, index); index++) {
    if (signal?.aborted) throw stopped();
    const dueAt = slotDue(plan, startedAt, index);
    const slot = index + 1;
    const late = now() - dueAt;
    if (late > 0 && index > 0) {
      // the previous run was still going when this slot came
      outcome.skipped++;
      emit({ type: 'series-skip', slot, slots, due: new Date(dueAt).toISOString(), reason: `run ${outcome.runs} was still going` });
      continue;
    }
    if (index > 0) {
      emit({ type: 'series-wait', slot, slots, at: new Date(dueAt).toISOString(), seconds: Math.max(0, Math.round((dueAt - now()) / 1000)) });
      await sleep(dueAt - now(), signal);
    }
    if (signal?.aborted) throw stopped();
    const position: SeriesPosition = { run: outcome.runs + 1, slot, slots, dueAt };
    emit({ type: 'series-run', run: position.run, slot, slots });
    let result: R;
    try {
      result = await hooks.run(position);
    } catch (err) {
      if (err instanceof InterruptedError || signal?.aborted) throw err;
      if (err instanceof ProfilerBusyError) {
        outcome.skipped++;
        emit({ type: 'series-skip', slot, slots, due: new Date(dueAt).toISOString(), reason: err.message });
        continue;
      }
      // a wrong flag or name does not fix itself: the series ends with it
      if (err instanceof UsageError || !(err instanceof SquirrlyError)) throw err;
      outcome.runs++;
      outcome.failed++;
      const failure = failureOf(err);
      emit({ type: 'series-failed', run: position.run, slot, message: failure.message, ...(failure.hint ? { hint: failure.hint } : {}) });
      await hooks.ended({ position, failure });
      continue;
    }
    outcome.runs++;
    if (result.failure) {
      outcome.failed++;
      emit({ type: 'series-failed', run: position.run, slot, message: result.failure.message, ...(result.failure.hint ? { hint: result.failure.hint } : {}) });
    }
    const trend = result.files.length === 0 ? undefined : await readTrend(trends, position, result.files, signal, emit).catch((err: unknown) => {
      throw err instanceof InterruptedError ? stopped() : err;
    });
    await hooks.ended({ position, result, ...(trend ? { trend } : {}) });
  }
  return outcome;
}

/** The trend, or a warning when the run's files cannot be read back (the run itself stands). */
async function readTrend(trends: SeriesTrendTracker, position: SeriesPosition, files: string[], signal: AbortSignal | undefined, emit: Emit): Promise<SeriesTrend | undefined> {
  try {
    return await trends.add({ run: position.run, slot: position.slot }, files, signal);
  } catch (err) {
    if (err instanceof InterruptedError || signal?.aborted) throw err;
    emit({ type: 'warning', message: `no trend for run ${position.run}: ${failureOf(err).message}` });
    return undefined;
  }
}
