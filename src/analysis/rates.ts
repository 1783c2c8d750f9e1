// Samples turned into absolute cost per second, so a large share of a tiny amount is not an alarm.
//
// Flink starts async-profiler with `start,event=<mode>` and no interval, so the profiler's defaults
// apply: CPU and ITIMER sample every 10 ms of CPU time per thread, WALL every 50 ms per thread
// (whatever the thread does), ALLOC records every TLAB refill and every allocation outside a TLAB,
// LOCK every contended monitor or lock entry. The flame graph counts samples, not time or bytes.
import type { JobMetricsSnapshot } from '../flink/job-metrics.ts';
import type { ProfileSummary } from '../flamegraph/types.ts';

/** what the profiler samples by default, per mode: ms of thread time a sample stands for */
export const SAMPLE_INTERVAL_MS: Record<string, number | undefined> = { CPU: 10, ITIMER: 10, UNKNOWN: 10, WALL: 50 };

/** Flink's profiler runs last this long unless asked otherwise (the plugin's default duration) */
export const ASSUMED_DURATION_SECONDS = 60;

export interface ProfileClock {
  seconds: number;
  /** where `seconds` comes from, for the evidence */
  source: 'run' | 'job metrics window' | 'assumed';
}

/** How long the profile ran: the run's own duration, else the job metrics' window, else the default. */
export function profileClock(summary: ProfileSummary, jobMetrics?: JobMetricsSnapshot): ProfileClock {
  if (summary.durationSeconds !== undefined && summary.durationSeconds > 0) return { seconds: summary.durationSeconds, source: 'run' };
  const window = jobMetrics ? (Date.parse(jobMetrics.to) - Date.parse(jobMetrics.from)) / 1000 : Number.NaN;
  if (Number.isFinite(window) && window >= 1 && window <= 3600) return { seconds: window, source: 'job metrics window' };
  return { seconds: ASSUMED_DURATION_SECONDS, source: 'assumed' };
}

/** Samples per second of the profile. */
export function perSecond(samples: number, clock: ProfileClock): number {
  return samples / clock.seconds;
}

/**
 * Thread time per second (ms/s) that `samples` stand for in CPU-like and WALL profiles: 1000 is one
 * thread's whole time (one core fully busy in CPU modes). Undefined for ALLOC and LOCK, which count events.
 */
export function threadMsPerSecond(samples: number, mode: ProfileSummary['mode'], clock: ProfileClock): number | undefined {
  const interval = SAMPLE_INTERVAL_MS[mode];
  return interval === undefined ? undefined : (samples * interval) / clock.seconds;
}

export function formatRate(value: number, unit: string): string {
  const shown = value >= 100 ? Math.round(value).toString() : value >= 10 ? value.toFixed(1) : value.toFixed(2);
  return `${shown} ${unit}`;
}

/** "12.3 ms of CPU per second (1.2% of a core)" */
export function describeCpu(msPerSecond: number): string {
  return `${formatRate(msPerSecond, 'ms')} of CPU per second (${((msPerSecond / 1000) * 100).toFixed(1)}% of one core)`;
}

export function describeClock(clock: ProfileClock): string {
  return clock.source === 'assumed' ? `over an assumed ${clock.seconds} s run (the duration was not known)` : `over ${Math.round(clock.seconds * 10) / 10} s (${clock.source})`;
}
