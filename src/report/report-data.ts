// What a run's report shows, as plain data: the page script draws it, the tests read it, and
// nothing in it is markup. Built from what the analysis already computes (summaries, findings,
// job metrics) and the drawn trees of the flame graphs.
import type { Finding } from '../analysis/provider.ts';
import type { DiffNode } from '../flamegraph/diff-tree.ts';
import type { DrawnNode } from '../flamegraph/drawn-tree.ts';
import type { Category, ComparisonSummary, ProfileSummary } from '../flamegraph/types.ts';
import type { JobMetricsSnapshot } from '../flink/job-metrics.ts';

/** A tree packed for the page: [name index, total, self, children]. */
export type PackedNode = [number, number, number, PackedNode[]];
/** A differential tree packed for the page: [name index, new, base, children]. */
export type PackedDiffNode = [number, number, number, PackedDiffNode[]];

export interface ReportTarget {
  label: string;
  file: string;
  totalSamples: number;
  categories: Partial<Record<Category, number>>;
  tree: PackedNode;
}

export interface ReportVertex {
  name: string;
  parallelism: number;
  /** averages over the subtasks, ms per second */
  busy: number | null;
  backPressured: number | null;
  idle: number | null;
}

export interface ReportData {
  title: string;
  mode: string;
  generatedAt: string;
  /** every frame name once; trees refer to them by index */
  names: string[];
  findings: Array<Pick<Finding, 'id' | 'severity' | 'title' | 'evidence' | 'advice'> & { target: string | null; userFunction: string | null; operator: string | null }>;
  targets: ReportTarget[];
  merged: PackedNode;
  skew: { sampleSkew: number; hottest: string; rows: Array<{ target: string; totalSamples: number; topFrame: string | null }> } | null;
  vertices: ReportVertex[];
  diff: { baseLabel: string; unit: string; baseScale: number; newScale: number; notes: string[]; tree: PackedDiffNode } | null;
}

export class NameIndex {
  readonly names: string[] = [];
  readonly #ids = new Map<string, number>();

  id(name: string): number {
    let id = this.#ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.#ids.set(name, id);
    }
    return id;
  }

  pack(node: DrawnNode): PackedNode {
    return [this.id(node.name), node.total, node.self, node.children.map((c) => this.pack(c))];
  }

  packDiff(node: DiffNode): PackedDiffNode {
    return [this.id(node.name), node.new, node.base, node.children.map((c) => this.packDiff(c))];
  }
}

export function reportFindings(findings: Finding[]): ReportData['findings'] {
  return findings.map((f) => ({
    id: f.id,
    severity: f.severity,
    title: f.title,
    evidence: f.evidence,
    advice: f.advice,
    target: f.target ?? null,
    userFunction: f.attribution?.userFunction ?? null,
    operator: f.attribution?.operator ?? null,
  }));
}

export function reportSkew(comparison: ComparisonSummary | undefined): ReportData['skew'] {
  if (comparison === undefined) return null;
  return {
    sampleSkew: comparison.sampleSkew,
    hottest: comparison.hottestTarget,
    rows: comparison.targets.map((t) => ({ target: t.target, totalSamples: t.totalSamples, topFrame: t.topSelf[0]?.name ?? null })),
  };
}

export function reportVertices(metrics: JobMetricsSnapshot | undefined): ReportVertex[] {
  if (metrics === undefined) return [];
  const mean = (values: Array<number | undefined>): number | null => {
    const known = values.filter((v): v is number => v !== undefined);
    return known.length === 0 ? null : Math.round(known.reduce((a, b) => a + b, 0) / known.length);
  };
  return metrics.vertices.map((v) => ({
    name: v.name,
    parallelism: v.parallelism,
    busy: mean(v.subtasks.map((s) => s.busyMsPerSecond)),
    backPressured: mean(v.subtasks.map((s) => s.backPressuredMsPerSecond)),
    idle: mean(v.subtasks.map((s) => s.idleMsPerSecond)),
  }));
}

export function reportTarget(summary: ProfileSummary, file: string, tree: PackedNode): ReportTarget {
  return { label: summary.target, file, totalSamples: summary.totalSamples, categories: summary.categories, tree };
}
