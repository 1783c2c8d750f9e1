// The JobManager and TaskManager pods of a deployment, by the operator's labels.
import { SquirrlyError } from '../errors.ts';
import type { KubeCluster } from '../kube/cluster.ts';
import type { V1Pod } from '../kube/client-node.ts';
import type { PodRef } from '../flink/taskmanager-pods.ts';

export interface FlinkPods {
  jobManager: PodRef;
  taskManagers: PodRef[];
}

export async function findFlinkPods(cluster: KubeCluster, name: string): Promise<FlinkPods> {
  const [jobManagers, taskManagers] = await Promise.all([
    cluster.listPods(`app=${name},component=jobmanager`),
    cluster.listPods(`app=${name},component=taskmanager`),
  ]);
  const ready = jobManagers.filter(isRunningAndReady);
  const jm = ready[0];
  if (!jm?.metadata?.name) {
    const seen = jobManagers.map((p) => `${p.metadata?.name} (${p.status?.phase ?? '?'}${isRunningAndReady(p) ? '' : ', not ready'})`);
    throw new SquirrlyError(`no running and ready JobManager pod for ${name}${seen.length ? `: ${seen.join(', ')}` : ' (no pod has labels app=' + name + ',component=jobmanager)'}`, {
      hint: `check the pods: kubectl get pods -n ${cluster.namespace} -l app=${name}`,
    });
  }
  return {
    jobManager: toRef(jm),
    taskManagers: taskManagers.filter((p) => p.metadata?.name).map(toRef),
  };
}

export function isRunningAndReady(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function toRef(pod: V1Pod): PodRef {
  const ip = pod.status?.podIP;
  return ip ? { name: pod.metadata!.name!, ip } : { name: pod.metadata!.name! };
}
