// profile's --every, --count and --for: each flag parsed, and together checked into a schedule
// before anything runs (a wrong combination is a usage error, never a series that cannot work).
import { UsageError } from '../../errors.ts';
import type { SeriesPlan } from '../../workflow/profile-series.ts';
import { MAX_TIMEOUT_MS } from '../global-options.ts';
import { goDurationMs } from '../go-duration.ts';
import { parseDecimalInteger } from '../options.ts';

/**
 * What a run needs besides its profiling time (finding the pods, the tunnel, the download, the
 * analysis and the report): --every must leave at least this much, or every other slot is skipped.
 */
export const SERIES_MARGIN_SECONDS = 5;

/** --every, --count and --for as a schedule; undefined without --every. Throws UsageError for every wrong combination. */
export function seriesPlan(args: { every: number | undefined; count: number | undefined; for: number | undefined; duration: number }): SeriesPlan | undefined {
  const { every, count, for: forMs, duration } = args;
  if (every === undefined) {
    if (count !== undefined || forMs !== undefined) {
      throw new UsageError(`${count !== undefined ? '--count' : '--for'} needs --every`, 'repeat runs with e.g. --every 10m --count 6 (or --for 1h)');
    }
    return undefined;
  }
  if (count === undefined && forMs === undefined) throw new UsageError('--every needs --count N or --for DURATION', 'say how long the series runs, e.g. --every 10m --count 6 or --every 10m --for 1h');
  if (count !== undefined && forMs !== undefined) throw new UsageError('--count and --for both bound the series; give one of them', 'e.g. --every 10m --count 6, or --every 10m --for 1h');
  const minimum = (duration + SERIES_MARGIN_SECONDS) * 1000;
  if (every < minimum) {
    throw new UsageError(
      `--every ${seconds(every)} is shorter than a run: each profiles for --duration ${duration}s and needs about ${SERIES_MARGIN_SECONDS}s more to reach the pods, download and analyse`,
      `use --every ${duration + SERIES_MARGIN_SECONDS}s or longer, or a shorter --duration`,
    );
  }
  return { everyMs: every, ...(count !== undefined ? { count } : {}), ...(forMs !== undefined ? { forMs } : {}) };
}

/** A Go duration (10m, 1h30m, 90s) for --every and --for, in milliseconds. */
export function parseSeriesDuration(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const ms = goDurationMs(raw);
  if (ms === undefined || ms < 1000) throw new UsageError(`${flag} must be a duration of at least 1s, got ${JSON.stringify(raw)}`, `e.g. ${flag} 10m, ${flag} 1h30m or ${flag} 90s`);
  if (ms > MAX_TIMEOUT_MS) throw new UsageError(`${flag} ${raw} is longer than the plugin can wait (24 days)`, `use a shorter ${flag}, or a CronJob (kubectl squirrly monitor) for a schedule that long`);
  return Math.round(ms);
}

export function parseSeriesCount(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = parseDecimalInteger(raw);
  if (n === undefined || n < 1) throw new UsageError(`${flag} must be a whole number of at least 1, got ${JSON.stringify(raw)}`, `e.g. ${flag} 6`);
  return n;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}
