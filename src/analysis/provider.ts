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
}

export interface AnalysisInput {
  summaries: ProfileSummary[];
  comparison?: ComparisonSummary;
  /** builtin findings, computed first and given to every provider */
  findings: Finding[];
  /** Flink's own metrics for the job over the profiling window, when they were captured */
  jobMetrics?: JobMetricsSnapshot;
}

export interface AnalysisResult {
  provider: string;
  model?: string;
  /** the whole answer as markdown (what `.analysis.md` receives) */
  markdown: string;
  /** true when the stream was cut: the markdown is what arrived */
  partial: boolean;
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
