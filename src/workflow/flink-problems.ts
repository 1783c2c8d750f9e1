// The blocking problems of a Flink cluster, each message and its fix written once: `profile`
// throws them, `artifacts` reports them beside the disk scan, `doctor` shows them as checks.
import { SquirrlyError } from '../errors.ts';
import type { JobDetails } from '../flink/types.ts';
import { enableProfilingPatch } from './deployment-checks.ts';

/** The profiler REST API (FLIP-375) exists from Flink 1.19 on. */
export function flinkTooOld(name: string, version: string): SquirrlyError {
  return new SquirrlyError(`${name} runs Flink ${version}; the profiler REST API needs Flink 1.19 or newer`, {
    hint: 'upgrade the deployment to Flink 1.19+ (spec.flinkVersion v1_19 or later and a matching image)',
  });
}

/** The transport opened but Flink did not answer through it; `problem` is the transport's own diagnosis. */
export function flinkUnreachable(
  deployment: { name: string; namespace: string; restPort: number },
  route: string,
  jobManagerPod: string,
  problem: SquirrlyError | undefined,
  cause: unknown,
): SquirrlyError {
  const detail = problem?.message ?? (cause instanceof Error ? cause.message : String(cause));
  return new SquirrlyError(`cannot reach the Flink REST API of ${deployment.name} through ${route}: ${detail}`, {
    hint: problem?.hint ?? `check rest.port (${deployment.restPort}) and the JobManager: kubectl logs -n ${deployment.namespace} ${jobManagerPod}`,
    cause,
  });
}

/** A plain-HTTP request went into a port that answers TLS: the deployment does not say its REST API uses TLS. */
export function restPortSpeaksTls(deployment: { name: string; restPort: number }): SquirrlyError {
  return new SquirrlyError(`the Flink REST port of ${deployment.name} (${deployment.restPort}) speaks TLS, but its flinkConfiguration does not set security.ssl.rest.enabled: "true"`, {
    hint: 'pass --flink-ca-file FILE (the CA of the REST certificate) or --flink-insecure-skip-tls-verify to speak TLS to it',
  });
}

/** rest.profiling.enabled is configured (or not) but the running JobManager does not serve the routes. */
export function profilerRoutesMissing(deployment: { name: string; namespace: string }, jobManagerPod: string): SquirrlyError {
  const { name, namespace } = deployment;
  return new SquirrlyError(`the JobManager of ${name} has no profiler endpoints (GET /jobmanager/profiler is 404): rest.profiling.enabled is not in effect`, {
    hint: `enable it and restart the JobManager so it reads the setting (kubectl delete pod -n ${namespace} ${jobManagerPod}): ${enableProfilingPatch(name, namespace)}`,
  });
}

/** An application cluster whose job is not running has nothing to profile. */
export function noRunningJob(deployment: { name: string; namespace: string }, jobs: JobDetails[]): SquirrlyError {
  const { name, namespace } = deployment;
  return new SquirrlyError(`Flink reports no RUNNING job on ${name} (${jobs.map((j) => `${j.name ?? j.jid}: ${j.state}`).join(', ') || 'no jobs'})`, {
    hint: `check the job: kubectl get flinkdeployment ${name} -n ${namespace}`,
  });
}
