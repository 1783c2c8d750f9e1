// Joins what the stacks show (an operator kind at a chain position, a user function) with Flink's
// own job graph and metrics: the operator's name, its vertex, how busy and back-pressured it is.
import type { JobMetricsSnapshot, SubtaskMetrics, VertexMetrics } from '../flink/job-metrics.ts';
import { simpleClassName } from '../flamegraph/frame-kinds.ts';
import type { OperatorRef } from '../flamegraph/types.ts';

const SOURCE_KINDS = new Set(['SourceOperator', 'StreamSource']);

/** Flink's default operator names per operator class, for jobs that did not name their operators. */
const DEFAULT_NAMES: Record<string, string[]> = {
  StreamMap: ['map'],
  StreamFilter: ['filter'],
  StreamFlatMap: ['flatmap'],
  ProcessOperator: ['process'],
  KeyedProcessOperator: ['keyedprocess'],
  StreamSink: ['sink', 'unnamed'],
  SinkWriterOperator: ['writer', 'sink'],
  SourceOperator: ['source'],
  StreamSource: ['source', 'customsource'],
  WindowOperator: ['window'],
  StreamGroupedReduceOperator: ['keyedreduce', 'reduce'],
  AsyncWaitOperator: ['async'],
  TimestampsAndWatermarksOperator: ['timestamps', 'watermarks'],
};

const normal = (text: string): string => text.toLowerCase().replace(/^(?:source|sink):\s*/, '').replace(/[^a-z0-9]/g, '');

function isSourceVertex(vertex: VertexMetrics): boolean {
  return /^source:/i.test(vertex.operators[0] ?? vertex.name);
}

export interface ResolvedOperator {
  /** Flink's name of the operator, e.g. "Enrich" */
  name: string;
  vertex: VertexMetrics;
}

/**
 * The operator a stack's operator frame stands for. The chain position picks the operator inside a
 * vertex; the user function's class name, then Flink's default names, pick the vertex when several fit.
 */
export function resolveOperator(ref: OperatorRef | undefined, userFunction: string | undefined, job: JobMetricsSnapshot | undefined): ResolvedOperator | undefined {
  if (ref === undefined || job === undefined) return undefined;
  const source = SOURCE_KINDS.has(ref.head);
  const candidates = job.vertices.filter((vertex) => vertex.operators.length > ref.index && isSourceVertex(vertex) === source);
  const at = (vertex: VertexMetrics): string => vertex.operators[ref.index]!;
  const pick = (vertex: VertexMetrics | undefined): ResolvedOperator | undefined => (vertex ? { name: at(vertex), vertex } : undefined);
  if (userFunction !== undefined) {
    const cls = normal(simpleClassName(userFunction));
    const byClass = candidates.find((vertex) => {
      const name = normal(at(vertex));
      return cls.length > 0 && name.length > 0 && (name.includes(cls) || cls.includes(name));
    });
    if (byClass) return pick(byClass);
  }
  if (candidates.length === 1) return pick(candidates[0]);
  const defaults = DEFAULT_NAMES[ref.kind] ?? [];
  const byDefault = candidates.filter((vertex) => defaults.some((name) => normal(at(vertex)).startsWith(name)));
  return byDefault.length === 1 ? pick(byDefault[0]) : undefined;
}

/** How an operator is named in a finding: Flink's name when known, else its kind and chain position. */
export function operatorLabel(ref: OperatorRef | undefined, resolved: ResolvedOperator | undefined): string | undefined {
  if (resolved) return resolved.name;
  if (ref === undefined) return undefined;
  return ref.index === 0 ? ref.kind : `${ref.kind} (operator ${ref.index + 1} of a chain starting with ${ref.head})`;
}

export interface VertexLoad {
  vertex: VertexMetrics;
  /** averages over subtasks that reported the metric, ms per second */
  busy?: number;
  backPressured?: number;
  idle?: number;
  maxBusy?: number;
  maxBackPressured?: number;
}

function average(values: Array<number | undefined>): number | undefined {
  const known = values.filter((value): value is number => value !== undefined && Number.isFinite(value));
  return known.length === 0 ? undefined : known.reduce((sum, value) => sum + value, 0) / known.length;
}

function maximum(values: Array<number | undefined>): number | undefined {
  const known = values.filter((value): value is number => value !== undefined && Number.isFinite(value));
  return known.length === 0 ? undefined : Math.max(...known);
}

export function vertexLoad(vertex: VertexMetrics): VertexLoad {
  const of = (key: 'busyMsPerSecond' | 'backPressuredMsPerSecond' | 'idleMsPerSecond'): Array<number | undefined> => vertex.subtasks.map((subtask) => subtask[key]);
  const load: VertexLoad = { vertex };
  const busy = average(of('busyMsPerSecond'));
  if (busy !== undefined) load.busy = busy;
  const backPressured = average(of('backPressuredMsPerSecond'));
  if (backPressured !== undefined) load.backPressured = backPressured;
  const idle = average(of('idleMsPerSecond'));
  if (idle !== undefined) load.idle = idle;
  const maxBusy = maximum(of('busyMsPerSecond'));
  if (maxBusy !== undefined) load.maxBusy = maxBusy;
  const maxBackPressured = maximum(of('backPressuredMsPerSecond'));
  if (maxBackPressured !== undefined) load.maxBackPressured = maxBackPressured;
  return load;
}

/** busy at or above this (ms/s) on its busiest subtask makes a vertex a bottleneck candidate */
export const BOTTLENECK_BUSY = 700;
/** an upstream vertex back-pressured at least this much (ms/s) points at its downstream */
export const UPSTREAM_BACKPRESSURE = 300;
/** the bottleneck itself is not mainly back-pressured (then the cause is further down) */
const BOTTLENECK_OWN_BACKPRESSURE = 300;

export interface Bottleneck {
  load: VertexLoad;
  upstream: VertexLoad[];
}

/**
 * Vertices that are busy while their upstream is back-pressured and they themselves are not: the
 * first slow vertex from the sources' side. Most back-pressured upstream first.
 */
export function bottlenecks(job: JobMetricsSnapshot): Bottleneck[] {
  const loads = new Map(job.vertices.map((vertex) => [vertex.id, vertexLoad(vertex)]));
  const found: Bottleneck[] = [];
  for (const load of loads.values()) {
    if ((load.maxBusy ?? 0) < BOTTLENECK_BUSY || (load.backPressured ?? 0) >= BOTTLENECK_OWN_BACKPRESSURE) continue;
    const upstream = job.edges
      .filter((edge) => edge.to === load.vertex.id)
      .map((edge) => loads.get(edge.from))
      .filter((up): up is VertexLoad => up !== undefined && (up.maxBackPressured ?? 0) >= UPSTREAM_BACKPRESSURE);
    if (upstream.length > 0) found.push({ load, upstream });
  }
  return found.sort((a, b) => Math.max(...b.upstream.map((u) => u.maxBackPressured ?? 0)) - Math.max(...a.upstream.map((u) => u.maxBackPressured ?? 0)));
}

export interface SubtaskSkew {
  vertex: VertexMetrics;
  /** the busiest subtask by records in (records out for sources) */
  hot: SubtaskMetrics;
  /** hot subtask's records over the largest of the others' (or their median with many subtasks) */
  ratio: number;
  metric: 'recordsIn' | 'recordsOut' | 'busyMsPerSecond';
  hotValue: number;
  othersValue: number;
}

/** skew is only judged on counts at least this large (records over the window) */
const MIN_SKEW_RECORDS = 1000;

/**
 * Per vertex with parallelism > 1: the hottest subtask against the others. The comparison is against
 * the median of the others, so with two subtasks it is hot / cold and a 39× skew reads as 39, not 2.
 */
export function subtaskSkews(job: JobMetricsSnapshot): SubtaskSkew[] {
  const out: SubtaskSkew[] = [];
  for (const vertex of job.vertices) {
    if (vertex.subtasks.length < 2) continue;
    const metric: SubtaskSkew['metric'] = isSourceVertex(vertex) ? 'recordsOut' : 'recordsIn';
    for (const key of [metric, 'busyMsPerSecond'] as const) {
      const rows = vertex.subtasks.filter((subtask) => typeof subtask[key] === 'number' && Number.isFinite(subtask[key]));
      if (rows.length < 2) continue;
      rows.sort((a, b) => (b[key] as number) - (a[key] as number));
      const hot = rows[0]!;
      const others = rows.slice(1).map((row) => row[key] as number).sort((a, b) => a - b);
      const middle = others[Math.floor((others.length - 1) / 2)]!;
      const hotValue = hot[key] as number;
      if (key !== 'busyMsPerSecond' && hotValue < MIN_SKEW_RECORDS) continue;
      if (key === 'busyMsPerSecond' && hotValue < 200) continue;
      out.push({ vertex, hot, ratio: hotValue / Math.max(middle, 1), metric: key, hotValue, othersValue: middle });
      break;
    }
  }
  return out.sort((a, b) => b.ratio - a.ratio);
}
