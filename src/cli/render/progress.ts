// Where workflow events go on stderr: a spinner on a terminal, timestamped lines in logs and pipes,
// one JSON object per line for tools (--progress json), nothing with --quiet.
import type { ChalkInstance } from 'chalk';
import { SecretScrubber } from '../../text/secrets.ts';
import type { Emit } from '../../workflow/events.ts';
import { jsonProgress } from './progress-json.ts';
import { plainProgress } from './progress-lines.ts';
import type { ProgressStyle } from './progress-styles.ts';
import { terminalSink } from './terminal-sink.ts';
import { escapedEvent } from './untrusted.ts';


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
  /** blanked in everything shown */
  secrets?: SecretScrubber;
}

/**
 * A spinner needs a terminal with a width: a pseudo-terminal that reports 0 columns (script(1),
 * some CI runners, editor shells) makes ora redraw without end, so it gets plain lines too.
 */
export function canSpin(stream: ProgressOptions['stream']): boolean {
  return stream.isTTY === true && (stream.columns ?? 0) > 0;
}

/**
 * Lines and JSON lines are written through the terminal sink; the spinner writes its own cursor
 * codes, so it gets the stream itself. Human renderers see every event with its fields escaped.
 */
export async function createProgress(options: ProgressOptions): Promise<ProgressRenderer> {
  const secrets = options.secrets ?? new SecretScrubber();
  const sink = terminalSink(options.stream, { colour: options.chalk.level > 0, secrets });
  if (options.style === 'json') return jsonProgress(sink);
  if (options.quiet) return { emit: () => {}, stop: () => {} };
  const renderer = options.style === 'plain' || !canSpin(options.stream) ? plainProgress({ ...options, stream: sink }) : (await import('./progress-spinner.ts')).spinnerProgress(options);
  return { ...renderer, emit: (event) => renderer.emit(escapedEvent(event, (s) => secrets.scrub(s))) };
}
