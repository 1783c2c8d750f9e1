// `report`: one self-contained HTML page for a run: findings, a flame graph per target and all of
// them merged, where the time goes, skew, the job graph, and the difference against a base run
// when one is given. Written beside the run's flame graphs by `profile` and `artifacts`, or
// rebuilt with `kubectl squirrly report DIR`.
import path from 'node:path';
import { diffNotes } from '../analysis/diff-notes.ts';
import { diffProfiles } from '../analysis/diff.ts';
import { writeTextAtomically } from '../artifacts/atomic-file.ts';
import { diffTree } from '../flamegraph/diff-tree.ts';
import { drawnTree } from '../flamegraph/drawn-tree.ts';
import { NameIndex, reportFindings, reportSkew, reportTarget, reportVertices, type ReportData } from '../report/report-data.ts';
import { reportPage } from '../report/report-page.ts';
import { readSide } from './diff.ts';
import { resolveSide } from './diff-sides.ts';
import type { Emit } from './events.ts';

export interface ReportRequest {
  /** the run: flame graph files, or a folder profile wrote (its newest run) */
  paths: readonly string[];
  /** an earlier run to show the difference against */
  base?: readonly string[];
  /** where the page goes; default beside the run's first flame graph */
  file?: string;
  /** what the page is of, e.g. "sample-job in squirrly" */
  title?: string;
  signal?: AbortSignal;
}

/** REPORT_DIR/<first flame graph's name>: in a folder of its own, so `*.html` beside it stays the flame graphs. */
export const REPORT_DIR = 'reports';

export function reportPath(firstFlameGraph: string): string {
  return path.join(path.dirname(firstFlameGraph), REPORT_DIR, path.basename(firstFlameGraph).replace(/\.html?$/i, '.html'));
}

export async function writeReport(request: ReportRequest, onEvent: Emit, now = new Date()): Promise<{ path: string; data: ReportData }> {
  const run = await resolveSide('NEW', request.paths);
  const read = await readSide(run, request.signal, onEvent);
  const index = new NameIndex();
  const targets = read.side.summaries.map((summary, i) => reportTarget(summary, run.files[i]!, index.pack(drawnTree([read.graphs[i]!]))));
  let diff: ReportData['diff'] = null;
  if (request.base !== undefined && request.base.length > 0) {
    const base = await readSide(await resolveSide('BASE', request.base), request.signal, onEvent);
    const compared = diffProfiles(base.side, read.side);
    const perSecond = compared.unit === 'samples/s per target';
    const scale = (s: typeof read.side): number => 1 / (Math.max(1, s.summaries.length) * (perSecond ? s.seconds! : 1));
    diff = {
      baseLabel: base.side.label,
      unit: compared.unit,
      baseScale: scale(base.side),
      newScale: scale(read.side),
      notes: diffNotes(compared),
      tree: index.packDiff(diffTree(base.graphs, read.graphs)),
    };
  }
  const mode = read.side.summaries[0]?.mode ?? 'UNKNOWN';
  const data: ReportData = {
    title: request.title ?? `${mode} profile: ${run.files.map((f) => path.basename(f)).join(', ')}`,
    mode,
    generatedAt: now.toISOString(),
    names: index.names,
    findings: reportFindings(read.side.findings),
    targets,
    merged: targets.length > 1 ? index.pack(drawnTree(read.graphs)) : targets[0]!.tree,
    skew: reportSkew(read.comparison),
    vertices: reportVertices(read.snapshot),
    diff,
  };
  const dest = request.file ?? reportPath(run.files[0]!);
  // derived from the run's files: written again whenever it is rebuilt
  const written = await writeTextAtomically(dest, reportPage(data), { existing: 'replace' });
  onEvent({ type: 'wrote', kind: 'report', path: written.path });
  return { path: written.path, data };
}
