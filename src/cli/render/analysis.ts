// How an analysis looks: in text mode the answer streams to stdout under a header and ends with
// where it was saved; with -o json it is one object inside the command's document.
import { relativePath } from './format.ts';
import type { MarkdownStream } from './markdown.ts';
import type { ChalkInstance } from 'chalk';
import type { Finding } from '../../analysis/provider.ts';
import type { AnalyzeOutcome } from '../../workflow/analyze.ts';
import { handleEvent, type EventHandlers, type WorkflowEvent } from '../../workflow/events.ts';
import { escapedEvent, escapedText } from './untrusted.ts';

/** JSON view of an analysis, for `-o json`. */
export interface AnalysisJson {
  provider: string;
  model: string | null;
  file: string | null;
  failed: boolean;
  partial: boolean;
  error: string | null;
  requestTokens: number | null;
  findings: Finding[];
  summaries: string[];
  collapsed: string[];
}

export function analysisJson(outcome: AnalyzeOutcome): AnalysisJson {
  return {
    provider: outcome.provider,
    model: outcome.result?.model ?? null,
    file: outcome.written.analysis ?? null,
    failed: outcome.analysisFailed,
    partial: outcome.result?.partial ?? false,
    error: outcome.error?.message ?? null,
    requestTokens: outcome.result?.requestTokens ?? null,
    findings: outcome.findings,
    summaries: outcome.written.summaries,
    collapsed: outcome.written.collapsed,
  };
}

export interface AnalysisText {
  /** the events that shape stdout: the header before the answer, the file after it */
  emit(event: WorkflowEvent): void;
  /** the answer as it streams */
  text(chunk: string): void;
  /** after the step: close the answer and say where it was saved */
  end(): void;
}

/**
 * The answer on stdout; silent when `enabled` is false (-o json prints the document instead). With
 * `markdown` (a terminal) the answer is drawn block by block instead of shown as Markdown source.
 */
export function analysisText(stdout: { write(text: string): unknown }, chalk: ChalkInstance, enabled: boolean, markdown?: MarkdownStream): AnalysisText {
  let streamed = false;
  let savedTo: string | undefined;
  const write = (s: string): void => {
    if (enabled) stdout.write(s);
  };
  const handlers: EventHandlers<void> = {
    provider: (e) => write(`\n${chalk.bold(`Analysis (${e.provider}${e.model ? `, ${e.model}` : ''})`)}\n\n`),
    wrote: (e) => {
      if (e.kind === 'analysis') savedTo = e.path;
    },
    step: () => {}, warning: () => {}, plan: () => {}, target: () => {}, countdown: () => {}, retry: () => {}, saved: () => {},
    parsed: () => {}, findings: () => {}, request: () => {}, 'analysis-failed': () => {}, check: () => {},
    'series-run': () => {}, 'series-wait': () => {}, 'series-skip': () => {}, 'series-failed': () => {},
  };
  return {
    emit: (event) => handleEvent(handlers, escapedEvent(event)),
    text(chunk) {
      if (!enabled) return;
      streamed = true;
      // the answer is model text: its lines are kept, any control character shown escaped
      const safe = escapedText(chunk);
      stdout.write(markdown ? markdown.push(safe) : safe);
    },
    end() {
      if (markdown) write(markdown.end());
      if (streamed) write('\n');
      if (savedTo) write(`\n${chalk.dim(`analysis saved to ${relativePath(savedTo)}`)}\n`);
    },
  };
}
