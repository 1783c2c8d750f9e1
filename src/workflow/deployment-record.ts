// What a run ran against, taken from the FlinkDeployment when the run starts and saved with its
// job metrics: generation, resourceVersion, job parallelism and the flinkConfiguration (with a
// hash over it). `diff` reads two of these to say what changed between the runs. A value whose
// key looks like a secret is kept as a short hash only: the file sits on the user's disk.
import { createHash } from 'node:crypto';
import type { DeploymentRecord } from '../flink/job-metrics.ts';
import type { FlinkDeploymentObject } from '../kube/cluster.ts';

const SECRET_KEY = /pass(word|wd)?|secret|token|credential|private|(^|[.\-_])key($|[.\-_])|access-?key|api-?key/i;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export function deploymentRecord(object: FlinkDeploymentObject): DeploymentRecord {
  const record: DeploymentRecord = {};
  const { generation, resourceVersion } = object.metadata ?? {};
  if (typeof generation === 'number' && Number.isFinite(generation)) record.generation = generation;
  if (typeof resourceVersion === 'string' && resourceVersion !== '') record.resourceVersion = resourceVersion;
  const job = object.spec?.job;
  const parallelism = typeof job === 'object' && job !== null ? (job as { parallelism?: unknown }).parallelism : undefined;
  if (typeof parallelism === 'number' && Number.isFinite(parallelism)) record.parallelism = parallelism;
  const raw = object.spec?.flinkConfiguration;
  if (raw !== undefined && typeof raw === 'object' && raw !== null) {
    const entries = Object.entries(raw)
      .map(([key, value]): [string, string] => [key, typeof value === 'string' ? value : JSON.stringify(value) ?? ''])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    record.configurationHash = sha256(JSON.stringify(entries));
    record.configuration = Object.fromEntries(entries.map(([key, value]) => [key, SECRET_KEY.test(key) ? `sha256:${sha256(value).slice(0, 12)}` : value]));
  }
  return record;
}
