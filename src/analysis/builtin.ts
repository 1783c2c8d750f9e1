// The builtin analysis: rule-based findings (findings-rules.ts) merged across targets and ordered
// by severity, and a provider that renders them as markdown without any network.
import type { ComparisonSummary, ProfileSummary } from '../flamegraph/types.ts';
import type { JobMetricsSnapshot } from '../flink/job-metrics.ts';
import { renderBuiltinReport } from './builtin-report.ts';
import { jobFindings, type ScoredFinding, summaryFindings } from './findings-rules.ts';
import type { AnalysisInput, AnalysisProvider, AnalysisResult, Finding, Severity } from './provider.ts';

const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2, info: 3 };

/**
 * All builtin findings, most severe first, then by cost. A rule that fires on several targets becomes
 * one finding with per-target evidence. Job-wide rules (bottleneck, skew) see every summary and the
 * job metrics; `comparison` is not used (skew is judged per function, not on whole-JVM totals).
 */
export function builtinFindings(input: { summaries: ProfileSummary[]; comparison?: ComparisonSummary; jobMetrics?: JobMetricsSnapshot }): Finding[] {
  const perTarget = input.summaries.flatMap((summary) => summaryFindings(summary, input.jobMetrics));
  const all = [...mergeAcrossTargets(perTarget), ...jobFindings(input.summaries, input.jobMetrics)];
  all.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.score - a.score || a.id.localeCompare(b.id));
  return all.map(({ score: _score, ...finding }) => finding);
}

/** One finding per rule id; the per-target overview stays one per target. */
function mergeAcrossTargets(findings: ScoredFinding[]): ScoredFinding[] {
  const byId = groupBy(findings, (finding) => (finding.severity === 'info' ? `${finding.id}:${finding.target}` : finding.id));
  return [...byId.values()].map((group) => {
    if (group.length === 1) return group[0]!;
    const strongest = group.reduce((best, finding) =>
      SEVERITY_ORDER[finding.severity] < SEVERITY_ORDER[best.severity] || (finding.severity === best.severity && finding.score > best.score) ? finding : best,
    );
    const { target: _target, ...rest } = strongest;
    return {
      ...rest,
      title: `${strongest.title} (worst of ${group.length} targets: ${strongest.target})`,
      evidence: group.flatMap((finding) => finding.evidence.map((line) => `${finding.target}: ${line}`)),
    };
  });
}

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

export class BuiltinProvider implements AnalysisProvider {
  readonly name = 'builtin';

  async analyze(input: AnalysisInput, onText: (chunk: string) => void, signal?: AbortSignal): Promise<AnalysisResult> {
    const findings = input.findings.length > 0 ? input.findings : builtinFindings(input);
    let markdown = '';
    for (const chunk of renderBuiltinReport(findings, input.summaries)) {
      if (signal?.aborted) return { provider: this.name, markdown, partial: true };
      markdown += chunk;
      onText(chunk);
    }
    return { provider: this.name, markdown, partial: false };
  }
}
