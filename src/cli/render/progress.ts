// Renders workflow events on stderr: one ora spinner with the countdown and each target's state
// on a TTY, plain timestamped lines otherwise (CI logs, pipes), nothing with --quiet.
import type { ChalkInstance } from 'chalk';
import type { Ora } from 'ora';
import type { ProfileEvent, TargetState } from '../../workflow/events.ts';

export interface ProgressRenderer {
  emit(event: ProfileEvent): void;
  /** stop the spinner (before printing results) */
  stop(): void;
}

export interface ProgressOptions {
  stream: NodeJS.WriteStream;
  quiet: boolean;
  chalk: ChalkInstance;
}

/**
 * A spinner needs a terminal with a width: a pseudo-terminal that reports 0 columns (script(1),
 * some CI runners, editor shells) makes ora redraw without end, so it gets plain lines too.
 */
export function canSpin(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && (stream.columns ?? 0) > 0;
}

export async function createProgress(options: ProgressOptions): Promise<ProgressRenderer> {
  if (options.quiet) return { emit: () => {}, stop: () => {} };
  if (!canSpin(options.stream)) return plainProgress(options);
  const { default: ora } = await import('ora');
  return spinnerProgress(options, ora({ stream: options.stream, discardStdin: false }));
}

const SYMBOL: Record<TargetState, string> = {
  pending: '·', triggered: '›', running: '●', finished: '✓', downloading: '↓', saved: '✔', failed: '✗',
};

function spinnerProgress({ chalk, stream }: ProgressOptions, spinner: Ora): ProgressRenderer {
  const states = new Map<string, TargetState>();
  let header = '';
  let countdown = '';
  const paint = (state: TargetState, text: string): string =>
    state === 'failed' ? chalk.red(text) : state === 'saved' ? chalk.green(text) : state === 'running' ? chalk.cyan(text) : text;
  const refresh = (): void => {
    const targets = [...states].map(([label, state]) => paint(state, `${SYMBOL[state]} ${label}`));
    // Many TaskManagers: show counts instead of a wall of names.
    const shown = targets.length > 6 ? countsByState(states) : targets.join('  ');
    spinner.text = [header, countdown, shown].filter(Boolean).join(chalk.dim(' │ '));
  };
  return {
    emit(event) {
      switch (event.type) {
        case 'step':
          if (!spinner.isSpinning) spinner.start();
          header = event.message;
          break;
        case 'plan':
          header = `${event.mode} for ${event.duration}s`;
          for (const t of event.targets) states.set(t.label, 'pending');
          break;
        case 'target':
          states.set(event.label, event.state);
          if (event.state === 'failed' && event.message) {
            spinner.clear();
            stream.write(`${chalk.red('✗')} ${event.label}: ${event.message}\n`);
          }
          break;
        case 'countdown':
          countdown = event.remainingSeconds > 0 ? `${event.remainingSeconds}s left` : 'finishing';
          break;
        case 'warning':
          spinner.clear();
          stream.write(`${chalk.yellow('warning:')} ${event.message}\n`);
          break;
        case 'retry':
          header = `retrying ${event.what} (${event.attempt})`;
          break;
        case 'saved':
          break;
      }
      refresh();
      if (spinner.isSpinning) spinner.render();
    },
    stop() {
      spinner.stop();
    },
  };
}

function countsByState(states: Map<string, TargetState>): string {
  const counts = new Map<TargetState, number>();
  for (const s of states.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
}

function plainProgress({ stream, chalk }: ProgressOptions): ProgressRenderer {
  let lastCountdown = Number.POSITIVE_INFINITY;
  const line = (text: string): void => {
    stream.write(`${chalk.dim(new Date().toISOString().slice(11, 19))} ${text}\n`);
  };
  return {
    emit(event) {
      switch (event.type) {
        case 'step':
          line(event.message);
          break;
        case 'warning':
          line(`${chalk.yellow('warning:')} ${event.message}`);
          break;
        case 'plan':
          line(`profiling ${event.targets.length} target(s) with ${event.mode} for ${event.duration}s: ${event.targets.map((t) => t.label).join(', ')}`);
          break;
        case 'target':
          line(`${event.label}: ${event.state}${event.message ? ` (${event.message})` : ''}`);
          break;
        case 'countdown':
          // One line every 10 s is enough for a log.
          if (event.remainingSeconds > 0 && lastCountdown - event.remainingSeconds >= 10) {
            lastCountdown = event.remainingSeconds;
            line(`${event.remainingSeconds}s left, ${event.running} running, ${event.done}/${event.total} done`);
          }
          break;
        case 'retry':
          line(`retrying ${event.what} (attempt ${event.attempt + 1}): ${event.reason}`);
          break;
        case 'saved':
          line(`saved ${event.path} (${event.bytes} bytes via ${event.via})`);
          break;
      }
    },
    stop() {},
  };
}
