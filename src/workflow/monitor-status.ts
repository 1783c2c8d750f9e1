// `monitor status`: the monitors' CronJobs and their recent Jobs, newest first, each Job with how
// long it ran and how it ended (the condition the Job controller set, and its reason).
import type { Cluster, CronJobRecord, JobRecord } from '../kube/cluster.ts';
import { DEPLOYMENT_LABEL, monitorSelector } from './monitor-plan.ts';

export interface MonitorJob {
  name: string;
  started?: Date;
  /** milliseconds from start to completion, or to `now` while it runs */
  durationMs?: number;
  state: 'running' | 'complete' | 'failed' | 'pending';
  reason?: string;
  message?: string;
}

export interface MonitorStatus {
  cronJob: CronJobRecord;
  deployment: string;
  jobs: MonitorJob[];
}

export async function monitorStatus(cluster: Cluster, deployment?: string, now = new Date()): Promise<MonitorStatus[]> {
  const selector = monitorSelector(deployment);
  const [cronJobs, jobs] = await Promise.all([cluster.listCronJobs(selector), cluster.listJobs(selector)]);
  return cronJobs
    .map((cronJob) => ({
      cronJob,
      deployment: cronJob.labels[DEPLOYMENT_LABEL] ?? '',
      jobs: jobs.filter((job) => ownedBy(job, cronJob)).map((job) => describeJob(job, now)).sort(newestFirst),
    }))
    .sort((a, b) => a.cronJob.name.localeCompare(b.cronJob.name));
}

/** A Job the CronJob controller made names its CronJob as owner; a hand-made copy of the labels does not count. */
function ownedBy(job: JobRecord, cronJob: CronJobRecord): boolean {
  return job.cronJob === cronJob.name;
}

export function describeJob(job: JobRecord, now: Date): MonitorJob {
  const started = job.startTime ?? job.created;
  const ended = job.completionTime ?? job.outcome?.time;
  const state = job.outcome?.type === 'Complete' ? 'complete' : job.outcome?.type === 'Failed' ? 'failed' : job.startTime ? 'running' : 'pending';
  const until = state === 'running' ? now : ended;
  return {
    name: job.name,
    ...(started ? { started } : {}),
    ...(started && until ? { durationMs: Math.max(0, until.getTime() - started.getTime()) } : {}),
    state,
    ...(job.outcome?.reason ? { reason: job.outcome.reason } : {}),
    ...(job.outcome?.message ? { message: job.outcome.message } : {}),
  };
}

function newestFirst(a: MonitorJob, b: MonitorJob): number {
  return (b.started?.getTime() ?? 0) - (a.started?.getTime() ?? 0) || b.name.localeCompare(a.name);
}
