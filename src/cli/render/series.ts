// profile --every on screen: the series' own lines (a run starts, the wait for the next slot, a
// skipped slot, a failed run) for the progress renderers, and the few trend lines after each run.
import type { ChalkInstance } from 'chalk';
import type { TrendComparison, SeriesTrend } from '../../workflow/series-trend.ts';
import type { EventHandlers } from '../../workflow/events.ts';

type SeriesEvents = 'series-run' | 'series-wait' | 'series-skip' | 'series-failed';

export function seriesLines(chalk: ChalkInstance): Pick<EventHandlers<string>, SeriesEvents> {
  return {
    'series-run': (e) => chalk.bold(`series: run ${e.run}, slot ${e.slot} of ${e.slots}`),
    'series-wait': (e) => `series: next run (slot ${e.slot} of ${e.slots}) at ${clock(e.at)}, in ${e.seconds}s`,
    'series-skip': (e) => `${chalk.yellow('series: skipped')} slot ${e.slot} of ${e.slots} (due ${clock(e.due)}): ${e.reason}`,
    'series-failed': (e) => `${chalk.red(`series: run ${e.run} (slot ${e.slot}) failed:`)} ${e.message}${e.hint ? `\n${chalk.yellow('hint:')} ${e.hint}` : ''}`,
  };
}

/** hh:mm:ss UTC of an ISO time */
function clock(iso: string): string {
  return `${iso.slice(11, 19)} UTC`;
}

/** The trend after a run: one line against the first run, one against the previous when that is another. */
export function trendText(trend: SeriesTrend, chalk: ChalkInstance): string {
  const lines = [chalk.bold('Trend')];
  lines.push(`  vs run ${trend.first.against.run} (first${trend.previous ? '' : ' and previous'}): ${comparisonText(trend.first)}`);
  if (trend.previous) lines.push(`  vs run ${trend.previous.against.run} (previous): ${comparisonText(trend.previous)}`);
  return `${lines.join('\n')}\n`;
}

function comparisonText(c: TrendComparison): string {
  const parts: string[] = [];
  if (c.rateChangePercent !== null) parts.push(`samples ${signed(c.rateChangePercent)}% ${c.unit === 'samples/s per target' ? 'per second per target' : 'per target'}`);
  if (c.categories.length > 0) parts.push(c.categories.map((s) => `${s.key} ${s.basePercent.toFixed(1)}% → ${s.newPercent.toFixed(1)}%`).join(', '));
  if (c.appeared.length > 0) parts.push(`new: ${c.appeared.map((f) => `${f.title} (${f.severity})`).join('; ')}`);
  if (c.gone.length > 0) parts.push(`gone: ${c.gone.map((f) => f.title).join('; ')}`);
  if (c.categories.length === 0 && c.appeared.length === 0 && c.gone.length === 0) parts.push('no category or finding changed');
  return parts.join('; ');
}

function signed(n: number): string {
  return `${n > 0 ? '+' : ''}${n.toFixed(0)}`;
}
