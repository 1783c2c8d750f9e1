// The trend of a series of runs: each run compared with the first and with the one before it by
// the diff analysis (the same comparison `diff` makes), kept short: how the samples per target
// moved, the category shares that moved most, and the findings that appeared or went away.
import { diffProfiles, type DiffSide, type DiffUnit, type FindingRef, type ShareChange } from '../analysis/diff.ts';
import type { Category } from '../flamegraph/types.ts';
import { readSide } from './diff.ts';

/** a category share that moved less than this many percentage points is not a trend */
const MIN_CATEGORY_POINTS = 1;
/** categories named per comparison */
const TOP_CATEGORIES = 3;

export interface TrendRun {
  /** 1-based: which run of the series, and which slot of its schedule */
  run: number;
  slot: number;
}

/** One comparison: this run against an earlier one. */
export interface TrendComparison {
  against: TrendRun;
  unit: DiffUnit;
  /** the change of samples per target, in percent; null without samples before */
  rateChangePercent: number | null;
  /** the shares that moved most, largest move first */
  categories: Array<ShareChange<Category>>;
  /** findings (not the overviews) that this run has and the earlier one had not, and the other way round */
  appeared: FindingRef[];
  gone: FindingRef[];
}

export interface SeriesTrend {
  first: TrendComparison;
  /** absent when the previous run is the first */
  previous?: TrendComparison;
}

interface ReadRun extends TrendRun {
  side: DiffSide;
}

/** Keeps the first and the previous run's reading (not their graphs) and compares each new run with both. */
export class SeriesTrendTracker {
  private first: ReadRun | undefined;
  private previous: ReadRun | undefined;

  /** Reads the run's flame graphs and compares; undefined for the first run read. */
  async add(run: TrendRun, files: string[], signal?: AbortSignal): Promise<SeriesTrend | undefined> {
    // every run of a series profiles for the same --duration: compared per target, not per second
    // of the job metrics' window, whose length varies with how long Flink's metric store took
    const { seconds: _window, ...side } = (await readSide({ label: `run ${run.run}`, files }, signal, () => {})).side;
    const current: ReadRun = { ...run, side };
    const { first, previous } = this;
    this.previous = current;
    if (first === undefined || previous === undefined) {
      this.first = current;
      return undefined;
    }
    const trend: SeriesTrend = { first: compare(first, current) };
    if (previous !== first) trend.previous = compare(previous, current);
    return trend;
  }
}

function compare(before: ReadRun, after: ReadRun): TrendComparison {
  const diff = diffProfiles(before.side, after.side);
  const categories = diff.categories
    .filter((c) => Math.abs(c.newPercent - c.basePercent) >= MIN_CATEGORY_POINTS)
    .sort((a, b) => Math.abs(b.newPercent - b.basePercent) - Math.abs(a.newPercent - a.basePercent) || a.key.localeCompare(b.key))
    .slice(0, TOP_CATEGORIES);
  return {
    against: { run: before.run, slot: before.slot },
    unit: diff.unit,
    rateChangePercent: diff.base.rate > 0 ? Math.round((diff.new.rate / diff.base.rate - 1) * 1000) / 10 : null,
    categories,
    appeared: diff.findings.introduced,
    gone: diff.findings.fixed,
  };
}
