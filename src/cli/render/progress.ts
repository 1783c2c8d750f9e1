// Where workflow events go on stderr: a spinner on a terminal, timestamped lines in logs and pipes,
// one JSON object per line for tools (--progress json), nothing with --quiet.
import type { ChalkInstance } from 'chalk';
import type { Emit } from '../../workflow/events.ts';
import { jsonProgress } from './progress-json.ts';
import { plainProgress } from './progress-lines.ts';
import type { ProgressStyle } from './progress-styles.ts';


export interface ProgressRenderer {
  emit: Emit;
  /** stop the spinner (before printing results); events after this still print as lines */
  stop(): void;
  /** make way for another program on the terminal (a credential helper's prompt), then come back */
  pause?(): void;
  resume?(): void;
}

export interface ProgressOptions {
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  style: ProgressStyle;
  /** no human progress; JSON progress was asked for explicitly and still flows */
  quiet: boolean;
  verbose: boolean;
  chalk: ChalkInstance;
}

/**
 * A spinner needs a terminal with a width: a pseudo-terminal that reports 0 columns (script(1),
 * some CI runners, editor shells) makes ora redraw without end, so it gets plain lines too.
 */
export function canSpin(stream: ProgressOptions['stream']): boolean {
  return stream.isTTY === true && (stream.columns ?? 0) > 0;
}

export async function createProgress(options: ProgressOptions): Promise<ProgressRenderer> {
  if (options.style === 'json') return jsonProgress(options.stream);
  if (options.quiet) return { emit: () => {}, stop: () => {} };
  if (options.style === 'plain' || !canSpin(options.stream)) return plainProgress(options);
  const { spinnerProgress } = await import('./progress-spinner.ts');
  return spinnerProgress(options);
}
