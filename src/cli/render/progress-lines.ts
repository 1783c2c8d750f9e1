// Progress as timestamped lines (CI logs, pipes, terminals without a width): one formatter per
// event kind; undefined means the kind is not shown as a line (results are printed elsewhere).
import type { ChalkInstance } from 'chalk';
import { handleEvent, type EventHandlers } from '../../workflow/events.ts';
import { existingNote } from './format.ts';
import { seriesLines } from './series.ts';
import type { ProgressOptions, ProgressRenderer } from './progress.ts';

/** A countdown line every 10 s is enough for a log. */
const COUNTDOWN_EVERY_S = 10;

export function lineFormatters(chalk: ChalkInstance, verbose: boolean): EventHandlers<string | undefined> {
  let lastCountdown = Number.POSITIVE_INFINITY;
  const withHint = (text: string, hint: string | undefined): string => (hint ? `${text}\n${chalk.yellow('hint:')} ${hint}` : text);
  return {
    step: (e) => e.message,
    warning: (e) => withHint(`${chalk.yellow('warning:')} ${e.message}`, e.hint),
    plan: (e) => `profiling ${e.targets.length} target(s) with ${e.mode} for ${e.duration}s: ${e.targets.map((t) => t.label).join(', ')}`,
    target: (e) => `${e.label}: ${e.state}${e.message ? ` (${e.message})` : ''}`,
    countdown: (e) => {
      if (e.remainingSeconds <= 0 || lastCountdown - e.remainingSeconds < COUNTDOWN_EVERY_S) return undefined;
      lastCountdown = e.remainingSeconds;
      return `${e.remainingSeconds}s left, ${e.running} running, ${e.done}/${e.total} done`;
    },
    retry: (e) => `retrying ${e.what} (attempt ${e.attempt + 1}): ${e.reason}`,
    saved: (e) => `saved ${e.path} (${e.bytes} bytes via ${e.via}${e.existing ? `; ${existingNote(e.existing)}` : ''})`,
    parsed: () => undefined,
    wrote: () => undefined,
    findings: () => undefined,
    // the analysis header goes to stdout with the answer
    provider: () => undefined,
    request: (e) => (verbose ? chalk.dim(`request: ${e.tokens} tokens (budget ${e.budget})`) : undefined),
    'analysis-failed': (e) => withHint(`${chalk.red('error:')} ${e.message}`, e.hint),
    // doctor prints its checks as the result
    check: () => undefined,
    ...seriesLines(chalk),
  };
}

export function plainProgress({ stream, chalk, verbose }: Pick<ProgressOptions, 'chalk' | 'verbose'> & { stream: { write(text: string): unknown } }): ProgressRenderer {
  const formatters = lineFormatters(chalk, verbose);
  return {
    emit(event) {
      const text = handleEvent(formatters, event);
      if (text === undefined) return;
      const stamp = chalk.dim(new Date().toISOString().slice(11, 19));
      stream.write(text.split('\n').map((line) => `${stamp} ${line}\n`).join(''));
    },
    stop() {},
  };
}
