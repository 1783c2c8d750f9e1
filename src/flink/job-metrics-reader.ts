// Reads Flink's own metrics for one job through the JobManager REST API, sampled at the start and
// the end of a profiling window so the rates cover that window. The routes and fields answer the
// same on Flink 1.20 and 2.x:
//   GET /jobs/:jid                    vertices: id, name, parallelism; plan.nodes[].inputs[]: upstream id +
//                                     ship_strategy, and the chained operator names (also at /jobs/:jid/plan)
//   GET /jobs/:jid/vertices/:vid      subtasks[]: taskmanager-id and accumulated busy / idle / back-pressured
//                                     time and records read / written (counters, ms and records since start)
//   GET /jobs/:jid/vertices/:vid/metrics?get=<i>.busyTimeMsPerSecond,…   per-subtask gauges (fallback only)
//   GET /taskmanagers/:tmid           metrics.garbageCollectors[] (name "All": total time), heapUsed, heapMax
//   GET /jobs/:jid/checkpoints        counts, latest.completed, summary.end_to_end_duration
// The JobManager serves metrics from a store that a request refreshes in the background, at most every
// metrics.fetcher.update-interval (10 s by default): an answer shows the store as the previous fetch
// left it. So start() waits for a filled store, finish() for a fetch made after it was called. The
// busy/idle/back-pressured counters move with the task's running time, so their deltas measure the
// span each subtask really covered; a span without movement gives no rates rather than zeros.
import type { CheckpointMetrics, JobEdge, JobMetricsSnapshot, SubtaskMetrics, TaskManagerMetrics, VertexMetrics } from './job-metrics.ts';
import { sleep } from '../sleep.ts';
import type { FlinkRestClient } from './rest-client.ts';
import { asArray, asObject, cleanText, flinkId, nonNegative } from './wire-values.ts';

// Bounds on what one answer may make us do: real jobs stay far below these.
const MAX_VERTICES = 200;
const MAX_SUBTASKS = 4096;
const MAX_TASK_MANAGERS = 512;
const REQUESTS_IN_FLIGHT = 4;
/** subtasks per gauge request, so the query string stays short */
const GAUGE_SUBTASKS_PER_REQUEST = 40;
/** how long start() waits for the JobManager's metric store to fill */
const SETTLE_MS = 5000;
/** how long finish() waits for a fresh fetch: a little over metrics.fetcher.update-interval's default */
const FRESH_END_MS = 11_000;
const SETTLE_POLL_MS = 500;

export interface JobGraph {
  jobId: string;
  jobName: string;
  vertices: Array<Omit<VertexMetrics, 'subtasks'>>;
  edges: JobEdge[];
}

interface SubtaskCounters {
  index: number;
  taskManagerId: string;
  busyMs?: number;
  idleMs?: number;
  backPressuredMs?: number;
  recordsIn?: number;
  recordsOut?: number;
}

interface TaskManagerCounters {
  gcTimeMs?: number;
  heapUsedBytes?: number;
  heapMaxBytes?: number;
}

export interface CounterSample {
  /** epoch ms when the sample was requested */
  at: number;
  vertices: Map<string, SubtaskCounters[]>;
  taskManagers: Map<string, TaskManagerCounters>;
}

type Gauges = Pick<SubtaskMetrics, 'busyMsPerSecond' | 'backPressuredMsPerSecond' | 'idleMsPerSecond' | 'recordsInPerSecond' | 'recordsOutPerSecond'>;

export async function readJobGraph(client: FlinkRestClient, jobId: string): Promise<JobGraph> {
  const id = flinkId(jobId);
  if (id === undefined) throw new Error(`not a Flink job id: ${JSON.stringify(jobId.slice(0, 40))}`);
  const body = asObject(await client.get<unknown>(`/jobs/${id}`)) ?? {};
  // the job's answer carries its plan; older versions only serve it at /plan
  const plan = asObject(body['plan']) ?? asObject(asObject(await client.get<unknown>(`/jobs/${id}/plan`).catch(() => undefined))?.['plan']);
  const nodes = asArray(plan?.['nodes']).map(asObject);
  const descriptions = new Map<string, unknown>();
  const edges: JobEdge[] = [];
  for (const node of nodes) {
    const to = flinkId(node?.['id']);
    if (to === undefined) continue;
    descriptions.set(to, node?.['description']);
    for (const input of asArray(node?.['inputs']).map(asObject)) {
      const from = flinkId(input?.['id']);
      if (from === undefined) continue;
      const shipStrategy = cleanText(input?.['ship_strategy'], 64);
      edges.push({ from, to, ...(shipStrategy ? { shipStrategy } : {}) });
    }
  }
  const vertices: JobGraph['vertices'] = [];
  for (const v of asArray(body['vertices']).slice(0, MAX_VERTICES).map(asObject)) {
    const vid = flinkId(v?.['id']);
    if (vid === undefined) continue;
    const name = cleanText(v?.['name']) ?? vid;
    vertices.push({ id: vid, name, operators: chainedOperators(name, descriptions.get(vid)), parallelism: nonNegative(v?.['parallelism']) ?? 0 });
  }
  return { jobId: id, jobName: cleanText(body['name']) ?? id, vertices, edges: edges.slice(0, MAX_VERTICES * 4) };
}

/**
 * The operators of a chain in order. The plan's description lists them one per line
 * ("Source: clicks<br/>+- Map<br/>"); it is used when it agrees with the vertex name, which joins
 * the same names with " -> " (a user-set description would not). Otherwise the name is split.
 */
export function chainedOperators(vertexName: string, description: unknown): string[] {
  if (typeof description === 'string') {
    const lines = description
      .split('<br/>')
      .map((line) => line.replace(/^(?:\s|&nbsp;)*(?:[:+]-\s)?/, '').trim())
      .filter((line) => line !== '');
    const cleaned = lines.map((line) => cleanText(line) ?? '');
    if (cleaned.length > 0 && cleaned.join(' -> ') === vertexName) return cleaned;
  }
  return vertexName.split(' -> ');
}

/** One sample of every counter the snapshot turns into rates. */
export async function sampleCounters(client: FlinkRestClient, graph: JobGraph, now: () => number = Date.now): Promise<CounterSample> {
  const at = now();
  const vertices = new Map<string, SubtaskCounters[]>();
  const failures: unknown[] = [];
  await inBatches(graph.vertices, async (vertex) => {
    const answer = await client.get<unknown>(`/jobs/${graph.jobId}/vertices/${vertex.id}`).catch((err: unknown) => {
      failures.push(err);
      return undefined;
    });
    vertices.set(vertex.id, subtaskCounters(answer));
  });
  // one vertex may be between restarts; none answering means there is nothing to measure
  if (graph.vertices.length > 0 && failures.length === graph.vertices.length) throw failures[0];
  const tmIds = new Set<string>();
  for (const subtasks of vertices.values()) for (const s of subtasks) if (s.taskManagerId) tmIds.add(s.taskManagerId);
  const taskManagers = new Map<string, TaskManagerCounters>();
  await inBatches([...tmIds].slice(0, MAX_TASK_MANAGERS), async (tm) => {
    const answer = await client.get<unknown>(`/taskmanagers/${encodeURIComponent(tm)}`).catch(() => undefined);
    taskManagers.set(tm, taskManagerCounters(answer));
  });
  return { at, vertices, taskManagers };
}

function subtaskCounters(answer: unknown): SubtaskCounters[] {
  const out: SubtaskCounters[] = [];
  for (const s of asArray(asObject(answer)?.['subtasks']).slice(0, MAX_SUBTASKS).map(asObject)) {
    const index = nonNegative(s?.['subtask']);
    if (index === undefined || !Number.isInteger(index)) continue;
    const m = asObject(s?.['metrics']) ?? {};
    // "<name>-complete": false means the metric store has nothing for it yet; when no counter is
    // complete, the zero times beside them are placeholders too.
    const flags = Object.keys(m).filter((k) => k.endsWith('-complete'));
    const unknown = flags.length > 0 && flags.every((k) => m[k] === false);
    const counter = (key: string): number | undefined => (unknown || m[`${key}-complete`] === false ? undefined : nonNegative(m[key]));
    out.push(defined({
      index,
      taskManagerId: cleanText(s?.['taskmanager-id'], 256) ?? '',
      busyMs: counter('accumulated-busy-time'),
      idleMs: counter('accumulated-idle-time'),
      backPressuredMs: counter('accumulated-backpressured-time'),
      recordsIn: counter('read-records'),
      recordsOut: counter('write-records'),
    }));
  }
  return out;
}

function taskManagerCounters(answer: unknown): TaskManagerCounters {
  const m = asObject(asObject(answer)?.['metrics']) ?? {};
  const collectors = asArray(m['garbageCollectors']).map(asObject);
  // "All" is Flink's own total; without it, add the collectors up.
  const all = collectors.find((c) => c?.['name'] === 'All');
  const gcTimeMs = all !== undefined
    ? nonNegative(all['time'])
    : collectors.length > 0 ? collectors.reduce<number | undefined>((sum, c) => {
        const t = nonNegative(c?.['time']);
        return sum === undefined || t === undefined ? undefined : sum + t;
      }, 0) : undefined;
  return defined({ gcTimeMs, heapUsedBytes: nonNegative(m['heapUsed']), heapMaxBytes: nonNegative(m['heapMax']) });
}

/** The per-subtask gauges of one vertex (Flink's own moving averages), for when counters are missing. */
async function readGauges(client: FlinkRestClient, jobId: string, vertexId: string, indexes: number[]): Promise<Map<number, Gauges>> {
  const names: Array<[string, keyof Gauges]> = [
    ['busyTimeMsPerSecond', 'busyMsPerSecond'],
    ['backPressuredTimeMsPerSecond', 'backPressuredMsPerSecond'],
    ['idleTimeMsPerSecond', 'idleMsPerSecond'],
    ['numRecordsInPerSecond', 'recordsInPerSecond'],
    ['numRecordsOutPerSecond', 'recordsOutPerSecond'],
  ];
  const gauges = new Map<number, Gauges>();
  for (let i = 0; i < indexes.length; i += GAUGE_SUBTASKS_PER_REQUEST) {
    const chunk = indexes.slice(i, i + GAUGE_SUBTASKS_PER_REQUEST);
    const get = chunk.flatMap((index) => names.map(([name]) => `${index}.${name}`)).join(',');
    const answer = await client.get<unknown>(`/jobs/${jobId}/vertices/${vertexId}/metrics?get=${get}`).catch(() => undefined);
    for (const entry of asArray(answer).map(asObject)) {
      const match = typeof entry?.['id'] === 'string' ? /^(\d+)\.(\w+)$/.exec(entry['id']) : null;
      const field = names.find(([name]) => name === match?.[2])?.[1];
      const value = nonNegative(entry?.['value']);
      if (match === null || field === undefined || value === undefined) continue;
      const index = Number(match[1]);
      const g = gauges.get(index) ?? {};
      g[field] = field.endsWith('MsPerSecond') ? Math.min(value, 1000) : value;
      gauges.set(index, g);
    }
  }
  return gauges;
}

export async function readCheckpoints(client: FlinkRestClient, jobId: string): Promise<CheckpointMetrics | undefined> {
  const answer = asObject(await client.get<unknown>(`/jobs/${jobId}/checkpoints`).catch(() => undefined));
  const counts = asObject(answer?.['counts']);
  if (answer === undefined || counts === undefined) return undefined;
  const latest = asObject(asObject(answer['latest'])?.['completed']);
  const maxDurationMs = nonNegative(asObject(asObject(answer['summary'])?.['end_to_end_duration'])?.['max']);
  const completed = nonNegative(counts['completed']) ?? 0;
  return defined({
    completed,
    failed: nonNegative(counts['failed']) ?? 0,
    lastDurationMs: nonNegative(latest?.['end_to_end_duration']),
    lastSizeBytes: nonNegative(latest?.['state_size']) ?? nonNegative(latest?.['checkpointed_size']),
    // Flink reports 0 for the summary of no checkpoints
    maxDurationMs: completed > 0 ? maxDurationMs : undefined,
  });
}

/** Rates over the window between two samples; gauges fill in subtasks whose counters did not move. */
export function snapshotFromSamples(
  graph: JobGraph,
  flinkVersion: string,
  start: CounterSample,
  end: CounterSample,
  extras: { checkpoints?: CheckpointMetrics; gauges?: Map<string, Map<number, Gauges>> } = {},
): JobMetricsSnapshot {
  const wallMs = Math.max(0, end.at - start.at);
  const vertices: VertexMetrics[] = graph.vertices.map((vertex) => {
    const before = new Map((start.vertices.get(vertex.id) ?? []).map((s) => [s.index, s]));
    const gauges = extras.gauges?.get(vertex.id);
    const subtasks = (end.vertices.get(vertex.id) ?? []).map((after) => {
      const rates = windowRates(before.get(after.index), after) ?? gauges?.get(after.index) ?? {};
      return { index: after.index, taskManagerId: after.taskManagerId, ...rates };
    });
    return { ...vertex, subtasks };
  });
  // A TaskManager's counters arrive in the same fetches as its subtasks': measure GC time over the
  // span those covered, falling back to the wall-clock window.
  const spans = new Map<string, number>();
  for (const vertex of graph.vertices) {
    const before = new Map((start.vertices.get(vertex.id) ?? []).map((s) => [s.index, s]));
    for (const after of end.vertices.get(vertex.id) ?? []) {
      const span = coveredMs(before.get(after.index), after);
      if (span !== undefined) spans.set(after.taskManagerId, Math.max(span, spans.get(after.taskManagerId) ?? 0));
    }
  }
  const taskManagers: TaskManagerMetrics[] = [...end.taskManagers].map(([id, after]) => {
    const gc = delta(start.taskManagers.get(id)?.gcTimeMs, after.gcTimeMs);
    const seconds = (spans.get(id) ?? wallMs) / 1000;
    return defined({
      id,
      gcTimeMsPerSecond: gc !== undefined && seconds > 0 ? Math.min(gc / seconds, 1000) : undefined,
      heapUsedBytes: after.heapUsedBytes,
      heapMaxBytes: after.heapMaxBytes,
    });
  });
  return {
    schema: 1,
    flinkVersion: cleanText(flinkVersion, 64) ?? '',
    jobId: graph.jobId,
    jobName: graph.jobName,
    from: new Date(start.at).toISOString(),
    to: new Date(end.at).toISOString(),
    vertices,
    edges: graph.edges,
    ...(extras.checkpoints ? { checkpoints: extras.checkpoints } : {}),
    taskManagers,
  };
}

/** Subtasks whose time counters did not move between the samples (stale store, missing counters). */
function stalled(start: CounterSample, end: CounterSample, vertexId: string): number[] {
  const before = new Map((start.vertices.get(vertexId) ?? []).map((s) => [s.index, s]));
  return (end.vertices.get(vertexId) ?? []).filter((s) => windowRates(before.get(s.index), s) === undefined).map((s) => s.index);
}

function windowRates(before: SubtaskCounters | undefined, after: SubtaskCounters): Omit<SubtaskMetrics, 'index' | 'taskManagerId'> | undefined {
  const covered = coveredMs(before, after);
  if (before === undefined || covered === undefined) return undefined;
  const busy = delta(before.busyMs, after.busyMs);
  const idle = delta(before.idleMs, after.idleMs);
  const backPressured = delta(before.backPressuredMs, after.backPressuredMs);
  const perSecond = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : Math.min(1000, (ms / covered) * 1000));
  const recordsIn = delta(before.recordsIn, after.recordsIn);
  const recordsOut = delta(before.recordsOut, after.recordsOut);
  // records were counted by the same metric fetches as the times, so over the same span
  const seconds = covered / 1000;
  return defined({
    busyMsPerSecond: perSecond(busy),
    backPressuredMsPerSecond: perSecond(backPressured),
    idleMsPerSecond: perSecond(idle),
    recordsIn,
    recordsOut,
    recordsInPerSecond: recordsIn === undefined ? undefined : recordsIn / seconds,
    recordsOutPerSecond: recordsOut === undefined ? undefined : recordsOut / seconds,
  });
}

/** The task's own clock: busy, idle and back-pressured time add up to its running time. */
function coveredMs(before: SubtaskCounters | undefined, after: SubtaskCounters): number | undefined {
  if (before === undefined) return undefined;
  const covered = [delta(before.busyMs, after.busyMs), delta(before.idleMs, after.idleMs), delta(before.backPressuredMs, after.backPressuredMs)]
    .reduce<number>((sum, ms) => sum + (ms ?? 0), 0);
  return covered > 0 ? covered : undefined;
}

/** after - before, when both are known and the counter did not go backwards (a restart resets it). */
function delta(before: number | undefined, after: number | undefined): number | undefined {
  return before === undefined || after === undefined || after < before ? undefined : after - before;
}

/**
 * Samples at start(), again at finish(), and builds the snapshot. A failure to read metrics is
 * the caller's to report: the profile itself does not depend on them.
 */
export class JobMetricsRecorder {
  private readonly client: FlinkRestClient;
  readonly graph: JobGraph;
  private readonly flinkVersion: string;
  private readonly first: CounterSample;
  private readonly now: () => number;

  private constructor(client: FlinkRestClient, graph: JobGraph, flinkVersion: string, first: CounterSample, now: () => number) {
    this.client = client;
    this.graph = graph;
    this.flinkVersion = flinkVersion;
    this.first = first;
    this.now = now;
  }

  static async start(client: FlinkRestClient, jobId: string, flinkVersion: string, opts: { now?: () => number; settleMs?: number } = {}): Promise<JobMetricsRecorder> {
    const now = opts.now ?? Date.now;
    const graph = await readJobGraph(client, jobId);
    // The JobManager fetches metrics when asked: the first answer after a quiet period can be an
    // empty store. Ask again briefly until every subtask has its counters.
    const deadline = now() + (opts.settleMs ?? SETTLE_MS);
    let first = await sampleCounters(client, graph, now);
    while (!hasAllCounters(first) && now() < deadline) {
      await sleep(SETTLE_POLL_MS);
      first = await sampleCounters(client, graph, now);
    }
    return new JobMetricsRecorder(client, graph, flinkVersion, first, now);
  }

  async finish(opts: { settleMs?: number } = {}): Promise<JobMetricsSnapshot> {
    // This request makes the JobManager fetch, but is answered from the store as it was, which
    // may date from around start(): wait for the counters to move, so the window ends now.
    const deadline = this.now() + (opts.settleMs ?? FRESH_END_MS);
    const asked = await sampleCounters(this.client, this.graph, this.now);
    let last = asked;
    while (sameTimes(asked, last) && this.now() < deadline) {
      await sleep(SETTLE_POLL_MS);
      last = await sampleCounters(this.client, this.graph, this.now);
    }
    const gauges = new Map<string, Map<number, Gauges>>();
    await inBatches(this.graph.vertices, async (vertex) => {
      const missing = stalled(this.first, last, vertex.id);
      if (missing.length > 0) gauges.set(vertex.id, await readGauges(this.client, this.graph.jobId, vertex.id, missing));
    });
    const checkpoints = await readCheckpoints(this.client, this.graph.jobId);
    return snapshotFromSamples(this.graph, this.flinkVersion, this.first, last, { gauges, ...(checkpoints ? { checkpoints } : {}) });
  }
}

/** true when no subtask's time counters moved between the two samples (no new fetch landed) */
function sameTimes(a: CounterSample, b: CounterSample): boolean {
  const total = (t: SubtaskCounters) => (t.busyMs ?? 0) + (t.idleMs ?? 0) + (t.backPressuredMs ?? 0);
  for (const [id, subtasks] of b.vertices) {
    const before = new Map((a.vertices.get(id) ?? []).map((t) => [t.index, total(t)]));
    if (subtasks.some((t) => before.get(t.index) !== total(t))) return false;
  }
  return true;
}

function hasAllCounters(sample: CounterSample): boolean {
  return [...sample.vertices.values()].every((subtasks) => subtasks.length > 0 && subtasks.every((t) => t.busyMs !== undefined));
}

async function inBatches<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += REQUESTS_IN_FLIGHT) {
    await Promise.all(items.slice(i, i + REQUESTS_IN_FLIGHT).map(work));
  }
}

/** Drops undefined fields, so optional properties are absent rather than undefined. */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
