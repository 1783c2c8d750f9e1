// Finds the FlinkDeployment a user named, accepting kubectl's forms: NAME, flinkdeployment/NAME,
// flinkdep/NAME, and flinksessionjob/NAME (which resolves to its session cluster).
import { SquirrlyError, UsageError } from '../errors.ts';
import type { Cluster, FlinkDeploymentObject } from '../kube/cluster.ts';
import { isKubernetesName, MAX_NAME_CHARS } from '../text/kubernetes-name.ts';
import { quoted } from '../text/visible.ts';

export interface DeploymentRef {
  kind: 'deployment' | 'sessionjob';
  name: string;
}

const DEPLOYMENT_PREFIXES = ['flinkdeployment', 'flinkdeployments', 'flinkdep', 'flinkdeployment.flink.apache.org', 'flinkdeployments.flink.apache.org'];
const SESSION_JOB_PREFIXES = ['flinksessionjob', 'flinksessionjobs', 'flinksessionjob.flink.apache.org', 'flinksessionjobs.flink.apache.org'];

export function parseDeploymentRef(text: string | undefined): DeploymentRef {
  if (!text) {
    throw new UsageError('no FlinkDeployment given', 'pass its name (kubectl squirrly profile NAME) or set FLINK_DEPLOYMENT_NAME');
  }
  const slash = text.indexOf('/');
  const prefix = slash < 0 ? '' : text.slice(0, slash).toLowerCase();
  const name = slash < 0 ? text : text.slice(slash + 1);
  if (!isKubernetesName(name)) {
    throw new UsageError(`${quoted(text)} is not a valid FlinkDeployment name (${name.length > MAX_NAME_CHARS ? `${name.length} characters, at most ${MAX_NAME_CHARS}` : 'lowercase letters, digits, "-" and "." only'})`, 'use the name shown by: kubectl get flinkdeployments');
  }
  if (prefix === '' || DEPLOYMENT_PREFIXES.includes(prefix)) return { kind: 'deployment', name };
  if (SESSION_JOB_PREFIXES.includes(prefix)) return { kind: 'sessionjob', name };
  throw new UsageError(`"${prefix}" is not a resource this plugin profiles`, 'pass a FlinkDeployment (NAME or flinkdep/NAME) or a FlinkSessionJob (flinksessionjob/NAME)');
}

export async function resolveDeployment(cluster: Cluster, ref: DeploymentRef): Promise<{ name: string; object: FlinkDeploymentObject }> {
  const namespace = cluster.namespace;
  let name = ref.name;
  if (ref.kind === 'sessionjob') {
    const job = await cluster.getFlinkSessionJob(ref.name);
    if (!job) throw await notFound(cluster, `FlinkSessionJob "${ref.name}"`, namespace, 'kubectl get flinksessionjobs');
    const target = job.spec?.deploymentName;
    if (!target) throw new SquirrlyError(`FlinkSessionJob "${ref.name}" names no session cluster (spec.deploymentName is empty)`);
    name = target;
  }
  const object = await cluster.getFlinkDeployment(name);
  if (!object) throw await notFound(cluster, `FlinkDeployment "${name}"`, namespace, 'kubectl get flinkdeployments');
  return { name, object };
}

async function notFound(cluster: Cluster, what: string, namespace: string, listCommand: string): Promise<SquirrlyError> {
  const exists = await cluster.namespaceExists(namespace);
  if (exists === false) {
    return new SquirrlyError(`namespace "${namespace}" does not exist`, { hint: 'pick another with -n NAMESPACE (see: kubectl get namespaces)' });
  }
  const names = (await cluster.listFlinkDeployments().catch(() => [])).map((d) => d.metadata?.name).filter((n): n is string => !!n);
  return new SquirrlyError(`${what} not found in namespace "${namespace}"`, {
    hint: names.length ? `FlinkDeployments in "${namespace}": ${names.join(', ')}` : `there are no FlinkDeployments in "${namespace}"; try another namespace with -n (${listCommand} -A)`,
  });
}
