// Pure checks of a FlinkDeployment before anything is triggered, each failure with the exact fix.
import { SquirrlyError } from '../errors.ts';
import { configBoolean, configValue, parseFlinkDurationSeconds } from '../flink/configuration.ts';
import { parseFlinkVersion, supportsProfiler } from '../flink/version.ts';
import type { FlinkDeploymentObject } from '../kube/cluster.ts';
import { flinkTooOld } from './flink-problems.ts';

export const DEFAULT_REST_PORT = 8081;
export const DEFAULT_DURATION_MAX = 300;

export interface DeploymentFacts {
  name: string;
  namespace: string;
  session: boolean;
  mode: 'native' | 'standalone';
  flinkVersion?: string;
  restPort: number;
  /** the REST API speaks TLS (security.ssl.rest.enabled, else the older security.ssl.enabled) */
  restTls: boolean;
  /** it also asks for a client certificate (security.ssl.rest.authentication-enabled) */
  restTlsClientAuth: boolean;
  /** rest.profiling.duration-max in seconds */
  durationMax: number;
  /** rest.profiling.dir inside the pods, when set */
  profilingDir?: string;
  jobState?: string;
}

export interface CheckOutcome {
  facts: DeploymentFacts;
  warnings: string[];
}

export function enableProfilingPatch(name: string, namespace: string): string {
  return `kubectl patch flinkdeployment ${name} -n ${namespace} --type merge -p '{"spec":{"flinkConfiguration":{"rest.profiling.enabled":"true"}}}'`;
}

/** Throws the first blocking problem; returns facts and warnings otherwise. */
export function checkDeployment(obj: FlinkDeploymentObject, name: string, namespace: string): CheckOutcome {
  const conf = obj.spec?.flinkConfiguration;
  const session = obj.spec?.job === undefined || obj.spec?.job === null;
  const warnings: string[] = [];
  const flinkVersion = obj.status?.clusterInfo?.['flink-version'] ?? obj.spec?.flinkVersion;

  const jmStatus = obj.status?.jobManagerDeploymentStatus ?? 'MISSING';
  if (jmStatus !== 'READY') {
    const error = obj.status?.error ? ` (operator: ${oneLine(obj.status.error)})` : '';
    throw new SquirrlyError(`the JobManager of ${name} is not ready: jobManagerDeploymentStatus is ${jmStatus}${error}`, {
      hint: `wait until it is READY (kubectl get flinkdeployment ${name} -n ${namespace} -w), or check: kubectl describe flinkdeployment ${name} -n ${namespace}`,
    });
  }

  const jobState = obj.status?.jobStatus?.state;
  if (!session && jobState !== 'RUNNING') {
    throw new SquirrlyError(`the job of ${name} is not running (state ${jobState ?? 'unknown'}): there is nothing to profile`, {
      hint: `check the job: kubectl get flinkdeployment ${name} -n ${namespace} -o jsonpath='{.status.jobStatus}'`,
    });
  }
  if (session && jobState !== undefined && jobState !== 'RUNNING') {
    warnings.push(`${name} is a session cluster and its job state is ${jobState}; profiling the processes anyway`);
  }

  const version = parseFlinkVersion(flinkVersion);
  if (version && !supportsProfiler(version)) {
    throw flinkTooOld(name, version.text);
  }

  if (configBoolean(conf, 'rest.profiling.enabled') !== true) {
    throw new SquirrlyError(`profiling is not enabled on ${name} (rest.profiling.enabled is not "true")`, {
      hint: `enable it (the operator restarts the JobManager): ${enableProfilingPatch(name, namespace)}`,
    });
  }

  return { facts: deploymentFacts(obj, name, namespace), warnings };
}

/** What the plugin reads from a FlinkDeployment, without judging it (artifacts and doctor work on unhealthy ones). */
export function deploymentFacts(obj: FlinkDeploymentObject, name: string, namespace: string): DeploymentFacts {
  const conf = obj.spec?.flinkConfiguration;
  const flinkVersion = obj.status?.clusterInfo?.['flink-version'] ?? obj.spec?.flinkVersion;
  const jobState = obj.status?.jobStatus?.state;
  const restPort = Number(configValue(conf, 'rest.port') ?? DEFAULT_REST_PORT);
  const durationMax = parseFlinkDurationSeconds(configValue(conf, 'rest.profiling.duration-max')) ?? DEFAULT_DURATION_MAX;
  const profilingDir = configValue(conf, 'rest.profiling.dir');
  return {
    name,
    namespace,
    session: obj.spec?.job === undefined || obj.spec?.job === null,
    mode: obj.spec?.mode === 'standalone' ? 'standalone' : 'native',
    ...(flinkVersion ? { flinkVersion } : {}),
    restPort: Number.isInteger(restPort) && restPort > 0 && restPort < 65536 ? restPort : DEFAULT_REST_PORT,
    // Flink's own rule: the REST key when set, else the deprecated key that covered everything
    restTls: configBoolean(conf, 'security.ssl.rest.enabled') ?? configBoolean(conf, 'security.ssl.enabled') ?? false,
    restTlsClientAuth: configBoolean(conf, 'security.ssl.rest.authentication-enabled') ?? false,
    durationMax,
    ...(profilingDir ? { profilingDir } : {}),
    ...(jobState ? { jobState } : {}),
  };
}

export function checkDuration(duration: number, durationMax: number): void {
  if (!Number.isInteger(duration) || duration < 1 || duration > durationMax) {
    throw new SquirrlyError(`--duration ${duration} is out of range: Flink accepts 1 to ${durationMax} seconds here (rest.profiling.duration-max)`, {
      hint: `pass --duration between 1 and ${durationMax}`,
      exitCode: 2,
    });
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 200);
}
