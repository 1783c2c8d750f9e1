// Use case: profile a FlinkDeployment. From a cluster to flame graphs
// on disk: check the deployment, open the Flink session, trigger every target, wait, download.
// Analysis runs after this, on the saved files.
import type { ProfilingMode } from '../flamegraph/types.ts';
import { artifactDir } from '../artifacts/layout.ts';
import { checkOutputDir, describeFree } from '../artifacts/output-dir.ts';
import { describeBytes } from '../byte-cap.ts';
import { listProfiling } from '../flink/profiler-api.ts';
import type { FlinkRestClient } from '../flink/rest-client.ts';
import { mapTaskManagersToPods } from '../flink/taskmanager-pods.ts';
import type { Cluster } from '../kube/cluster.ts';
import { mapSettled } from './concurrency.ts';
import { checkDeployment, checkDuration, type DeploymentFacts } from './deployment-checks.ts';
import type { Emit } from './events.ts';
import type { FileOutcome } from './fetch-artifact.ts';
import { findFlinkPods } from './flink-pods.ts';
import { noRunningJob } from './flink-problems.ts';
import { openFlinkSession } from './flink-session.ts';
import { deploymentRecord } from './deployment-record.ts';
import { beginJobMetrics } from './job-metrics-step.ts';
import { downloadAll, triggerAll, waitForRuns, type DownloadResult, type RunEnd, type TriggerResult } from './profile-runs.ts';
import { ProfilerBusyError, runningElsewhere } from './run-messages.ts';
import { parseDeploymentRef, resolveDeployment } from './resolve-deployment.ts';
import type { RestTlsFlags } from '../flink/rest-tls.ts';
import { openingMessage, type RestVia } from './rest-transport.ts';
import { planTargets, type PlannedTarget } from './targets.ts';

/**
 * Requests in flight through the tunnel at once. Each is small; every tunnel connection is a
 * WebSocket through the API server, so this also bounds the load the plugin puts there.
 */
const DEFAULT_CONCURRENCY = 32;

/** what one busy TaskManager's flame graph can reach: below this much free space per target, say so */
const LARGE_FLAME_GRAPH_BYTES = 100 * 1024 * 1024;

export interface ProfileOptions {
  deployment: string;
  mode: ProfilingMode;
  duration: number;
  taskManagers: string[];
  jobManager: boolean;
  outputDir: string;
  /** --max-artifact-size */
  maxArtifactBytes?: number;
  /** extra folders in the pods for the exec fallback (PROFILER_OUTPUT_DIR) */
  searchDirs: string[];
  /** how to reach the Flink REST API; default port-forward */
  via?: RestVia;
  /** the --flink-* TLS flags */
  tls?: RestTlsFlags;
  /** parallel triggers/downloads */
  concurrency?: number;
  /** how long past the duration a run may take to finish; default max(15 s, 20%) */
  graceSeconds?: number;
  /** first poll interval once a run is due (it grows to 1 s); default 150 ms */
  pollMs?: number;
  signal?: AbortSignal;
}

export interface TargetOutcome extends FileOutcome {
  pod?: string;
  status: 'saved' | 'failed';
  triggerTime?: number;
  fileName?: string;
}

export interface ProfileResult {
  namespace: string;
  deployment: string;
  flinkVersion?: string;
  mode: ProfilingMode;
  duration: number;
  dir: string;
  targets: TargetOutcome[];
  /** `<run>.job.json`: Flink's job metrics over the runs' window, when they could be read */
  jobMetricsPath?: string;
}

export async function profileDeployment(cluster: Cluster, options: ProfileOptions, emit: Emit): Promise<ProfileResult> {
  const { signal } = options;
  const ref = parseDeploymentRef(options.deployment);
  emit({ type: 'step', message: `reading FlinkDeployment ${ref.name} in namespace ${cluster.namespace}` });
  const { name, object } = await resolveDeployment(cluster, ref);
  const { facts, warnings } = checkDeployment(object, name, cluster.namespace);
  for (const message of warnings) emit({ type: 'warning', message });
  checkDuration(options.duration, facts.durationMax);
  // a folder that cannot take the flame graphs is found now, not after the runs are used up
  const dir = artifactDir(options.outputDir, cluster.namespace, name);
  const disk = await checkOutputDir(dir);
  emit({ type: 'step', message: `saving to ${dir} (${describeFree(disk)})` });

  const pods = await findFlinkPods(cluster, name);
  const via = options.via ?? 'port-forward';
  if (pods.jobManagerNote) emit({ type: 'step', message: pods.jobManagerNote });
  if (pods.jobManagerNote && via !== 'port-forward') {
    emit({ type: 'warning', message: `the service ${name}-rest routes to any of the JobManagers, so through --via ${via} a standby may answer (and be profiled with --jobmanager); --via port-forward talks to the leader` });
  }
  emit({ type: 'step', message: openingMessage(via, facts, pods.jobManager.name) });
  const session = await openFlinkSession(cluster, { facts, via, jobManagerPod: pods.jobManager.name, ...(options.tls ? { tls: options.tls } : {}), ...(signal ? { signal } : {}) });
  try {
    if (session.profilerProblem) throw session.profilerProblem;
    const running = session.jobs.filter((j) => j.state === 'RUNNING');
    if (!facts.session && running.length === 0) throw noRunningJob(facts, session.jobs);
    emit({ type: 'step', message: `Flink ${session.flinkVersion ?? '?'}: ${session.overview.taskmanagers ?? '?'} TaskManagers, ${running.length} running job(s)` });

    const taskManagers = mapTaskManagersToPods(session.taskManagers, pods.taskManagers);
    const targets = planTargets(taskManagers, { taskManagers: options.taskManagers, jobManager: options.jobManager }, pods.jobManager.name);
    emit({ type: 'plan', targets: targets.map((t) => (t.pod ? { label: t.label, pod: t.pod } : { label: t.label })), mode: options.mode, duration: options.duration });
    await refuseBusyTargets(session.client, targets, facts);

    if (disk.freeBytes !== undefined && disk.freeBytes < targets.length * LARGE_FLAME_GRAPH_BYTES) {
      emit({ type: 'warning', message: `only ${describeFree(disk)} in ${dir}; ${targets.length} flame graph(s) may need up to ${describeBytes(targets.length * LARGE_FLAME_GRAPH_BYTES)}` });
    }
    const ctx = {
      client: session.client,
      transport: session.transport,
      mode: options.mode,
      duration: options.duration,
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      ...(signal ? { signal } : {}),
      emit,
    };
    const triggered = await triggerAll(targets, ctx);
    const runs = new Map(targets.flatMap((t) => {
      const result = triggered.get(t);
      return result?.status === 'running' ? [[t, result.run] as const] : [];
    }));
    // Flink's own metrics for the job over the same window: sampled now, in the background
    const [onlyJob] = running.length === 1 ? running : [];
    const jobMetrics = runs.size === 0 ? undefined : beginJobMetrics(session.client, {
      ...(onlyJob?.jid ? { jobId: onlyJob.jid } : {}),
      ...(session.flinkVersion ? { flinkVersion: session.flinkVersion } : {}),
      dir,
      mode: options.mode,
    }, emit);
    const ends = runs.size === 0 ? new Map<PlannedTarget, RunEnd>() : await waitForRuns(runs, targets.length, ctx, {
      ...(options.graceSeconds !== undefined ? { graceSeconds: options.graceSeconds } : {}),
      ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
      laterHint: `Flink may still finish it; fetch it later with: kubectl squirrly artifacts ${name} -n ${cluster.namespace} --latest`,
    });
    const files = new Map(targets.flatMap((t) => {
      const end = ends.get(t);
      return end?.status === 'finished' ? [[t, end.run.outputFile] as const] : [];
    }));
    const podDirs = [...new Set([facts.profilingDir ?? '/tmp', ...options.searchDirs])];
    const [downloads, metrics] = await Promise.all([
      runs.size === 0 ? new Map<PlannedTarget, DownloadResult>() : downloadAll(files, cluster, ctx, { dir, podDirs, ...(options.maxArtifactBytes !== undefined ? { maxBytes: options.maxArtifactBytes } : {}) }),
      jobMetrics?.finish(),
    ]);
    // beside the flame graphs only: a run that saved none leaves the folder as it was
    const anySaved = [...downloads.values()].some((d) => d.status === 'saved');
    const jobMetricsPath = metrics && anySaved ? await jobMetrics?.save({ ...metrics, deployment: deploymentRecord(object) }) : undefined;
    return {
      namespace: cluster.namespace,
      deployment: name,
      ...(session.flinkVersion ? { flinkVersion: session.flinkVersion } : {}),
      mode: options.mode,
      duration: options.duration,
      dir,
      targets: targets.map((t) => targetOutcome(t, triggered.get(t), ends.get(t), files.get(t), downloads.get(t))),
      ...(jobMetricsPath ? { jobMetricsPath } : {}),
    };
  } finally {
    await session.close();
  }
}

/** One target's outcome from what each step found; the last step that ran says why it failed. */
function targetOutcome(t: PlannedTarget, triggered?: TriggerResult, end?: RunEnd, fileName?: string, download?: DownloadResult): TargetOutcome {
  const base = { label: t.label, ...(t.pod ? { pod: t.pod } : {}) };
  const started = triggered?.status === 'running' ? { triggerTime: triggered.run.triggerTime } : {};
  const file = fileName !== undefined ? { fileName } : {};
  if (download?.status === 'saved') {
    return { ...base, status: 'saved', ...started, ...file, ...download.fetched };
  }
  const failure = download?.status === 'failed' ? download.failure : end?.status === 'failed' ? end.failure : triggered?.status === 'failed' ? triggered.failure : undefined;
  return { ...base, status: 'failed', ...started, ...file, ...failure };
}

/** Flink allows one run per process; refuse before triggering anything. */
async function refuseBusyTargets(client: FlinkRestClient, targets: PlannedTarget[], facts: DeploymentFacts): Promise<void> {
  const lists = await mapSettled(targets, DEFAULT_CONCURRENCY, (t) => listProfiling(client, t.target));
  for (const [i, result] of lists.entries()) {
    if (result.status === 'rejected') throw result.reason;
    const newest = result.value[0];
    if (newest?.status === 'RUNNING') {
      throw new ProfilerBusyError(runningElsewhere(targets[i]!.label, newest), `wait for it to finish, then fetch it with: kubectl squirrly artifacts ${facts.name} -n ${facts.namespace} --latest`);
    }
  }
}
