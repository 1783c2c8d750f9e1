// A snapshot of Flink's own metrics for one job over the profiling window: the job graph,
// per-subtask busy / back-pressured / idle time and record counts, checkpoints and each
// TaskManager's GC time. Saved beside the flame graphs so the analysis can join both.
// Everything optional may be missing: old Flink versions, metrics not reported yet, or values
// the cluster answered that were not finite numbers.
import { asArray, asObject, cleanText, nonNegative } from './wire-values.ts';

export const JOB_METRICS_SCHEMA = 1;

export interface JobMetricsSnapshot {
  schema: 1;
  flinkVersion: string;
  jobId: string;
  jobName: string;
  /** ISO times bounding the window the rates were measured over */
  from: string;
  to: string;
  vertices: VertexMetrics[];
  /** job-graph edges from the plan: upstream vertex id -> downstream vertex id */
  edges: JobEdge[];
  checkpoints?: CheckpointMetrics;
  taskManagers: TaskManagerMetrics[];
  /** the FlinkDeployment as it was when the run was taken, so two runs can say what changed */
  deployment?: DeploymentRecord;
}

/** What a run ran against, from the FlinkDeployment object (never from Flink itself). */
export interface DeploymentRecord {
  generation?: number;
  resourceVersion?: string;
  /** spec.job.parallelism */
  parallelism?: number;
  /** sha-256 over spec.flinkConfiguration, keys sorted */
  configurationHash?: string;
  /** spec.flinkConfiguration; values of keys that look secret are kept as "sha256:<first 12>" */
  configuration?: Record<string, string>;
}

export interface JobEdge {
  from: string;
  to: string;
  /** Flink's ship strategy as the plan names it, e.g. "HASH", "FORWARD", "REBALANCE" */
  shipStrategy?: string;
}

/** counts since the job (re)started; durations and sizes of the latest and slowest completed checkpoint */
export interface CheckpointMetrics {
  completed: number;
  failed: number;
  lastDurationMs?: number;
  lastSizeBytes?: number;
  maxDurationMs?: number;
}

export interface TaskManagerMetrics {
  id: string;
  /** garbage-collection time per second of the window, over all collectors */
  gcTimeMsPerSecond?: number;
  heapUsedBytes?: number;
  heapMaxBytes?: number;
}

export interface VertexMetrics {
  id: string;
  /** Flink's vertex name, e.g. "Source: clicks -> Map -> Filter" (chained operators joined by " -> ") */
  name: string;
  /** the operator names of the chain, in order */
  operators: string[];
  parallelism: number;
  subtasks: SubtaskMetrics[];
}

export interface SubtaskMetrics {
  index: number;
  taskManagerId: string;
  /** 0..1000 ms per second, averaged over the window */
  busyMsPerSecond?: number;
  backPressuredMsPerSecond?: number;
  idleMsPerSecond?: number;
  /** counts over the window */
  recordsIn?: number;
  recordsOut?: number;
  recordsInPerSecond?: number;
  recordsOutPerSecond?: number;
}

// Bounds for a snapshot read back from disk (a file may come from anywhere).
const MAX_VERTICES = 200;
const MAX_SUBTASKS = 4096;
const MAX_ITEMS = 2048;

/**
 * A snapshot read from a `<run>.job.json` or `job.json`, checked field by field: wrong types are
 * dropped, numbers must be finite, names are made printable. Undefined when it is not a snapshot.
 */
export function parseJobMetricsSnapshot(value: unknown): JobMetricsSnapshot | undefined {
  const o = asObject(value);
  if (o === undefined || o['schema'] !== JOB_METRICS_SCHEMA) return undefined;
  const text = (v: unknown, max = 512): string => cleanText(v, max) ?? '';
  const optional = <K extends string>(key: K, v: unknown): { [P in K]?: number } => {
    const n = nonNegative(v);
    return (n === undefined ? {} : { [key]: n }) as { [P in K]?: number };
  };
  const vertices: VertexMetrics[] = asArray(o['vertices']).slice(0, MAX_VERTICES).flatMap((raw) => {
    const v = asObject(raw);
    if (v === undefined) return [];
    const subtasks: SubtaskMetrics[] = asArray(v['subtasks']).slice(0, MAX_SUBTASKS).flatMap((rawSubtask) => {
      const s = asObject(rawSubtask);
      const index = nonNegative(s?.['index']);
      if (s === undefined || index === undefined || !Number.isInteger(index)) return [];
      return [{
        index,
        taskManagerId: text(s['taskManagerId'], 256),
        ...optional('busyMsPerSecond', s['busyMsPerSecond']),
        ...optional('backPressuredMsPerSecond', s['backPressuredMsPerSecond']),
        ...optional('idleMsPerSecond', s['idleMsPerSecond']),
        ...optional('recordsIn', s['recordsIn']),
        ...optional('recordsOut', s['recordsOut']),
        ...optional('recordsInPerSecond', s['recordsInPerSecond']),
        ...optional('recordsOutPerSecond', s['recordsOutPerSecond']),
      }];
    });
    const operators = asArray(v['operators']).slice(0, MAX_ITEMS).map((op) => text(op));
    return [{ id: text(v['id'], 64), name: text(v['name']), operators, parallelism: nonNegative(v['parallelism']) ?? 0, subtasks }];
  });
  const edges: JobEdge[] = asArray(o['edges']).slice(0, MAX_ITEMS).flatMap((raw) => {
    const e = asObject(raw);
    if (e === undefined) return [];
    const shipStrategy = cleanText(e['shipStrategy'], 64);
    return [{ from: text(e['from'], 64), to: text(e['to'], 64), ...(shipStrategy ? { shipStrategy } : {}) }];
  });
  const cp = asObject(o['checkpoints']);
  const checkpoints: CheckpointMetrics | undefined = cp === undefined ? undefined : {
    completed: nonNegative(cp['completed']) ?? 0,
    failed: nonNegative(cp['failed']) ?? 0,
    ...optional('lastDurationMs', cp['lastDurationMs']),
    ...optional('lastSizeBytes', cp['lastSizeBytes']),
    ...optional('maxDurationMs', cp['maxDurationMs']),
  };
  const taskManagers: TaskManagerMetrics[] = asArray(o['taskManagers']).slice(0, MAX_ITEMS).flatMap((raw) => {
    const t = asObject(raw);
    if (t === undefined) return [];
    return [{
      id: text(t['id'], 256),
      ...optional('gcTimeMsPerSecond', t['gcTimeMsPerSecond']),
      ...optional('heapUsedBytes', t['heapUsedBytes']),
      ...optional('heapMaxBytes', t['heapMaxBytes']),
    }];
  });
  return {
    schema: 1,
    flinkVersion: text(o['flinkVersion'], 64),
    jobId: text(o['jobId'], 64),
    jobName: text(o['jobName']),
    from: text(o['from'], 64),
    to: text(o['to'], 64),
    vertices,
    edges,
    ...(checkpoints ? { checkpoints } : {}),
    taskManagers,
    ...deploymentRecord(o['deployment']),
  };
}

/** A configuration has a few hundred keys at most. */
const MAX_CONFIGURATION_KEYS = 1000;

function deploymentRecord(value: unknown): { deployment?: DeploymentRecord } {
  const d = asObject(value);
  if (d === undefined) return {};
  const record: DeploymentRecord = {};
  const generation = nonNegative(d['generation']);
  if (generation !== undefined) record.generation = generation;
  const resourceVersion = cleanText(d['resourceVersion'], 64);
  if (resourceVersion) record.resourceVersion = resourceVersion;
  const parallelism = nonNegative(d['parallelism']);
  if (parallelism !== undefined) record.parallelism = parallelism;
  const hash = cleanText(d['configurationHash'], 128);
  if (hash) record.configurationHash = hash;
  const configuration = asObject(d['configuration']);
  if (configuration !== undefined) {
    record.configuration = Object.fromEntries(
      Object.entries(configuration).slice(0, MAX_CONFIGURATION_KEYS).flatMap(([k, v]) => {
        const key = cleanText(k, 256);
        const text = cleanText(v, 1024);
        return key && text !== undefined ? [[key, text]] : [];
      }),
    );
  }
  return { deployment: record };
}
