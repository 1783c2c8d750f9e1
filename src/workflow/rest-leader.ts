// Which JobManager to talk to when there are several (Kubernetes HA, replicas > 1): the one
// holding the REST leadership. Flink's Kubernetes HA services keep one ConfigMap per cluster,
// `<cluster-id>-cluster-config-map`, whose key `org.apache.flink.k8s.leader.restserver` holds
// "<leader session id>,<REST URL of the leader>". A standby answers REST calls too (through the
// leader's RPC), but profiling "the JobManager" there profiles the standby's own process.
import { statusCode } from '../kube/api-errors.ts';
import type { Cluster, PodRecord } from '../kube/cluster.ts';

export const REST_LEADER_KEY = 'org.apache.flink.k8s.leader.restserver';

export function haConfigMapName(clusterId: string): string {
  return `${clusterId}-cluster-config-map`;
}

export interface JobManagerChoice {
  pod: PodRecord;
  /** how it was chosen, when there was a choice to make */
  note?: string;
}

/** The host of the leader's REST URL in the ConfigMap value; undefined when it is not of Flink's form. */
export function restLeaderHost(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const comma = value.indexOf(',');
  if (comma < 0) return undefined;
  const address = value.slice(comma + 1).trim();
  try {
    const host = new URL(address).hostname;
    return host.startsWith('[') ? host.slice(1, -1) : host || undefined;
  } catch {
    return undefined;
  }
}

/** The pod the host names: by IP (what Flink publishes on Kubernetes), or by pod name or its DNS name. */
export function podForHost(pods: PodRecord[], host: string): PodRecord | undefined {
  return pods.find((p) => p.ip === host) ?? pods.find((p) => host === p.name || host.startsWith(`${p.name}.`));
}

/** Among ready JobManager pods, the REST leader; the only one when there is one. */
export async function chooseJobManager(cluster: Cluster, clusterId: string, ready: PodRecord[]): Promise<JobManagerChoice | undefined> {
  const [first] = ready;
  if (first === undefined || ready.length === 1) return first && { pod: first };
  const name = haConfigMapName(clusterId);
  const among = `${ready.length} ready JobManagers`;
  let why: string;
  try {
    const map = await cluster.getConfigMap(name);
    const host = restLeaderHost(map?.data[REST_LEADER_KEY]);
    const leader = host === undefined ? undefined : podForHost(ready, host);
    if (leader) return { pod: leader, note: `${leader.name} holds the REST leadership among ${among} (ConfigMap ${name})` };
    why = map === undefined ? `the ConfigMap ${name} does not exist` : host === undefined ? `the ConfigMap ${name} names no REST leader` : `the REST leader ${host} in ${name} is none of them`;
  } catch (err) {
    why = statusCode(err) === 403 ? `you may not get configmaps, so the HA ConfigMap ${name} cannot be read` : `the HA ConfigMap ${name} could not be read`;
  }
  return { pod: first, note: `${among} and ${why}: using ${first.name}, which may be a standby` };
}
