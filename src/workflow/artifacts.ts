// Use case: list every profiling run the cluster knows — the REST history of the
// JobManager and every TaskManager, merged with the files an exec scan finds on each pod's disk —
// and download the chosen files into the same layout as `profile`. Works on unhealthy deployments:
// without the profiler routes (or a ready JobManager) the disks are still scanned.
import { existsSync, statSync } from 'node:fs';
import { artifactDir, pathInside } from '../artifacts/layout.ts';
import { checkOutputDir, describeFree } from '../artifacts/output-dir.ts';
import { failureOf, InterruptedError, SquirrlyError, type Failure } from '../errors.ts';
import { configBoolean } from '../flink/configuration.ts';
import { listProfiling } from '../flink/profiler-api.ts';
import { FlinkRestError, type FlinkRestClient } from '../flink/rest-client.ts';
import { mapTaskManagersToPods, type MappedTaskManager } from '../flink/taskmanager-pods.ts';
import type { Cluster, PodRecord } from '../kube/cluster.ts';
import { usableSearchDir } from '../artifacts/pod-paths.ts';
import { scanPod } from './artifact-scan.ts';
import { mergeRuns, selectDownloads, type ArtifactRun, type DownloadRequest, type ScannedPod, type TargetHistory } from './artifact-listing.ts';
import { mapSettled } from './concurrency.ts';
import { deploymentFacts, enableProfilingPatch, type DeploymentFacts } from './deployment-checks.ts';
import type { Emit } from './events.ts';
import { fetchArtifact, type FileOutcome } from './fetch-artifact.ts';
import { isRunningAndReady, podRef } from './flink-pods.ts';
import { parseDeploymentRef, resolveDeployment } from './resolve-deployment.ts';
import { openFlinkSession, type FlinkSession } from './flink-session.ts';
import { chooseJobManager } from './rest-leader.ts';
import type { RestTlsFlags } from '../flink/rest-tls.ts';
import { openingMessage, type RestVia } from './rest-transport.ts';

export interface ArtifactsOptions {
  deployment: string;
  /** pod folders to scan besides rest.profiling.dir */
  searchDirs: string[];
  outputDir: string;
  /** --max-artifact-size */
  maxArtifactBytes?: number;
  download: DownloadRequest;
  /** how to reach the Flink REST API; default port-forward */
  via?: RestVia;
  /** the --flink-* TLS flags */
  tls?: RestTlsFlags;
  concurrency?: number;
  signal?: AbortSignal;
}

export interface DownloadOutcome extends FileOutcome {
  file: string;
  status: 'saved' | 'skipped' | 'failed';
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
  const choice = await chooseJobManager(cluster, name, pods.filter((p) => p.role === 'jobmanager' && isRunningAndReady(p)));
  if (choice?.note) emit({ type: 'step', message: choice.note });
  const jobManager = choice?.pod.name;

  const { session, status } = await openRest(cluster, facts, configBoolean(object.spec?.flinkConfiguration, 'rest.profiling.enabled') === true, jobManager, options.via ?? 'port-forward', emit, options.tls);
  try {
    const history: Histories = session ? await readHistories(session, pods, jobManager!, options, emit) : { histories: [], taskManagers: [] };

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
    if (selected.length > 0) {
      const state = await checkOutputDir(dir);
      emit({ type: 'step', message: `saving to ${dir} (${describeFree(state)})` });
    }
    const downloads = await downloadRuns(cluster, session?.client, selected, searchDirs, dir, options, emit);
    const flinkVersion = session?.flinkVersion ?? facts.flinkVersion;
    return {
      namespace: cluster.namespace,
      deployment: name,
      ...(flinkVersion ? { flinkVersion } : {}),
      rest: history.problem ?? status,
      searchDirs,
      histories: history.histories,
      pods: scanned,
      runs: merged.runs,
      downloads,
      dir,
      warnings,
    };
  } finally {
    await session?.close();
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
  session?: FlinkSession;
  status: ArtifactsResult['rest'];
}

const DISK_ONLY = '; only the pod disks were scanned';

async function openRest(cluster: Cluster, facts: DeploymentFacts, enabled: boolean, jobManager: string | undefined, via: RestVia, emit: Emit, tls?: RestTlsFlags): Promise<RestAccess> {
  const { name, namespace } = facts;
  if (!enabled) {
    return { status: { available: false, problem: `profiling is disabled on ${name} (rest.profiling.enabled is not "true"), so Flink keeps no run history${DISK_ONLY}`, hint: `enable it: ${enableProfilingPatch(name, namespace)}` } };
  }
  if (!jobManager) {
    return { status: { available: false, problem: `no running and ready JobManager pod for ${name}, so the REST history is unavailable${DISK_ONLY}`, hint: `check the pods: kubectl get pods -n ${namespace} -l app=${name}` } };
  }
  emit({ type: 'step', message: openingMessage(via, facts, jobManager) });
  try {
    return { session: await openFlinkSession(cluster, { facts, via, jobManagerPod: jobManager, ...(tls ? { tls } : {}) }), status: { available: true } };
  } catch (err) {
    if (err instanceof InterruptedError) throw err;
    return { status: diskOnly(failureOf(err)) };
  }
}

function diskOnly(failure: Failure): ArtifactsResult['rest'] {
  return { available: false, problem: failure.message + DISK_ONLY, ...(failure.hint ? { hint: failure.hint } : {}) };
}

type Histories = { histories: TargetHistory[]; taskManagers: MappedTaskManager[]; problem?: ArtifactsResult['rest'] };

async function readHistories(session: FlinkSession, pods: PodRecord[], jobManager: string, options: ArtifactsOptions, emit: Emit): Promise<Histories> {
  const taskManagers = mapTaskManagersToPods(session.taskManagers, pods.filter((p) => p.role === 'taskmanager').map(podRef));
  if (session.profilerProblem || !session.jobManagerRuns) {
    return { histories: [], taskManagers, ...(session.profilerProblem ? { problem: diskOnly(failureOf(session.profilerProblem)) } : {}) };
  }
  const jm: TargetHistory = { target: { kind: 'jobmanager' }, label: 'JobManager', pod: jobManager, state: 'listed', entries: session.jobManagerRuns };
  emit({ type: 'step', message: `reading the profiling history of the JobManager and ${taskManagers.length} TaskManager(s)` });
  const histories = await mapSettled(taskManagers, options.concurrency ?? 8, async (tm): Promise<TargetHistory> => {
    const target = { kind: 'taskmanager' as const, id: tm.id };
    const base = { target, label: tm.id, ...(tm.pod ? { pod: tm.pod } : {}) };
    try {
      return { ...base, state: 'listed', entries: await listProfiling(session.client, target) };
    } catch (err) {
      if (err instanceof FlinkRestError && err.status === 404) return { ...base, state: 'gone', entries: [], message: 'the TaskManager left the cluster' };
      return { ...base, state: 'failed', entries: [], message: failureOf(err).message };
    }
  });
  return { histories: [jm, ...histories.map((h) => (h.status === 'fulfilled' ? h.value : unreachable(h.reason)))], taskManagers };
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
  const reported = new Map<string, number>();
  for (const run of runs) reported.set(run.file!, (reported.get(run.file!) ?? 0) + 1);
  const results = await mapSettled(runs, Math.min(options.concurrency ?? 8, 8), async (run): Promise<DownloadOutcome> => {
    const file = run.file!;
    const dest = pathInside(dir, file);
    const known = run.onDisk?.bytes;
    // a name two targets report says nothing about which of them is on disk already
    if (known !== undefined && reported.get(file) === 1 && existsSync(dest) && statSync(dest).size === known) {
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
        ...(options.maxArtifactBytes !== undefined ? { maxBytes: options.maxArtifactBytes } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        onRetry: (attempt, reason) => emit({ type: 'retry', what: `download of ${file} from ${run.label}`, attempt, reason }),
      });
      emit({ type: 'saved', label: run.label, path: fetched.path, bytes: fetched.bytes, via: fetched.via, ...(fetched.existing ? { existing: fetched.existing } : {}) });
      return { file, label: run.label, status: 'saved', ...fetched };
    } catch (err) {
      return { file, label: run.label, status: 'failed', ...failureOf(err) };
    }
  });
  if (options.signal?.aborted) throw new InterruptedError('download interrupted');
  return results.map((r) => (r.status === 'fulfilled' ? r.value : unreachable(r.reason)));
}

// The work functions above catch everything they expect; anything else is a bug worth surfacing.
function unreachable(reason: unknown): never {
  throw reason;
}
