// Wording for profiling runs that cannot start or are already running, with the fix.
import { SquirrlyError } from '../errors.ts';
import type { ProfilingMode } from '../flamegraph/types.ts';
import type { ProfilingInfo } from '../flink/types.ts';

/** The fix for Flink's known start failures. */
export function failureAdvice(mode: ProfilingMode, message: string): string | undefined {
  if (/perf events|perf_event/i.test(message)) {
    return 'CPU mode needs perf_events, which this container does not allow; use --type ITIMER (same CPU view, no perf_events needed)';
  }
  if (/AllocTracer|debug symbols/i.test(message)) {
    return 'ALLOC mode needs JDK debug symbols in the image; use --type ITIMER or WALL, or add the JDK debug symbols to the Flink image';
  }
  if (/still under profiling/i.test(message)) return 'another run is in progress on this process; wait for it to end';
  if (mode === 'CPU') return 'try --type ITIMER';
  return undefined;
}

export function runningElsewhere(label: string, entry: ProfilingInfo): string {
  const start = typeof entry.triggerTime === 'number' ? new Date(entry.triggerTime) : undefined;
  const end = start && typeof entry.duration === 'number' ? new Date(start.getTime() + entry.duration * 1000) : undefined;
  const when = start ? ` since ${start.toISOString().slice(11, 19)} UTC` : '';
  const until = end ? `, until about ${end.toISOString().slice(11, 19)} UTC` : '';
  return `${label} is already being profiled (${entry.mode ?? '?'} run${when}${until}); Flink allows one run per process`;
}

/** A target already has a run going (ours from before, or someone else's): nothing was triggered. */
export class ProfilerBusyError extends SquirrlyError {
  constructor(message: string, hint: string) {
    super(message, { hint });
    this.name = 'ProfilerBusyError';
  }
}
