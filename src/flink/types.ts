// Shapes of the JobManager REST responses the plugin reads. Every field
// is optional or loosely typed: these come over the wire and newer Flink versions add fields.
import type { ProfilingMode } from '../flamegraph/types.ts';

export type ProfilingStatus = 'RUNNING' | 'FINISHED' | 'FAILED';

export interface ProfilingInfo {
  status?: ProfilingStatus | string;
  mode?: ProfilingMode | string;
  triggerTime?: number;
  finishedTime?: number | null;
  duration?: number;
  message?: string | null;
  outputFile?: string | null;
}

export interface ProfilingInfoList {
  profilingList?: ProfilingInfo[];
}

export interface DashboardConfig {
  'flink-version'?: string;
  'refresh-interval'?: number;
}

export interface ClusterOverview {
  taskmanagers?: number;
  'slots-total'?: number;
  'jobs-running'?: number;
  'flink-version'?: string;
}

export interface JobDetails {
  jid?: string;
  name?: string;
  state?: string;
}

export interface TaskManagerInfo {
  id?: string;
  path?: string;
  slotsNumber?: number;
  freeSlots?: number;
}

/** What a profiling run is aimed at: the JobManager process or one TaskManager by its Flink id. */
export type ProfileTarget = { kind: 'jobmanager' } | { kind: 'taskmanager'; id: string };
