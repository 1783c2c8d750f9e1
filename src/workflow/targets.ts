// Pure planning: which processes to profile, from the TaskManagers Flink reports and the flags.
import { UsageError } from '../errors.ts';
import type { MappedTaskManager } from '../flink/taskmanager-pods.ts';
import type { ProfileTarget } from '../flink/types.ts';

export interface PlannedTarget {
  target: ProfileTarget;
  /** 'JobManager' or the TaskManager id */
  label: string;
  /** the pod that runs it, for the exec fallback; undefined when it could not be mapped */
  pod?: string;
}

export function planTargets(
  taskManagers: MappedTaskManager[],
  flags: { taskManagers: string[]; jobManager: boolean },
  jobManagerPod: string,
): PlannedTarget[] {
  const planned: PlannedTarget[] = [];
  if (flags.jobManager) planned.push({ target: { kind: 'jobmanager' }, label: 'JobManager', pod: jobManagerPod });

  const wanted = flags.taskManagers;
  if (wanted.length === 0 && flags.jobManager) return planned;
  if (wanted.length === 0) {
    if (taskManagers.length === 0) {
      throw new UsageError('the JobManager reports no registered TaskManagers', 'wait until TaskManagers are running (kubectl get pods -l component=taskmanager), or profile the JobManager with --jobmanager');
    }
    return planned.concat(taskManagers.map(toPlanned));
  }
  for (const name of new Set(wanted)) {
    const tm = taskManagers.find((t) => t.id === name || t.pod === name);
    if (!tm) {
      const known = taskManagers.map((t) => (t.pod && t.pod !== t.id ? `${t.id} (pod ${t.pod})` : t.id));
      throw new UsageError(`unknown TaskManager "${name}"`, known.length ? `known TaskManagers: ${known.join(', ')}` : 'the JobManager reports no TaskManagers');
    }
    planned.push(toPlanned(tm));
  }
  return planned;
}

function toPlanned(tm: MappedTaskManager): PlannedTarget {
  return tm.pod ? { target: { kind: 'taskmanager', id: tm.id }, label: tm.id, pod: tm.pod } : { target: { kind: 'taskmanager', id: tm.id }, label: tm.id };
}
