// One small interface, many backends (builtin rules, OpenAI-compatible endpoints).
import type { ComparisonSummary, ProfileSummary } from '../flamegraph/types.ts';
import type { JobMetricsSnapshot } from '../flink/job-metrics.ts';

export type Severity = 'high' | 'medium' | 'low' | 'info';

/** A rule-based observation with the numbers that support it and what to do. */
export interface Finding {
  id: string;
  severity: Severity;
  title: string;
  /** percentages and frames that support the finding */
  evidence: string[];
  /** concrete Flink advice */
  advice: string;
  /** which target it concerns, when it concerns one */
  target?: string;
  /** where the cost is, when the rule could tell */
  attribution?: FindingAttribution;
}

/** The code behind a finding: the hot frame, the user function above it and the operator it runs in. */
export interface FindingAttribution {
  /** the frame the cost is in (dot form), e.g. java.util.regex.Pattern.compile */
  hotFrame: string;
  /** the user function the operator calls (map, flatMap, processElement, ...) that leads to the hot frame (dot form) */
  userFunction?: string;
  /** the nearest user-code frame above the hot frame, when it is not the user function itself (dot form) */
  userFrame?: string;
  /** the Flink operator: its name from the job graph when known, else its kind and chain position */
  operator?: string;
  /** the job-graph vertex the operator is chained into, when the job metrics name it */
  vertex?: string;
  /** from the task's entry to the hot frame; "…" marks frames that only pass records along */
  path?: string[];
}

export interface AnalysisInput {
  summaries: ProfileSummary[];
  comparison?: ComparisonSummary;
  /** builtin findings, computed first and given to every provider */
  findings: Finding[];
  /** Flink's own metrics for the job over the profiling window, when they were captured */
  jobMetrics?: JobMetricsSnapshot;
  /** `diff`: how these profiles (NEW) compare with an earlier run, as text, and the frame names it mentions */
  diff?: { text: string; frames: string[] };
}

export interface AnalysisResult {
  provider: string;
  model?: string;
  /** the whole answer as markdown (what `.analysis.md` receives) */
  markdown: string;
  /** true when the stream was cut: the markdown is what arrived */
  partial: boolean;
  /** why it is partial, for the note in `.analysis.md`, e.g. "the stream was cut" */
  partialReason?: string;
  /** the user interrupted the stream (Ctrl-C, SIGTERM): the partial answer is kept, then the command stops */
  interrupted?: boolean;
  /** tokens of the request, as counted before sending */
  requestTokens?: number;
  /** share (0..100) of all self samples covered by the frames listed in the request */
  selfCoveragePercent?: number;
}

export interface AnalysisProvider {
  readonly name: string;
  /** `onText` receives the answer as it streams; the promise resolves with the whole answer. */
  analyze(input: AnalysisInput, onText: (chunk: string) => void, signal?: AbortSignal): Promise<AnalysisResult>;
}
