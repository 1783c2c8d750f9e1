// `monitor status` as text (one block per CronJob: its schedule and state, then its Jobs newest
// first) and as the -o json document. Names, reasons and messages come from the cluster: escaped.
import type { ChalkInstance } from 'chalk';
import type { MonitorJob, MonitorStatus } from '../../workflow/monitor-status.ts';
import { renderTable, type Column } from './table.ts';
import { escapedFields } from './untrusted.ts';

export function renderMonitorStatus(statuses: MonitorStatus[], where: { namespace: string; deployment?: string; chalk: ChalkInstance }): string {
  const { chalk } = where;
  if (statuses.length === 0) {
    const what = where.deployment ? `no monitor for ${where.deployment}` : 'no monitor';
    return `${what} in namespace ${where.namespace} (kubectl squirrly monitor install <deployment> --schedule CRON --image IMAGE creates one)\n`;
  }
  const blocks = escapedFields(statuses).map((status) => {
    const { cronJob } = status;
    const state = cronJob.suspended ? chalk.yellow('suspended') : cronJob.active > 0 ? chalk.cyan(`${cronJob.active} running`) : 'waiting';
    const head = [
      `${chalk.bold(cronJob.name)} (deployment ${status.deployment}, namespace ${where.namespace})`,
      `  schedule ${cronJob.schedule}, ${state}; last scheduled ${stamp(cronJob.lastScheduleTime) ?? 'never'}, last success ${stamp(cronJob.lastSuccessfulTime) ?? 'never'}`,
    ];
    if (status.jobs.length === 0) return [...head, '  no runs yet', ''].join('\n');
    const columns: Column[] = [
      { header: 'JOB', flexible: true },
      { header: 'STARTED (UTC)' },
      { header: 'DURATION' },
      { header: 'OUTCOME', flexible: true, style: (s) => (s.startsWith('Failed') ? chalk.red(s) : s) },
    ];
    const table = renderTable(columns, status.jobs.map((job) => [job.name, stamp(job.started) ?? '', job.durationMs === undefined ? '' : duration(job.durationMs), outcome(job)]));
    return [...head, ...table.trimEnd().split('\n').map((l) => `  ${l}`), ''].join('\n');
  });
  return blocks.join('\n');
}

function outcome(job: MonitorJob): string {
  const words = { complete: 'Complete', failed: 'Failed', running: 'running', pending: 'not started' }[job.state];
  const why = [job.reason, job.message].filter(Boolean).join(': ');
  return why ? `${words} (${why})` : words;
}

function stamp(date: Date | undefined): string | undefined {
  return date?.toISOString().slice(0, 19).replace('T', ' ');
}

export function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** { namespace, monitors: [{ name, deployment, schedule, suspended, active, lastScheduleTime, lastSuccessfulTime, jobs: [...] }] } */
export function monitorStatusJson(statuses: MonitorStatus[], namespace: string): object {
  const iso = (d: Date | undefined): string | null => d?.toISOString() ?? null;
  return {
    namespace,
    monitors: statuses.map(({ cronJob, deployment, jobs }) => ({
      name: cronJob.name,
      deployment,
      schedule: cronJob.schedule,
      suspended: cronJob.suspended,
      active: cronJob.active,
      lastScheduleTime: iso(cronJob.lastScheduleTime),
      lastSuccessfulTime: iso(cronJob.lastSuccessfulTime),
      jobs: jobs.map((j) => ({ name: j.name, started: iso(j.started), durationMs: j.durationMs ?? null, state: j.state, reason: j.reason ?? null, message: j.message ?? null })),
    })),
  };
}
