// The diagnosis benchmark's cases: test/fixtures/diagnosis/<case>/ holds the flame graphs Flink wrote
// (one per profiled TaskManager, Flink's own file names), the job metrics of that window (job.json)
// and label.json (the planted problem and what a correct diagnosis names). Evaluating a case runs the
// builtin analysis exactly as `analyze` does and compares it with the label.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { builtinFindings } from '../../src/analysis/builtin.ts';
import type { Finding } from '../../src/analysis/provider.ts';
import { parseFlameGraphFile } from '../../src/flamegraph/parse.ts';
import { summarize } from '../../src/flamegraph/summary.ts';
import type { ProfileSummary, ProfilingMode } from '../../src/flamegraph/types.ts';
import type { JobMetricsSnapshot } from '../../src/flink/job-metrics.ts';

export const DIAGNOSIS_DIR = new URL('../fixtures/diagnosis/', import.meta.url).pathname;

export interface CaseLabel {
  case: string;
  mode: string;
  flinkVersion?: string;
  healthy: boolean;
  planted?: string;
  expect: { finding: string; userFunction: string | null; operator?: string | null; detail?: string | null } | null;
}

export interface CaseResult {
  label: CaseLabel;
  files: string[];
  findings: Finding[];
  /** 1-based rank of the expected finding, undefined when missing (or a healthy control) */
  rank?: number;
  userFunctionNamed?: boolean;
  operatorNamed?: boolean;
  /** the label's detail appears in the expected finding's text (undefined when the label has none) */
  detailNamed?: boolean;
  /** medium/high findings on a healthy control */
  falseAlarms: Finding[];
  /** non-info findings, and how many of them name a user function */
  problems: number;
  withUserFunction: number;
}

const FLINK_FILE = /^(.+)_(CPU|ITIMER|ALLOC|LOCK|WALL)_\d{4}-\d\d-\d\d_\d\d_\d\d_\d\d\.html$/;

export function caseNames(dir = DIAGNOSIS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'label.json')))
    .map((entry) => entry.name)
    .sort();
}

/** The summaries and job metrics of a case, made the way `analyze` makes them. */
export async function loadCase(name: string, dir = DIAGNOSIS_DIR): Promise<{ label: CaseLabel; summaries: ProfileSummary[]; jobMetrics?: JobMetricsSnapshot; files: string[] }> {
  const folder = path.join(dir, name);
  const label = JSON.parse(readFileSync(path.join(folder, 'label.json'), 'utf8')) as CaseLabel;
  const files = readdirSync(folder).filter((file) => FLINK_FILE.test(file)).sort();
  const summaries: ProfileSummary[] = [];
  for (const file of files) {
    const [, target, mode] = FLINK_FILE.exec(file)!;
    const graph = await parseFlameGraphFile(path.join(folder, file));
    summaries.push(summarize(graph, { source: file, target: target!, mode: mode as ProfilingMode }));
  }
  const jobFile = path.join(folder, 'job.json');
  const jobMetrics = existsSync(jobFile) ? (JSON.parse(readFileSync(jobFile, 'utf8')) as JobMetricsSnapshot) : undefined;
  return { label, summaries, files, ...(jobMetrics ? { jobMetrics } : {}) };
}

const normal = (frame: string): string => frame.replaceAll('/', '.');

export async function evaluateCase(name: string, dir = DIAGNOSIS_DIR): Promise<CaseResult> {
  const { label, summaries, jobMetrics, files } = await loadCase(name, dir);
  const findings = builtinFindings({ summaries, ...(jobMetrics ? { jobMetrics } : {}) });
  const problems = findings.filter((finding) => finding.severity !== 'info');
  const result: CaseResult = {
    label,
    files,
    findings,
    falseAlarms: label.healthy ? findings.filter((finding) => finding.severity === 'high' || finding.severity === 'medium') : [],
    problems: problems.length,
    withUserFunction: problems.filter((finding) => finding.attribution?.userFunction !== undefined).length,
  };
  const expect = label.expect;
  if (expect === null) return result;
  const index = findings.findIndex((finding) => finding.id === expect.finding);
  if (index < 0) return result;
  const found = findings[index]!;
  result.rank = index + 1;
  const named = found.attribution?.userFunction;
  result.userFunctionNamed = expect.userFunction === null ? true : named !== undefined && normal(named) === normal(expect.userFunction);
  if (expect.operator) result.operatorNamed = found.attribution?.operator === expect.operator || found.attribution?.vertex?.includes(expect.operator) === true;
  if (expect.detail) {
    const text = [found.title, ...found.evidence, found.advice].join('\n');
    result.detailNamed = text.includes(expect.detail);
  }
  return result;
}
