// A snapshot of Flink's own metrics for one job over the profiling window: the job graph,
// per-subtask busy / back-pressured / idle time and record counts, checkpoints and each
// TaskManager's GC time. Saved beside the flame graphs so the analysis can join both.
// Everything optional may be missing: old Flink versions, metrics not reported yet, or values
// the cluster answered that were not finite numbers.

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
}

export interface JobEdge {
  from: string;
  to: string;
  /** Flink's ship strategy as the plan names it, e.g. "HASH", "FORWARD", "REBALANCE" */
  shipStrategy?: string;
}

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
