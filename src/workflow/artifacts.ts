// Use case: list every profiling run the cluster knows (SPEC §2.2) — the REST history of the
// JobManager and every TaskManager, merged with the files an exec scan finds on each pod's disk —
// and download the chosen files into the same layout as `profile`. Works on unhealthy deployments:
// without the profiler routes (or a ready JobManager) the disks are still scanned.
import { existsSync, statSync } from 'node:fs';
import { artifactDir, pathInside } from '../artifacts/layout.ts';
import { InterruptedError, SquirrlyError } from '../errors.ts';
import { configBoolean } from '../flink/configuration.ts';
import { listProfiling } from '../flink/profiler-api.ts';
import { FlinkRestClient, FlinkRestError } from '../flink/rest-client.ts';
import { mapTaskManagersToPods, type MappedTaskManager } from '../flink/taskmanager-pods.ts';
import type { DashboardConfig, TaskManagerInfo } from '../flink/types.ts';
import type { Cluster, PodRecord } from '../kube/cluster.ts';
import { scanPod, usableSearchDir } from './artifact-scan.ts';
import { mergeRuns, selectDownloads, type ArtifactRun, type DownloadRequest, type ScannedPod, type TargetHistory } from './artifact-listing.ts';
import { mapSettled } from './concurrency.ts';
import { deploymentFacts, enableProfilingPatch, type DeploymentFacts } from './deployment-checks.ts';
import type { Emit } from './events.ts';
import { fetchArtifact } from './fetch-artifact.ts';
import { isRunningAndReady, podRef } from './flink-pods.ts';
import { parseDeploymentRef, resolveDeployment } from './resolve-deployment.ts';
import { openRestTransport, type RestTransport, type RestVia } from './rest-transport.ts';

export interface ArtifactsOptions {
  deployment: string;
  /** pod folders to scan besides rest.profiling.dir */
  searchDirs: string[];
  outputDir: string;
  download: DownloadRequest;
  /** how to reach the Flink REST API; default port-forward */
  via?: RestVia;
  concurrency?: number;
  signal?: AbortSignal;
}

export interface DownloadOutcome {
  file: string;
  label: string;
  status: 'saved' | 'skipped' | 'failed';
  path?: string;
  bytes?: number;
  via?: 'rest' | 'exec';
  message?: string;
  hint?: string;
}

export interface ArtifactsResult {
  namespace: string;
  deployment: string;
  flinkVersion?: string;
  /** why the REST history is missing or partial, with the fix */
  rest: { available: boolean; problem?: string; hint?: string };
  searchDirs: string[];
  histories: TargetHistory[];
  pods: ScannedPod[];
  runs: ArtifactRun[];
  downloads: DownloadOutcome[];
  dir: string;
  warnings: string[];
}

export async function listArtifacts(cluster: Cluster, options: ArtifactsOptions, emit: Emit): Promise<ArtifactsResult> {
  const ref = parseDeploymentRef(options.deployment);
  emit({ type: 'step', message: `reading FlinkDeployment ${ref.name} in namespace ${cluster.namespace}` });
  const { name, object } = await resolveDeployment(cluster, ref);
  const facts = deploymentFacts(object, name, cluster.namespace);
  const dir = artifactDir(options.outputDir, cluster.namespace, name);
  const warnings: string[] = [];
  const searchDirs = effectiveSearchDirs(facts, options.searchDirs, warnings);
  const pods = await cluster.listPods(`app=${name}`);
  const jobManager = pods.find((p) => p.role === 'jobmanager' && isRunningAndReady(p))?.name;

  const rest = await openRest(cluster, facts, configBoolean(object.spec?.flinkConfiguration, 'rest.profiling.enabled') === true, jobManager, options.via ?? 'port-forward', emit);
  try {
    const history = rest.client ? await readHistories(rest.client, pods, jobManager!, options, emit).catch(historyUnavailable) : { histories: [], taskManagers: [] };
    if (history.problem) rest.status = { available: false, ...history.problem };

    emit({ type: 'step', message: `scanning ${searchDirs.join(', ')} in ${pods.length} pod(s)` });
    const scanned = await scanPods(cluster, pods, history.taskManagers, searchDirs, options.concurrency ?? 8);
    const merged = mergeRuns(history.histories, scanned);
    warnings.push(...merged.warnings);

    const { selected, unknown } = selectDownloads(merged.runs, options.download);
    if (unknown.length > 0) {
      throw new SquirrlyError(`no run of ${name} has the file ${unknown.map((u) => JSON.stringify(u)).join(', ')}`, {
        hint: `list the files with: kubectl squirrly artifacts ${name} -n ${cluster.namespace}`,
      });
    }
    const downloads = await downloadRuns(cluster, rest.client, selected, searchDirs, dir, options, emit);
    return {
      namespace: cluster.namespace,
      deployment: name,
      ...((rest.flinkVersion ?? facts.flinkVersion) ? { flinkVersion: rest.flinkVersion ?? facts.flinkVersion! } : {}),
      rest: rest.status,
      searchDirs,
      histories: history.histories,
      pods: scanned,
      runs: merged.runs,
      downloads,
      dir,
      warnings,
    };
  } finally {
    await rest.tunnel?.close();
  }
}

function effectiveSearchDirs(facts: DeploymentFacts, searchDirs: string[], warnings: string[]): string[] {
  const dirs: string[] = [];
  for (const raw of [facts.profilingDir ?? '/tmp', ...searchDirs]) {
    const dir = usableSearchDir(raw);
    if (dir === undefined) warnings.push(`ignoring the search dir ${JSON.stringify(raw)}: not an absolute path`);
    else if (!dirs.includes(dir)) dirs.push(dir);
  }
  return dirs;
}

interface RestAccess {
  client?: FlinkRestClient;
  tunnel?: RestTransport;
  flinkVersion?: string;
  status: ArtifactsResult['rest'];
}

async function openRest(cluster: Cluster, facts: DeploymentFacts, enabled: boolean, jobManager: string | undefined, via: RestVia, emit: Emit): Promise<RestAccess> {
  const { name, namespace } = facts;
  if (!enabled) {
    return { status: { available: false, problem: `profiling is disabled on ${name} (rest.profiling.enabled is not "true"), so Flink keeps no run history; only the pod disks were scanned`, hint: `enable it: ${enableProfilingPatch(name, namespace)}` } };
  }
  if (!jobManager) {
    return { status: { available: false, problem: `no running and ready JobManager pod for ${name}, so the REST history is unavailable; only the pod disks were scanned`, hint: `check the pods: kubectl get pods -n ${namespace} -l app=${name}` } };
  }
  emit({ type: 'step', message: via === 'proxy' ? `reaching ${name}-rest through the API server's service proxy` : `opening a port-forward to ${jobManager}:${facts.restPort}` });
  let tunnel: RestTransport | undefined;
  try {
    tunnel = await openRestTransport(cluster, facts, via, jobManager);
    const client = new FlinkRestClient(tunnel.baseUrl, { timeoutMs: cluster.timeoutMs });
    const config = await client.get<DashboardConfig>('/config');
    const flinkVersion = config['flink-version'];
    return { client, tunnel, ...(flinkVersion ? { flinkVersion } : {}), status: { available: true } };
  } catch (err) {
    const problem = await tunnel?.diagnose();
    const detail = problem?.message ?? tunnel?.lastError() ?? (err instanceof Error ? err.message : String(err));
    await tunnel?.close();
    return { status: { available: false, problem: `cannot reach the Flink REST API of ${name} (${detail}); only the pod disks were scanned`, hint: problem?.hint ?? `check the JobManager: kubectl logs -n ${namespace} ${jobManager}` } };
  }
}

async function readHistories(
  client: FlinkRestClient,
  pods: PodRecord[],
  jobManager: string,
  options: ArtifactsOptions,
  emit: Emit,
): Promise<Histories> {
  const tmPods = pods.filter((p) => p.role === 'taskmanager').map(podRef);
  const body = await client.get<{ taskmanagers?: TaskManagerInfo[] }>('/taskmanagers');
  const taskManagers = mapTaskManagersToPods(Array.isArray(body.taskmanagers) ? body.taskmanagers : [], tmPods);
  const jm: TargetHistory = { target: { kind: 'jobmanager' }, label: 'JobManager', pod: jobManager, state: 'listed', entries: [] };
  try {
    jm.entries = await listProfiling(client, jm.target);
  } catch (err) {
    if (err instanceof FlinkRestError && err.status === 404) {
      return { histories: [], taskManagers, problem: { problem: 'the JobManager has no profiler endpoints (rest.profiling.enabled is not in effect), so Flink keeps no run history; only the pod disks were scanned', hint: 'the operator applies rest.profiling.enabled on the next JobManager restart' } };
    }
    throw err;
  }
  emit({ type: 'step', message: `reading the profiling history of the JobManager and ${taskManagers.length} TaskManager(s)` });
  const histories = await mapSettled(taskManagers, options.concurrency ?? 8, async (tm): Promise<TargetHistory> => {
    const target = { kind: 'taskmanager' as const, id: tm.id };
    const base = { target, label: tm.id, ...(tm.pod ? { pod: tm.pod } : {}) };
    try {
      return { ...base, state: 'listed', entries: await listProfiling(client, target) };
    } catch (err) {
      if (err instanceof FlinkRestError && err.status === 404) return { ...base, state: 'gone', entries: [], message: 'the TaskManager left the cluster' };
      return { ...base, state: 'failed', entries: [], message: err instanceof Error ? err.message : String(err) };
    }
  });
  return { histories: [jm, ...histories.map((h) => (h.status === 'fulfilled' ? h.value : unreachable(h.reason)))], taskManagers };
}

type Histories = { histories: TargetHistory[]; taskManagers: MappedTaskManager[]; problem?: { problem: string; hint?: string } };

function historyUnavailable(err: unknown): Histories {
  if (err instanceof InterruptedError) throw err;
  const message = err instanceof Error ? err.message : String(err);
  return { histories: [], taskManagers: [], problem: { problem: `cannot read the REST history (${message}); only the pod disks were scanned`, hint: 'retry; if it persists check the JobManager logs' } };
}

async function scanPods(cluster: Cluster, pods: PodRecord[], taskManagers: MappedTaskManager[], dirs: string[], concurrency: number): Promise<ScannedPod[]> {
  const flinkPods = pods.flatMap((p) => (p.role ? [{ ...p, role: p.role }] : []));
  const results = await mapSettled(flinkPods, concurrency, async (p): Promise<ScannedPod> => {
    const { name: pod, role } = p;
    const label = role === 'jobmanager' ? 'JobManager' : (taskManagers.find((t) => t.pod === pod)?.id ?? pod);
    if (p.phase !== 'Running') {
      return { pod, role, label, scan: { state: 'failed', files: [], missingDirs: [], refused: [], message: `the pod is ${p.phase ?? 'not running'}` } };
    }
    return { pod, role, label, scan: await scanPod(cluster, pod, dirs) };
  });
  return results.map((r) => (r.status === 'fulfilled' ? r.value : unreachable(r.reason)));
}

async function downloadRuns(
  cluster: Cluster,
  client: FlinkRestClient | undefined,
  runs: ArtifactRun[],
  searchDirs: string[],
  dir: string,
  options: ArtifactsOptions,
  emit: Emit,
): Promise<DownloadOutcome[]> {
  const results = await mapSettled(runs, Math.min(options.concurrency ?? 8, 8), async (run): Promise<DownloadOutcome> => {
    const file = run.file!;
    const dest = pathInside(dir, file);
    const known = run.onDisk?.bytes;
    if (known !== undefined && existsSync(dest) && statSync(dest).size === known) {
      return { file, label: run.label, status: 'skipped', path: dest, bytes: known, message: 'already downloaded (same size)' };
    }
    try {
      const fetched = await fetchArtifact({
        ...(client && run.target ? { client } : {}),
        cluster,
        target: run.target ?? (run.label === 'JobManager' ? { kind: 'jobmanager' } : { kind: 'taskmanager', id: run.label }),
        fileName: file,
        dir,
        ...(run.pod ? { pod: run.pod } : {}),
        podDirs: run.onDisk ? [run.onDisk.dir] : searchDirs,
        ...(options.signal ? { signal: options.signal } : {}),
        onRetry: (attempt, reason) => emit({ type: 'retry', what: `download of ${file} from ${run.label}`, attempt, reason }),
      });
      emit({ type: 'saved', label: run.label, path: fetched.path, bytes: fetched.bytes, via: fetched.via });
      return { file, label: run.label, status: 'saved', path: fetched.path, bytes: fetched.bytes, via: fetched.via };
    } catch (err) {
      return { file, label: run.label, status: 'failed', message: err instanceof Error ? err.message : String(err), ...(err instanceof SquirrlyError && err.hint ? { hint: err.hint } : {}) };
    }
  });
  if (options.signal?.aborted) throw new InterruptedError('download interrupted');
  return results.map((r) => (r.status === 'fulfilled' ? r.value : unreachable(r.reason)));
}

// The work functions above catch everything they expect; anything else is a bug worth surfacing.
function unreachable(reason: unknown): never {
  throw reason;
}
