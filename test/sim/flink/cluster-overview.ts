// The JSON bodies of Flink's cluster endpoints: /config, /overview, /jobs/overview,
// /taskmanagers and /jobmanager/config, with the fields the real serialisers write.
import { createHash } from 'node:crypto';

export interface SimJob {
  jid: string;
  name: string;
  state: string;
  startTime: number;
  endTime: number;
}

export interface SimTaskManager {
  id: string;
  ip: string;
}

const TERMINAL_JOB_STATES = new Set(['FINISHED', 'CANCELED', 'FAILED', 'SUSPENDED']);

/** Which ExecutionState counter holds the job's tasks in each JobStatus. */
const TASK_STATE_OF_JOB: Record<string, string> = {
  INITIALIZING: 'initializing',
  CREATED: 'created',
  RUNNING: 'running',
  FAILING: 'canceling',
  FAILED: 'failed',
  CANCELLING: 'canceling',
  CANCELED: 'canceled',
  FINISHED: 'finished',
  RESTARTING: 'scheduled',
  SUSPENDED: 'canceled',
  RECONCILING: 'reconciling',
};
const TASK_STATES = ['created', 'scheduled', 'deploying', 'running', 'finished', 'canceling', 'canceled', 'failed', 'reconciling', 'initializing'];
const JOB_TASKS = 4;
const MB = 1024 * 1024;

export function isTerminalJobState(state: string): boolean {
  return TERMINAL_JOB_STATES.has(state);
}

/** A stable 32-hex JobID derived from the job name, so reruns of a scenario see the same id. */
export function jobIdFor(name: string): string {
  return createHash('md5').update(name).digest('hex');
}

export function dashboardConfig(flinkVersion: string): object {
  const revision = createHash('sha1').update(flinkVersion).digest('hex').slice(0, 8);
  return {
    'refresh-interval': 3000,
    'timezone-name': 'Coordinated Universal Time',
    'timezone-offset': 0,
    'flink-version': flinkVersion,
    'flink-revision': `${revision} @ 2025-01-31T00:00:00+01:00`,
    features: { 'web-submit': false, 'web-cancel': false, 'web-rescale': false, 'web-history': false },
  };
}

export function slotsPerTaskManager(configuration: Record<string, string>): number {
  const slots = Number.parseInt(configuration['taskmanager.numberOfTaskSlots'] ?? '', 10);
  return Number.isInteger(slots) && slots > 0 ? slots : 1;
}

function usedSlots(job: SimJob | null, taskManagers: number, slots: number): number {
  if (job === null || isTerminalJobState(job.state)) return 0;
  return Math.min(JOB_TASKS, taskManagers * slots);
}

export function clusterOverview(flinkVersion: string, job: SimJob | null, taskManagers: number, slots: number): object {
  const count = (states: string[]): number => (job !== null && states.includes(job.state) ? 1 : 0);
  const total = taskManagers * slots;
  return {
    taskmanagers: taskManagers,
    'slots-total': total,
    'slots-available': total - usedSlots(job, taskManagers, slots),
    'jobs-running': job !== null && !isTerminalJobState(job.state) ? 1 : 0,
    'jobs-finished': count(['FINISHED']),
    'jobs-cancelled': count(['CANCELED']),
    'jobs-failed': count(['FAILED']),
    'flink-version': flinkVersion,
    'flink-commit': createHash('sha1').update(flinkVersion).digest('hex').slice(0, 8),
  };
}

export function jobsOverview(job: SimJob | null, now: number): object {
  if (job === null) return { jobs: [] };
  const tasks: Record<string, number> = { total: JOB_TASKS };
  for (const state of TASK_STATES) tasks[state] = 0;
  tasks[TASK_STATE_OF_JOB[job.state] ?? 'running'] = JOB_TASKS;
  const end = job.endTime;
  return {
    jobs: [
      {
        jid: job.jid,
        name: job.name,
        state: job.state,
        'start-time': job.startTime,
        'end-time': end,
        duration: (end === -1 ? now : end) - job.startTime,
        'last-modification': end === -1 ? job.startTime : end,
        tasks,
      },
    ],
  };
}

/** `assignedTasks`: Flink 2.x adds the number of tasks deployed to each TaskManager. */
export function taskManagersInfo(taskManagers: SimTaskManager[], job: SimJob | null, slots: number, options: { assignedTasks?: boolean } = {}): object {
  const busy = usedSlots(job, taskManagers.length, slots);
  return {
    taskmanagers: taskManagers.map((tm, index) => {
      // tasks fill the TaskManagers in order
      const used = Math.max(0, Math.min(slots, busy - index * slots));
      const resource = (fraction: number) => ({
        cpuCores: slots * fraction,
        taskHeapMemory: 384 * fraction,
        taskOffHeapMemory: 0,
        managedMemory: 512 * fraction,
        networkMemory: 128 * fraction,
        extendedResources: {},
      });
      return {
        id: tm.id,
        path: `pekko.tcp://flink@${tm.ip}:6122/user/rpc/taskmanager_0`,
        dataPort: 6121,
        jmxPort: -1,
        // despite its name Flink writes the epoch time of the last heartbeat here
        timeSinceLastHeartbeat: Date.now() - 2000,
        slotsNumber: slots,
        freeSlots: slots - used,
        ...(options.assignedTasks === true ? { assignedTasks: used } : {}),
        totalResource: resource(1),
        freeResource: resource((slots - used) / slots),
        hardware: { cpuCores: 2, physicalMemory: 8192 * MB, freeMemory: 1024 * MB, managedMemory: 512 * MB },
        memoryConfiguration: {
          frameworkHeap: 128 * MB,
          taskHeap: 384 * MB,
          frameworkOffHeap: 128 * MB,
          taskOffHeap: 0,
          networkMemory: 128 * MB,
          managedMemory: 512 * MB,
          jvmMetaspace: 256 * MB,
          jvmOverhead: 192 * MB,
          totalFlinkMemory: 1280 * MB,
          totalProcessMemory: 1728 * MB,
        },
      };
    }),
  };
}

export function jobManagerConfig(configuration: Record<string, string>): object {
  return Object.entries(configuration).map(([key, value]) => ({ key, value }));
}
