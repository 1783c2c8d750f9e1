// Use case step: Flink's own metrics for the running job over a profiling window, read through the
// same REST client as the profiler and saved as `<run>.job.json` beside the flame graphs. It starts
// in the background when the runs are triggered and is finished after them; a failure is a warning,
// never a failed profile.
import { jobMetricsFileName } from '../artifacts/layout.ts';
import { InterruptedError } from '../errors.ts';
import type { JobMetricsSnapshot } from '../flink/job-metrics.ts';
import { JobMetricsRecorder } from '../flink/job-metrics-reader.ts';
import type { FlinkRestClient } from '../flink/rest-client.ts';
import { asArray, asObject, finiteNumber, flinkId } from '../flink/wire-values.ts';
import type { Emit } from './events.ts';
import { saveJobMetrics } from './job-metrics-file.ts';

export interface JobMetricsStepOptions {
  /** the job to measure; default the running one (the newest, in a session cluster) */
  jobId?: string;
  flinkVersion?: string;
  /** the folder the run's flame graphs go to */
  dir: string;
  mode: string;
  /** names the file; default now */
  startedAt?: Date;
}

export interface JobMetricsCapture {
  /** the second sample and the snapshot over the window; undefined when it could not be read */
  finish(): Promise<JobMetricsSnapshot | undefined>;
  /** writes `<run>.job.json` into the run folder; undefined (after a warning) when that fails */
  save(snapshot: JobMetricsSnapshot): Promise<string | undefined>;
}

/** Starts sampling at once, in the background; call finish() when the runs have ended. */
export function beginJobMetrics(client: FlinkRestClient, options: JobMetricsStepOptions, emit: Emit): JobMetricsCapture {
  const startedAt = options.startedAt ?? new Date();
  const warn = (err: unknown): undefined => {
    // an interrupted profile reports itself
    if (err instanceof InterruptedError) return undefined;
    emit({
      type: 'warning',
      message: `Flink's job metrics are not available: ${err instanceof Error ? err.message : String(err)}`,
      hint: 'the flame graphs are saved and analysed without them',
    });
    return undefined;
  };
  // never rejects: nobody may be waiting for it yet
  const recorder = (options.jobId !== undefined ? Promise.resolve(options.jobId) : runningJob(client))
    .then((jobId) => (jobId === undefined ? undefined : JobMetricsRecorder.start(client, jobId, options.flinkVersion ?? '')))
    .catch(warn);
  return {
    async finish() {
      const started = await recorder;
      if (started === undefined) return undefined;
      try {
        return await started.finish();
      } catch (err) {
        if (err instanceof InterruptedError) throw err;
        return warn(err);
      }
    },
    async save(snapshot) {
      try {
        const path = await saveJobMetrics(options.dir, jobMetricsFileName(options.mode, startedAt), snapshot);
        emit({ type: 'step', message: `saved Flink's job metrics of ${snapshot.jobName} to ${path}` });
        return path;
      } catch (err) {
        return warn(err);
      }
    },
  };
}

/** The running job (the newest, when a session cluster runs several), or undefined. */
async function runningJob(client: FlinkRestClient): Promise<string | undefined> {
  const jobs = asArray(asObject(await client.get<unknown>('/jobs/overview'))?.['jobs']).map(asObject);
  let newest: { jid: string; start: number } | undefined;
  for (const job of jobs) {
    const jid = flinkId(job?.['jid']);
    const start = finiteNumber(job?.['start-time']) ?? 0;
    if (jid !== undefined && job?.['state'] === 'RUNNING' && (newest === undefined || start > newest.start)) newest = { jid, start };
  }
  return newest?.jid;
}
