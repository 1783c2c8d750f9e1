// Use case: profile a FlinkDeployment (SPEC §2.1 steps 1–7, 9). From a kubeconfig to flame
// graphs on disk: check the deployment, open the REST transport, trigger every target, wait,
// download. Analysis (step 8) runs after this, on the saved files.
import type { ProfilingMode } from '../flamegraph/types.ts';
import { artifactDir } from '../artifacts/layout.ts';
import { InterruptedError, SquirrlyError } from '../errors.ts';
import { listProfiling, triggerProfiling } from '../flink/profiler-api.ts';
import { FlinkRestClient, FlinkRestError } from '../flink/rest-client.ts';
import { mapTaskManagersToPods } from '../flink/taskmanager-pods.ts';
import type { ClusterOverview, DashboardConfig, JobDetails, ProfilingInfo, TaskManagerInfo } from '../flink/types.ts';
import { parseFlinkVersion, supportsProfiler } from '../flink/version.ts';
import type { Cluster } from '../kube/cluster.ts';
import { sleep } from '../sleep.ts';
import { mapSettled } from './concurrency.ts';
import { checkDeployment, checkDuration, enableProfilingPatch, type DeploymentFacts } from './deployment-checks.ts';
import type { Emit } from './events.ts';
import { fetchArtifact } from './fetch-artifact.ts';
import { findFlinkPods } from './flink-pods.ts';
import { failureAdvice, runningElsewhere } from './run-messages.ts';
import { parseDeploymentRef, resolveDeployment } from './resolve-deployment.ts';
import { openRestTransport, type RestTransport, type RestVia } from './rest-transport.ts';
import { planTargets, type PlannedTarget } from './targets.ts';

/**
 * Requests in flight through the tunnel at once. Each is small; every tunnel connection is a
 * WebSocket through the API server, so this also bounds the load the plugin puts there.
 */
const DEFAULT_CONCURRENCY = 32;

export interface ProfileOptions {
  deployment: string;
  mode: ProfilingMode;
  duration: number;
  taskManagers: string[];
  jobManager: boolean;
  outputDir: string;
  /** extra folders in the pods for the exec fallback (PROFILER_OUTPUT_DIR) */
  searchDirs: string[];
  /** how to reach the Flink REST API; default port-forward */
  via?: RestVia;
  /** parallel triggers/downloads */
  concurrency?: number;
  /** how long past the duration a run may take to finish; default max(15 s, 20%) */
  graceSeconds?: number;
  /** first poll interval once a run is due (it grows to 1 s); default 150 ms */
  pollMs?: number;
  signal?: AbortSignal;
}

export interface TargetOutcome {
  label: string;
  pod?: string;
  status: 'saved' | 'failed';
  triggerTime?: number;
  fileName?: string;
  path?: string;
  bytes?: number;
  via?: 'rest' | 'exec';
  message?: string;
  hint?: string;
}

export interface ProfileResult {
  namespace: string;
  deployment: string;
  flinkVersion?: string;
  mode: ProfilingMode;
  duration: number;
  dir: string;
  targets: TargetOutcome[];
}

export async function profileDeployment(cluster: Cluster, options: ProfileOptions, emit: Emit): Promise<ProfileResult> {
  const { signal } = options;
  const ref = parseDeploymentRef(options.deployment);
  emit({ type: 'step', message: `reading FlinkDeployment ${ref.name} in namespace ${cluster.namespace}` });
  const { name, object } = await resolveDeployment(cluster, ref);
  const { facts, warnings } = checkDeployment(object, name, cluster.namespace);
  for (const message of warnings) emit({ type: 'warning', message });
  checkDuration(options.duration, facts.durationMax);

  const pods = await findFlinkPods(cluster, name);
  const via = options.via ?? 'port-forward';
  emit({ type: 'step', message: via === 'proxy' ? `reaching ${name}-rest through the API server's service proxy` : `opening a port-forward to ${pods.jobManager.name}:${facts.restPort}` });
  const tunnel = await openRestTransport(cluster, facts, via, pods.jobManager.name);
  try {
    const client = new FlinkRestClient(tunnel.baseUrl, { timeoutMs: cluster.timeoutMs, ...(signal ? { signal } : {}) });
    const flinkVersion = await readCluster(client, facts, tunnel, emit);
    const taskManagers = mapTaskManagersToPods(await getTaskManagers(client), pods.taskManagers);
    const targets = planTargets(taskManagers, { taskManagers: options.taskManagers, jobManager: options.jobManager }, pods.jobManager.name);
    emit({ type: 'plan', targets: targets.map((t) => (t.pod ? { label: t.label, pod: t.pod } : { label: t.label })), mode: options.mode, duration: options.duration });

    await refuseBusyTargets(client, targets, facts);
    const dir = artifactDir(options.outputDir, cluster.namespace, name);
    const outcomes = await runTargets(client, cluster, targets, facts, { ...options, dir, transport: tunnel }, emit);
    return {
      namespace: cluster.namespace,
      deployment: name,
      ...(flinkVersion ? { flinkVersion } : {}),
      mode: options.mode,
      duration: options.duration,
      dir,
      targets: outcomes,
    };
  } finally {
    await tunnel.close();
  }
}

/** GET /config, /overview, /jobs/overview and the JobManager's profiler list (404 = disabled). */
async function readCluster(client: FlinkRestClient, facts: DeploymentFacts, tunnel: RestTransport, emit: Emit): Promise<string | undefined> {
  let config: DashboardConfig;
  try {
    config = await client.get<DashboardConfig>('/config');
  } catch (err) {
    const problem = await tunnel.diagnose();
    throw new SquirrlyError(`cannot reach the Flink REST API of ${facts.name} through ${tunnel.route}${problem ? `: ${problem.message}` : ''}`, {
      hint: problem?.hint ?? `check rest.port (${facts.restPort}) and the JobManager: kubectl logs -n ${facts.namespace} -l app=${facts.name},component=jobmanager`,
      cause: err,
    });
  }
  const version = config['flink-version'] ?? facts.flinkVersion;
  const parsed = parseFlinkVersion(version);
  if (parsed && !supportsProfiler(parsed)) {
    throw new SquirrlyError(`${facts.name} runs Flink ${version}; the profiler REST API needs Flink 1.19 or newer`, {
      hint: 'upgrade the deployment to Flink 1.19+',
    });
  }
  const overview = await client.get<ClusterOverview>('/overview');
  const jobs = (await client.get<{ jobs?: JobDetails[] }>('/jobs/overview')).jobs ?? [];
  const running = jobs.filter((j) => j.state === 'RUNNING');
  if (!facts.session && running.length === 0) {
    throw new SquirrlyError(`Flink reports no RUNNING job on ${facts.name} (${jobs.map((j) => `${j.name ?? j.jid}: ${j.state}`).join(', ') || 'no jobs'})`, {
      hint: `check the job: kubectl get flinkdeployment ${facts.name} -n ${facts.namespace}`,
    });
  }
  emit({ type: 'step', message: `Flink ${version ?? '?'}: ${overview.taskmanagers ?? '?'} TaskManagers, ${running.length} running job(s)` });
  try {
    await client.get('/jobmanager/profiler');
  } catch (err) {
    if (err instanceof FlinkRestError && err.status === 404) {
      throw new SquirrlyError(`the JobManager of ${facts.name} has no profiler endpoints: rest.profiling.enabled is not in effect`, {
        hint: `enable it (the operator restarts the JobManager): ${enableProfilingPatch(facts.name, facts.namespace)}`,
      });
    }
    throw err;
  }
  return version;
}

async function getTaskManagers(client: FlinkRestClient): Promise<TaskManagerInfo[]> {
  const body = await client.get<{ taskmanagers?: TaskManagerInfo[] }>('/taskmanagers');
  return Array.isArray(body.taskmanagers) ? body.taskmanagers : [];
}

/** Flink allows one run per process; refuse before triggering anything (SPEC §2.1 step 4). */
async function refuseBusyTargets(client: FlinkRestClient, targets: PlannedTarget[], facts: DeploymentFacts): Promise<void> {
  const lists = await mapSettled(targets, DEFAULT_CONCURRENCY, (t) => listProfiling(client, t.target));
  for (const [i, result] of lists.entries()) {
    if (result.status === 'rejected') throw result.reason;
    const newest = result.value[0];
    if (newest?.status === 'RUNNING') {
      throw new SquirrlyError(runningElsewhere(targets[i]!.label, newest), {
        hint: `wait for it to finish, then fetch it with: kubectl squirrly artifacts ${facts.name} -n ${facts.namespace} --latest`,
      });
    }
  }
}

interface RunContext extends ProfileOptions {
  dir: string;
  transport: RestTransport;
}

async function runTargets(client: FlinkRestClient, cluster: Cluster, targets: PlannedTarget[], facts: DeploymentFacts, ctx: RunContext, emit: Emit): Promise<TargetOutcome[]> {
  const concurrency = ctx.concurrency ?? DEFAULT_CONCURRENCY;
  const outcomes: TargetOutcome[] = targets.map((t) => (t.pod ? { label: t.label, pod: t.pod, status: 'failed' } : { label: t.label, status: 'failed' }));

  // 1. Trigger every target (bounded concurrency); an immediate FAILED carries Flink's reason.
  const started = new Map<number, ProfilingInfo>();
  await mapSettled(targets, concurrency, async (t, i) => {
    try {
      const info = await triggerProfiling(client, t.target, ctx.mode, ctx.duration);
      if (info.status === 'FAILED') {
        const advice = failureAdvice(ctx.mode, info.message ?? '');
        Object.assign(outcomes[i]!, { message: `Flink refused to start ${ctx.mode} profiling: ${info.message ?? 'no message'}`, ...(advice ? { hint: advice } : {}) });
        emit({ type: 'target', label: t.label, state: 'failed', message: info.message ?? 'FAILED' });
        return;
      }
      started.set(i, info);
      outcomes[i]!.triggerTime = info.triggerTime;
      emit({ type: 'target', label: t.label, state: 'running' });
    } catch (err) {
      // a refusal of the transport itself (e.g. services/proxy allowed for get but not create)
      const refused = err instanceof FlinkRestError && (err.status === 401 || err.status === 403) ? await ctx.transport.diagnose() : undefined;
      if (refused) {
        Object.assign(outcomes[i]!, { message: refused.message, ...(refused.hint ? { hint: refused.hint } : {}) });
        emit({ type: 'target', label: t.label, state: 'failed', message: refused.message });
        return;
      }
      const message = err instanceof FlinkRestError && err.text.includes('still under profiling')
        ? `${t.label} is already being profiled by someone else`
        : err instanceof FlinkRestError && err.text.includes('must be set between')
          ? `Flink rejected --duration ${ctx.duration}: ${err.message}`
          : errorText(err);
      outcomes[i]!.message = message;
      emit({ type: 'target', label: t.label, state: 'failed', message });
    }
  });
  if (started.size === 0) return outcomes;

  // 2. Wait for the duration with a countdown, then poll until each run is FINISHED or FAILED.
  const grace = ctx.graceSeconds ?? Math.max(15, Math.ceil(ctx.duration * 0.2));
  const startedAt = Date.now();
  const dueAt = startedAt + ctx.duration * 1000;
  const deadline = dueAt + grace * 1000;
  const pending = new Set(started.keys());
  const finished = new Map<number, ProfilingInfo>();
  // Flink stops a run exactly `duration` after the trigger: poll fast right then, back off after.
  let pollMs = ctx.pollMs ?? 150;
  while (pending.size > 0) {
    if (ctx.signal?.aborted) throw new InterruptedError();
    const now = Date.now();
    emit({ type: 'countdown', remainingSeconds: Math.max(0, Math.ceil((dueAt - now) / 1000)), running: pending.size, done: targets.length - pending.size, total: targets.length });
    if (now < dueAt) {
      await sleep(Math.min(1000, dueAt - now), ctx.signal);
      continue;
    }
    if (now > deadline) {
      for (const i of pending) {
        outcomes[i]!.message = `the run did not finish within ${ctx.duration + grace}s`;
        outcomes[i]!.hint = `Flink may still finish it; fetch it later with: kubectl squirrly artifacts ${facts.name} -n ${facts.namespace} --latest`;
        emit({ type: 'target', label: targets[i]!.label, state: 'failed', message: outcomes[i]!.message });
      }
      break;
    }
    await mapSettled([...pending], concurrency, async (i) => {
      const entry = matchRun(await listProfiling(client, targets[i]!.target), started.get(i)!);
      if (!entry || entry.status === 'RUNNING') return;
      pending.delete(i);
      if (entry.status === 'FINISHED' && entry.outputFile) {
        finished.set(i, entry);
        emit({ type: 'target', label: targets[i]!.label, state: 'finished' });
      } else {
        outcomes[i]!.message = `the run ended ${entry.status}: ${entry.message ?? 'no message'}`;
        const advice = failureAdvice(ctx.mode, entry.message ?? '');
        if (advice) outcomes[i]!.hint = advice;
        emit({ type: 'target', label: targets[i]!.label, state: 'failed', message: outcomes[i]!.message });
      }
    });
    if (pending.size > 0) {
      await sleep(pollMs, ctx.signal);
      pollMs = Math.min(1000, Math.round(pollMs * 1.5));
    }
  }

  // 3. Download every finished run; each file is on disk, complete, before analysis starts.
  const podDirs = [...new Set([facts.profilingDir ?? '/tmp', ...ctx.searchDirs])];
  await mapSettled([...finished.entries()], Math.min(concurrency, 16), async ([i, entry]) => {
    const t = targets[i]!;
    outcomes[i]!.fileName = entry.outputFile!;
    emit({ type: 'target', label: t.label, state: 'downloading' });
    try {
      const fetched = await fetchArtifact({
        client,
        cluster,
        target: t.target,
        fileName: entry.outputFile!,
        dir: ctx.dir,
        ...(t.pod ? { pod: t.pod } : {}),
        podDirs,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        onRetry: (attempt, reason) => emit({ type: 'retry', what: `download of ${entry.outputFile} from ${t.label}`, attempt, reason }),
      });
      Object.assign(outcomes[i]!, { status: 'saved', path: fetched.path, bytes: fetched.bytes, via: fetched.via });
      emit({ type: 'saved', label: t.label, path: fetched.path, bytes: fetched.bytes, via: fetched.via });
      emit({ type: 'target', label: t.label, state: 'saved' });
    } catch (err) {
      outcomes[i]!.message = errorText(err);
      if (err instanceof SquirrlyError && err.hint) outcomes[i]!.hint = err.hint;
      emit({ type: 'target', label: t.label, state: 'failed', message: outcomes[i]!.message });
    }
  });
  if (ctx.signal?.aborted) throw new InterruptedError();
  return outcomes;
}

/** This run's entry: the one with our trigger time; Flink adds newest first. */
export function matchRun(list: ProfilingInfo[], ours: ProfilingInfo): ProfilingInfo | undefined {
  if (typeof ours.triggerTime === 'number') {
    const exact = list.find((e) => e.triggerTime === ours.triggerTime);
    if (exact) return exact;
  }
  // No usable trigger time: the newest entry of our mode that is not older than ours.
  return list.find((e) => e.mode === ours.mode && (typeof ours.triggerTime !== 'number' || (e.triggerTime ?? 0) >= ours.triggerTime));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

