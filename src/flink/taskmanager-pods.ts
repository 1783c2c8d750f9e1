// Which pod runs which TaskManager. Native mode: the TaskManager id is the pod name.
// Standalone mode: the id is "<ip>:<port>-<hex>" (or set by the user), so match by pod IP,
// taken from the id or from the RPC path "pekko.tcp://flink@<ip>:6122/...".
import type { TaskManagerInfo } from './types.ts';

export interface PodRef {
  name: string;
  ip?: string;
}

export interface MappedTaskManager {
  id: string;
  pod?: string;
}

export function mapTaskManagersToPods(taskManagers: TaskManagerInfo[], pods: PodRef[]): MappedTaskManager[] {
  const byName = new Map(pods.map((p) => [p.name, p]));
  const byIp = new Map(pods.filter((p) => p.ip).map((p) => [p.ip!, p]));
  const result: MappedTaskManager[] = [];
  for (const tm of taskManagers) {
    if (typeof tm.id !== 'string' || tm.id === '') continue;
    const pod = byName.get(tm.id) ?? byIp.get(ipOf(tm) ?? '');
    result.push(pod ? { id: tm.id, pod: pod.name } : { id: tm.id });
  }
  return result;
}

function ipOf(tm: TaskManagerInfo): string | undefined {
  const fromId = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+/.exec(tm.id ?? '');
  if (fromId) return fromId[1];
  const fromPath = /@(\d{1,3}(?:\.\d{1,3}){3}):\d+/.exec(tm.path ?? '');
  return fromPath?.[1];
}
