// WALL rules: every thread is sampled every 50 ms whatever it does, so samples are thread time.
// A blocking call (sleep, socket/HTTP/JDBC read, waiting on a future) under a user function on a
// task thread holds up every record; a task thread idle in its mailbox without back pressure only
// means the job keeps up with its input.
import { dotted, shortFrame } from '../../flamegraph/frame-kinds.ts';
import type { CostSite } from '../../flamegraph/types.ts';
import { vertexLoad } from '../job-graph.ts';
import { formatRate, threadMsPerSecond } from '../rates.ts';
import { attributeSite, type Band, bandSeverity, formatPercent, pathEvidence, type RuleContext, type ScoredFinding, sitesOf, where } from './context.ts';

export const WALL_THRESHOLDS = {
  /** thread time per second (ms/s) blocked under one user function on task threads */
  blocking: { medium: 150, high: 500 },
  /** percent of task-thread samples */
  taskIdle: 50,
  taskBackpressure: { medium: 20, high: 50 },
} as const satisfies Record<string, Band | number>;

/** a vertex this busy (ms/s, busiest subtask) is doing the blocking work, not waiting for input */
const BUSY_TASK = 500;

function blockingKind(frame: string): string {
  const name = dotted(frame);
  if (/Thread\.sleep/.test(name)) return 'sleeps';
  if (/^java\.sql\.|postgresql|mysql/.test(name)) return 'waits for a JDBC call';
  if (/http|URLConnection/i.test(name)) return 'waits for an HTTP call';
  if (/Socket|nio\.ch/.test(name)) return 'waits for a socket read';
  if (/LockSupport\.park|Object\.wait/.test(name)) return 'waits for a lock or condition';
  if (/BlockingQueue/.test(name)) return 'waits on a blocking queue';
  return 'waits for a future';
}

export function blockingFindings(ctx: RuleContext): ScoredFinding[] {
  const { summary } = ctx;
  if (summary.mode !== 'WALL') return [];
  // Called by user code (or a library it calls), not by Flink: a record writer waiting for a buffer under
  // a function's collect() is back pressure, not the function's own call.
  const sites = sitesOf(summary, 'blocking').filter((site) => site.task && site.userFrame !== undefined && !dotted(site.caller ?? '').startsWith('org.apache.flink.'));
  const byFunction = new Map<string, CostSite[]>();
  for (const site of sites) byFunction.set(site.userFrame!, [...(byFunction.get(site.userFrame!) ?? []), site]);
  const findings: ScoredFinding[] = [];
  for (const group of byFunction.values()) {
    const samples = group.reduce((sum, site) => sum + site.samples, 0);
    const ms = threadMsPerSecond(samples, summary.mode, ctx.clock) ?? 0;
    let severity = bandSeverity(ms, WALL_THRESHOLDS.blocking);
    if (severity === undefined) continue;
    const lead = group[0]!;
    const { attribution, resolved } = attributeSite(ctx, lead);
    const load = resolved ? vertexLoad(resolved.vertex) : undefined;
    const busy = load?.maxBusy;
    // Flink's own busy time settles it when known: a task that is not busy is not held up.
    if (busy !== undefined && busy < BUSY_TASK) severity = 'low';
    const fn = shortFrame(attribution.userFunction!);
    findings.push({
      id: 'blocking-call',
      severity,
      title: `${where(attribution)} ${blockingKind(lead.hotFrame)} on the task thread (${formatRate(ms, 'ms')} of thread time per second)`,
      evidence: [
        `${samples} wall-clock samples under ${fn} in ${dotted(lead.hotFrame)}${lead.caller ? ` (called from ${dotted(lead.caller)})` : ''}, over ${Math.round(ctx.clock.seconds)} s (${ctx.clock.source})`,
        ...(busy !== undefined ? [`Flink reports ${resolved!.vertex.name} busy ${formatPercent(busy / 10)} of the time on its busiest subtask (busyTimeMsPerSecond ${Math.round(busy)})`] : []),
        ...pathEvidence(attribution),
      ],
      advice:
        `${fn} blocks the task thread per record, so the whole chain waits with it and throughput is bounded by the call's latency. ` +
        `Call the external system through Flink Async I/O (AsyncDataStream.unorderedWait with an async client, capacity = the requests in flight you want), ` +
        `cache lookups, or batch them; ${/sleep/.test(lead.hotFrame) ? 'a sleep on the record path only throttles the job: remove it or rate-limit the source instead; ' : ''}` +
        `more parallelism only spreads the waiting.`,
      target: summary.target,
      attribution,
      score: ms / 1000,
    });
  }
  return findings;
}

/** How WALL task threads spend their time: idle waiting for input (info) or blocked on output buffers. */
export function taskThreadFindings(ctx: RuleContext): ScoredFinding[] {
  const { summary } = ctx;
  const task = summary.signals?.['task-thread'];
  if (summary.mode !== 'WALL' || task === undefined || task.percent === 0) return [];
  const shareOfTask = (id: 'task-idle' | 'backpressure'): number => Math.min(100, ((summary.signals?.[id]?.percent ?? 0) / task.percent) * 100);
  const idle = shareOfTask('task-idle');
  const blocked = shareOfTask('backpressure');
  const taskEvidence = `Flink task threads: ${formatPercent(task.percent)} of wall-clock samples`;
  const findings: ScoredFinding[] = [];
  if (blocked < WALL_THRESHOLDS.taskBackpressure.medium && idle >= WALL_THRESHOLDS.taskIdle) {
    findings.push({
      id: 'task-threads-idle',
      severity: 'info',
      title: `Task threads are idle ${formatPercent(idle)} of the time without back pressure: the job keeps up with its input`,
      evidence: [taskEvidence, `${formatPercent(idle)} of their samples wait in the task mailbox for input; ${formatPercent(blocked)} wait for output buffers`],
      advice:
        'Nothing here slows the job: it processes records faster than they arrive. If it should go faster, the limit is the source (its rate, partitions or lag); ' +
        'if it is over-provisioned, fewer slots or a lower parallelism would do.',
      target: summary.target,
      score: 0,
    });
  }
  const severity = bandSeverity(blocked, WALL_THRESHOLDS.taskBackpressure);
  if (severity !== undefined && ctx.job === undefined) {
    const site = sitesOf(summary, 'backpressure')[0];
    const attributed = site ? attributeSite(ctx, site) : undefined;
    findings.push({
      id: 'backpressure',
      severity: 'medium',
      title: `Task threads wait for output buffers ${formatPercent(blocked)} of the time${attributed ? ` in ${where(attributed.attribution)}` : ''}: a downstream operator is the bottleneck`,
      evidence: [taskEvidence, `${formatPercent(blocked)} of their samples wait for a network buffer (${summary.signals?.backpressure?.frame ?? ''})`, ...(attributed ? pathEvidence(attributed.attribution) : [])],
      advice:
        'These tasks are back-pressured: the first task downstream of them that is busy but not back-pressured is the bottleneck. Capture job metrics with the profile ' +
        '(busyTimeMsPerSecond / backPressuredTimeMsPerSecond per subtask) or profile that task in ITIMER/WALL mode; make it cheaper, scale it out, or fix its skew. ' +
        'More network buffers only hide back pressure.',
      target: summary.target,
      ...(attributed ? { attribution: attributed.attribution } : {}),
      score: blocked / 100,
    });
  }
  return findings;
}
