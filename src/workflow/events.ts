// Typed progress of every workflow (profile, artifacts, analysis, doctor). Workflows only emit
// these; the CLI decides how they look (spinner, timestamped lines, JSON lines, nothing with -q).
// Renderers are tables with one handler per kind (EventHandlers), so a new kind added here fails
// typecheck until every renderer says how it looks.
import type { RequestInfo } from '../analysis/openai.ts';
import type { Finding } from '../analysis/provider.ts';
import type { ProviderName } from '../analysis/select-provider.ts';
import type { ProfilingMode } from '../flamegraph/types.ts';

export type TargetState = 'pending' | 'triggered' | 'running' | 'finished' | 'downloading' | 'saved' | 'failed';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** Each event kind and what it carries besides its `type`. */
export interface WorkflowEventMap {
  step: { message: string };
  warning: { message: string; hint?: string };
  plan: { targets: Array<{ label: string; pod?: string }>; mode: string; duration: number };
  target: { label: string; state: TargetState; message?: string };
  /** emitted about once a second while runs are in progress */
  countdown: { remainingSeconds: number; running: number; done: number; total: number };
  retry: { what: string; attempt: number; reason: string };
  /** `existing`: the name was taken, by the same bytes (kept, nothing written) or others (saved as `-N`) */
  saved: { label: string; path: string; bytes: number; via: 'rest' | 'exec'; existing?: 'identical' | 'kept-both' };
  /** analysis: one flame graph read and summarised */
  parsed: { path: string; target: string; mode: ProfilingMode | 'UNKNOWN'; totalSamples: number; frameCount: number };
  wrote: { kind: 'summary' | 'collapsed' | 'analysis' | 'pprof' | 'speedscope' | 'diff' | 'report'; path: string };
  findings: { findings: Finding[] };
  provider: { provider: ProviderName; model?: string };
  request: RequestInfo;
  /** the chosen provider failed; the builtin analysis follows on the text stream in its place */
  'analysis-failed': { message: string; hint?: string; partial: boolean };
  /** profile --every: a run of the series starts (1-based, of `slots` in all) */
  'series-run': { run: number; slot: number; slots: number };
  /** profile --every: waiting for the next slot, due `at` (ISO time), `seconds` from now */
  'series-wait': { slot: number; slots: number; at: string; seconds: number };
  /** profile --every: a slot that did not run, and why */
  'series-skip': { slot: number; slots: number; due: string; reason: string };
  /** profile --every: a run that failed; the series goes on */
  'series-failed': { run: number; slot: number; message: string; hint?: string };
  /** doctor: one check's result */
  check: { id: string; title: string; status: CheckStatus; detail: string };
}

export type WorkflowEventType = keyof WorkflowEventMap;

/** One event; WorkflowEvent<'saved'> is the event of one kind. */
export type WorkflowEvent<K extends WorkflowEventType = WorkflowEventType> = { [P in K]: { type: P } & WorkflowEventMap[P] }[K];

export type Emit = (event: WorkflowEvent) => void;

/** One handler per event kind: the shape of a renderer that cannot forget a kind. */
export type EventHandlers<R> = { [K in WorkflowEventType]: (event: WorkflowEvent<K>) => R };

export function handleEvent<K extends WorkflowEventType, R>(handlers: EventHandlers<R>, event: WorkflowEvent<K>): R {
  return handlers[event.type](event);
}
