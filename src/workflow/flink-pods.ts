// The JobManager and TaskManager pods of a deployment, by the operator's labels.
import { SquirrlyError } from '../errors.ts';
import type { Cluster, PodRecord } from '../kube/cluster.ts';
import type { PodRef } from '../flink/taskmanager-pods.ts';

export interface FlinkPods {
  jobManager: PodRef;
  taskManagers: PodRef[];
}

export async function findFlinkPods(cluster: Cluster, name: string): Promise<FlinkPods> {
  const [jobManagers, taskManagers] = await Promise.all([
    cluster.listPods(`app=${name},component=jobmanager`),
    cluster.listPods(`app=${name},component=taskmanager`),
  ]);
  const jm = jobManagers.find(isRunningAndReady);
  if (!jm) {
    const seen = jobManagers.map((p) => `${p.name} (${p.phase ?? '?'}${isRunningAndReady(p) ? '' : ', not ready'})`);
    throw new SquirrlyError(`no running and ready JobManager pod for ${name}${seen.length ? `: ${seen.join(', ')}` : ' (no pod has labels app=' + name + ',component=jobmanager)'}`, {
      hint: `check the pods: kubectl get pods -n ${cluster.namespace} -l app=${name}`,
    });
  }
  return { jobManager: podRef(jm), taskManagers: taskManagers.map(podRef) };
}

export function isRunningAndReady(pod: PodRecord): boolean {
  return pod.phase === 'Running' && pod.ready;
}

/** Name and IP, what mapping TaskManagers to pods needs. */
export function podRef(pod: PodRecord): PodRef {
  return pod.ip ? { name: pod.name, ip: pod.ip } : { name: pod.name };
}
