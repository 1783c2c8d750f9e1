// Use case step: one saved run sent to a profile store. Every flame graph of the run goes as a
// pprof profile (the exporter `export` uses), labelled with where it was taken and covering the
// run's window, so a store shows it beside the service's other profiles. Called once per saved
// run (profile, each run of a repeated profile, artifacts); the local files are never touched.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { failureOf, InterruptedError, type Failure } from '../errors.ts';
import { toPprof } from '../flamegraph/export/pprof.ts';
import { modeFromFileName, modeFromTitle } from '../flamegraph/mode.ts';
import { parseFlameGraphFile } from '../flamegraph/parse.ts';
import { PROFILING_MODES, type ProfilingMode } from '../flamegraph/types.ts';
import type { ProfilePusher } from '../pyroscope/pusher.ts';
import type { ArtifactsResult } from './artifacts.ts';
import type { Emit } from './events.ts';
import { findJobMetricsBeside, readJobMetricsFile } from './job-metrics-file.ts';
import type { ProfileResult } from './profile.ts';

export interface SavedFlameGraph {
  path: string;
  /** the TaskManager's id, or "JobManager" */
  target: string;
  pod?: string;
  mode?: ProfilingMode;
  /** Flink's trigger time of the run (ms): with the duration, the window the flame graph covers */
  triggerTime?: number;
  durationSeconds?: number;
  /** this flame graph's own `<run>.job.json`, when the run's is not it */
  jobMetricsPath?: string;
}

export interface SavedRun {
  namespace: string;
  deployment: string;
  flinkVersion?: string;
  /** `<run>.job.json`: the job's id, and the window when a flame graph has no trigger time */
  jobMetricsPath?: string;
  flameGraphs: readonly SavedFlameGraph[];
}

export interface PushedFlameGraph {
  path: string;
  target: string;
  labels: Record<string, string>;
  fromSeconds: number;
  untilSeconds: number;
  /** the flame graph's total, which the store now holds for these labels and window */
  samples: number;
}

export interface RunPushResult {
  where: string;
  pushed: PushedFlameGraph[];
  /** the flame graph whose push failed; the ones after it were not tried */
  failed?: { path: string; target: string; failure: Failure; notTried: number };
}

/** The flame graphs one `profile` run saved, as the push step takes them. */
export function savedRunOf(result: ProfileResult): SavedRun {
  return {
    namespace: result.namespace,
    deployment: result.deployment,
    ...(result.flinkVersion ? { flinkVersion: result.flinkVersion } : {}),
    ...(result.jobMetricsPath ? { jobMetricsPath: result.jobMetricsPath } : {}),
    flameGraphs: result.targets.flatMap((t) => (t.status === 'saved' && t.path ? [{
      path: t.path,
      target: t.label,
      ...(t.pod ? { pod: t.pod } : {}),
      mode: result.mode,
      ...(t.triggerTime !== undefined ? { triggerTime: t.triggerTime } : {}),
      durationSeconds: result.duration,
    }] : [])),
  };
}

/**
 * The flame graphs `artifacts` downloaded (or found already downloaded), each with what Flink's
 * history says about its run and the job metrics saved beside it by `profile`, if any.
 */
export async function savedRunOfDownloads(result: ArtifactsResult): Promise<SavedRun> {
  const flameGraphs: SavedFlameGraph[] = [];
  for (const d of result.downloads) {
    if (d.status === 'failed' || !d.path || !/\.html?$/i.test(d.path)) continue;
    const run = result.runs.find((r) => r.file === d.file && r.label === d.label);
    const mode = PROFILING_MODES.find((m) => m === run?.mode);
    const jobMetricsPath = await findJobMetricsBeside([d.path]);
    flameGraphs.push({
      path: d.path,
      target: d.label,
      ...(run?.pod ? { pod: run.pod } : {}),
      ...(mode ? { mode } : {}),
      ...(run?.triggerTime !== undefined ? { triggerTime: run.triggerTime } : {}),
      ...(run?.duration !== undefined ? { durationSeconds: run.duration } : {}),
      ...(jobMetricsPath ? { jobMetricsPath } : {}),
    });
  }
  return {
    namespace: result.namespace,
    deployment: result.deployment,
    ...(result.flinkVersion ? { flinkVersion: result.flinkVersion } : {}),
    flameGraphs,
  };
}

export async function pushSavedRun(pusher: ProfilePusher, run: SavedRun, emit: Emit, signal?: AbortSignal): Promise<RunPushResult> {
  const runJob = run.jobMetricsPath ? await readJobMetricsFile(run.jobMetricsPath) : undefined;
  const pushed: PushedFlameGraph[] = [];
  for (const [index, file] of run.flameGraphs.entries()) {
    if (signal?.aborted) throw new InterruptedError('push interrupted');
    try {
      const job = file.jobMetricsPath ? await readJobMetricsFile(file.jobMetricsPath) : runJob;
      const graph = await parseFlameGraphFile(file.path);
      const mode = file.mode ?? modeFromFileName(path.basename(file.path)) ?? modeFromTitle(graph.title);
      const window = await windowOf(file, job);
      const labels = runLabels(run, file, mode, job?.jobId);
      const pprof = toPprof(graph, { mode: mode ?? 'UNKNOWN', durationSeconds: window.untilSeconds - window.fromSeconds, comment: path.basename(file.path) });
      emit({ type: 'step', message: `pushing ${path.basename(file.path)} (${file.target}) to ${pusher.where}` });
      await pusher.push({ labels, ...window, pprof }, signal);
      pushed.push({ path: file.path, target: file.target, labels, ...window, samples: graph.frames?.total[0] ?? graph.root.total });
    } catch (err) {
      if (err instanceof InterruptedError || signal?.aborted) throw err instanceof InterruptedError ? err : new InterruptedError('push interrupted');
      // the store is unreachable or refusing: the rest would fail the same way, each after its retries
      return { where: pusher.where, pushed, failed: { path: file.path, target: file.target, failure: failureOf(err), notTried: run.flameGraphs.length - index - 1 } };
    }
  }
  return { where: pusher.where, pushed };
}

/**
 * The labels of one flame graph's series. Everything that tells two flame graphs of a run apart
 * is here, so each is its own series; nothing that changes between two pushes of the same file is.
 */
export function runLabels(run: SavedRun, file: SavedFlameGraph, mode: ProfilingMode | undefined, jobId: string | undefined): Record<string, string> {
  return {
    service_name: `${run.namespace}/${run.deployment}`,
    namespace: run.namespace,
    flink_deployment: run.deployment,
    ...(file.target === 'JobManager' ? { jobmanager: 'true' } : { taskmanager: file.target }),
    ...(file.pod ? { pod: file.pod } : {}),
    ...(run.flinkVersion ? { flink_version: run.flinkVersion } : {}),
    ...(jobId ? { job_id: jobId } : {}),
    profile_mode: mode ?? 'UNKNOWN',
  };
}

/**
 * The window a flame graph covers, in whole seconds: Flink's run record (trigger time + duration)
 * first, the job metrics' window next, else the duration up to when the file was written.
 */
async function windowOf(file: SavedFlameGraph, job: { from: string; to: string } | undefined): Promise<{ fromSeconds: number; untilSeconds: number }> {
  const seconds = file.durationSeconds ?? 0;
  if (file.triggerTime !== undefined && Number.isFinite(file.triggerTime)) {
    const from = Math.floor(file.triggerTime / 1000);
    return { fromSeconds: from, untilSeconds: from + Math.max(1, Math.ceil(seconds)) };
  }
  const jobFrom = job ? Date.parse(job.from) : Number.NaN;
  const jobTo = job ? Date.parse(job.to) : Number.NaN;
  if (Number.isFinite(jobFrom) && Number.isFinite(jobTo) && jobTo >= jobFrom) {
    const from = Math.floor(jobFrom / 1000);
    return { fromSeconds: from, untilSeconds: Math.max(from + 1, Math.ceil(jobTo / 1000)) };
  }
  const written = Math.floor((await stat(file.path)).mtimeMs / 1000);
  const from = written - Math.max(1, Math.ceil(seconds));
  return { fromSeconds: from, untilSeconds: written };
}
