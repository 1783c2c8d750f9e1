// The JobManager and TaskManager pods of a deployment, by the operator's labels; among several
// JobManagers (HA) the REST leader.
import { SquirrlyError } from '../errors.ts';
import type { Cluster, PodRecord } from '../kube/cluster.ts';
import type { PodRef } from '../flink/taskmanager-pods.ts';
import { chooseJobManager } from './rest-leader.ts';

export interface FlinkPods {
  jobManager: PodRef;
  /** how the JobManager was chosen among several (HA), for the user */
  jobManagerNote?: string;
  taskManagers: PodRef[];
}

export async function findFlinkPods(cluster: Cluster, name: string): Promise<FlinkPods> {
  const [jobManagers, taskManagers] = await Promise.all([
    cluster.listPods(`app=${name},component=jobmanager`),
    cluster.listPods(`app=${name},component=taskmanager`),
  ]);
  const choice = await chooseJobManager(cluster, name, jobManagers.filter(isRunningAndReady));
  if (!choice) {
    const seen = jobManagers.map((p) => `${p.name} (${p.phase ?? '?'}${isRunningAndReady(p) ? '' : ', not ready'})`);
    throw new SquirrlyError(`no running and ready JobManager pod for ${name}${seen.length ? `: ${seen.join(', ')}` : ' (no pod has labels app=' + name + ',component=jobmanager)'}`, {
      hint: `check the pods: kubectl get pods -n ${cluster.namespace} -l app=${name}`,
    });
  }
  return { jobManager: podRef(choice.pod), ...(choice.note ? { jobManagerNote: choice.note } : {}), taskManagers: taskManagers.map(podRef) };
}

export function isRunningAndReady(pod: PodRecord): boolean {
  return pod.phase === 'Running' && pod.ready;
}

/** Name and IP, what mapping TaskManagers to pods needs. */
export function podRef(pod: PodRecord): PodRef {
  return pod.ip ? { name: pod.name, ip: pod.ip } : { name: pod.name };
}
