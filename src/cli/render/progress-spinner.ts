// Progress on a terminal: one ora spinner with the countdown and each target's state. Warnings and
// failures are printed above it as lines. One handler per event kind.
import ora from 'ora';
import { handleEvent, type EventHandlers, type TargetState } from '../../workflow/events.ts';
import type { ProgressOptions, ProgressRenderer } from './progress.ts';
import { seriesLines } from './series.ts';

const SYMBOL: Record<TargetState, string> = {
  pending: '·', triggered: '›', running: '●', finished: '✓', downloading: '↓', saved: '✔', failed: '✗',
};

/** More targets than this: counts per state instead of a wall of names. */
const MAX_NAMED_TARGETS = 6;

export function spinnerProgress({ chalk, stream, verbose }: ProgressOptions): ProgressRenderer {
  const spinner = ora({ stream, discardStdin: false });
  const series = seriesLines(chalk);
  const states = new Map<string, TargetState>();
  let header = '';
  let countdown = '';
  let paused = false;
  /** the answer streams on stdout from the provider event on: a spinner redrawn there would overwrite its lines */
  let answering = false;
  const paint = (state: TargetState, text: string): string =>
    state === 'failed' ? chalk.red(text) : state === 'saved' ? chalk.green(text) : state === 'running' ? chalk.cyan(text) : text;
  const above = (text: string): void => {
    // clearing a stopped spinner would wipe the line the answer is streaming on
    if (spinner.isSpinning) spinner.clear();
    stream.write(`${text}\n`);
  };
  const withHint = (text: string, hint: string | undefined): string => (hint ? `${text}\n${chalk.yellow('hint:')} ${hint}` : text);
  const handlers: EventHandlers<void> = {
    step: (e) => {
      if (!spinner.isSpinning && !answering) spinner.start();
      header = e.message;
    },
    warning: (e) => above(withHint(`${chalk.yellow('warning:')} ${e.message}`, e.hint)),
    plan: (e) => {
      header = `${e.mode} for ${e.duration}s`;
      for (const t of e.targets) states.set(t.label, 'pending');
    },
    target: (e) => {
      states.set(e.label, e.state);
      if (e.state === 'failed' && e.message) above(`${chalk.red('✗')} ${e.label}: ${e.message}`);
    },
    countdown: (e) => {
      countdown = e.remainingSeconds > 0 ? `${e.remainingSeconds}s left` : 'finishing';
    },
    retry: (e) => {
      header = `retrying ${e.what} (${e.attempt})`;
    },
    saved: () => {},
    parsed: () => {},
    wrote: () => {},
    findings: () => {},
    provider: () => {
      answering = true;
      spinner.stop();
    },
    request: (e) => {
      if (verbose) above(chalk.dim(`request: ${e.tokens} tokens (budget ${e.budget})`));
    },
    'analysis-failed': (e) => above(withHint(`${chalk.red('error:')} ${e.message}`, e.hint)),
    check: () => {},
    // a new run of a series: its targets and its answer start afresh
    'series-run': (e) => {
      answering = false;
      states.clear();
      header = '';
      countdown = '';
      above(series['series-run'](e));
    },
    'series-wait': (e) => above(series['series-wait'](e)),
    'series-skip': (e) => above(series['series-skip'](e)),
    'series-failed': (e) => above(series['series-failed'](e)),
  };
  const refresh = (): void => {
    const targets = [...states].map(([label, state]) => paint(state, `${SYMBOL[state]} ${label}`));
    const shown = targets.length > MAX_NAMED_TARGETS ? countsByState(states) : targets.join('  ');
    spinner.text = [header, countdown, shown].filter(Boolean).join(chalk.dim(' │ '));
  };
  return {
    emit(event) {
      handleEvent(handlers, event);
      refresh();
      if (spinner.isSpinning) spinner.render();
    },
    stop() {
      spinner.stop();
    },
    pause() {
      paused = spinner.isSpinning;
      if (paused) spinner.stop();
    },
    resume() {
      if (paused) spinner.start();
      paused = false;
    },
  };
}

function countsByState(states: Map<string, TargetState>): string {
  const counts = new Map<TargetState, number>();
  for (const s of states.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
}
