// The job-detail and metric routes of the simulated JobManager, in the shapes real Flink 1.20.5 and
// 2.3.0 answered them (a click job: a chained source vertex, a keyed vertex behind a HASH edge):
//   GET /jobs/:jid                     vertices + plan (2.x adds application-id, schedulerType, pending-operators)
//   GET /jobs/:jid/plan
//   GET /jobs/:jid/vertices/:vid       subtasks with taskmanager-id and accumulated counters
//                                      (1.x also writes `host`; 2.x only `endpoint`)
//   GET /jobs/:jid/vertices/:vid/metrics[?get=<i>.<name>,…]   values as strings, like Flink's
//   GET /jobs/:jid/checkpoints
//   GET /taskmanagers/:tmid            metrics.heapUsed/heapMax and garbageCollectors ("All" first)
// Like the real metric store, it is empty until something asks: the first answers after a quiet
// start carry zeros with "<name>-complete": false, and values then lag the last fetch.
import { createHash } from 'node:crypto';
import type { SimJob, SimTaskManager } from './cluster-overview.ts';
import { jsonResponse, NOT_FOUND_EXCEPTION, restHandlerError, type SimResponse } from './rest-responses.ts';
import type { SimClock } from './sim-clock.ts';

export interface SimVertexModel {
  name: string;
  /** shares of each second, adding up to at most 1; idle gets the rest */
  busy: number;
  backPressured: number;
  /** records read from the network per second per subtask (0 for a source) */
  recordsInPerSecond: number;
  /** records written to the network per second per subtask (0 for the last vertex) */
  recordsOutPerSecond: number;
}

export const DEFAULT_VERTICES: SimVertexModel[] = [
  { name: 'Source: click-generator -> parse-json', busy: 0.35, backPressured: 0, recordsInPerSecond: 0, recordsOutPerSecond: 5000 },
  { name: 'count-per-user -> discard: Writer', busy: 0.2, backPressured: 0, recordsInPerSecond: 5000, recordsOutPerSecond: 0 },
];

/** real milliseconds a fetch takes to land in the store */
const FETCH_LAG_MS = 200;
const PARALLELISM = 2;
const GC_SHARE = 0.004;
const CHECKPOINT_INTERVAL_MS = 60_000;

export class SimJobMetrics {
  private readonly job: SimJob;
  private readonly clock: SimClock;
  private readonly taskManagers: () => SimTaskManager[];
  private readonly vertices: Array<SimVertexModel & { id: string }>;
  private readonly newerFlink: boolean;
  /** simulated time of the data in the store; undefined while it is empty */
  private storedAt: number | undefined;
  /** the fetch under way: when it lands (real ms, 0 for none) and the simulated time it reads */
  private fetchLandsAt = 0;
  private fetchReads = 0;

  constructor(job: SimJob, clock: SimClock, taskManagers: () => SimTaskManager[], flinkVersion: string, vertices = DEFAULT_VERTICES) {
    this.job = job;
    this.clock = clock;
    this.taskManagers = taskManagers;
    this.newerFlink = Number.parseInt(flinkVersion, 10) >= 2;
    this.vertices = vertices.map((v, i) => ({ ...v, id: createHash('md5').update(`${job.name}/${i}`).digest('hex') }));
  }

  /** The answer for a GET of these routes, or undefined when the path is not one of them. */
  route(segments: string[], query: URLSearchParams): SimResponse | undefined {
    const [first, second, third, fourth, fifth, ...rest] = segments;
    if (first === 'taskmanagers' && second !== undefined && third === undefined) return this.taskManagerDetails(second);
    if (first !== 'jobs' || second === undefined || second === 'overview' || rest.length > 0) return undefined;
    if (!/^[0-9a-f]{32}$/.test(second)) return badPathParameter('jobid', second);
    if (second !== this.job.jid) return restHandlerError(404, `Job ${second} not found`, { exceptionClass: NOT_FOUND_EXCEPTION });
    if (third === undefined) return jsonResponse(200, this.jobDetails());
    if (third === 'plan' && fourth === undefined) return jsonResponse(200, { plan: this.plan() });
    if (third === 'checkpoints' && fourth === undefined) return jsonResponse(200, this.checkpoints());
    if (third !== 'vertices' || fourth === undefined) return undefined;
    if (!/^[0-9a-f]{32}$/.test(fourth)) return badPathParameter('vertexid', fourth);
    const vertex = this.vertices.find((v) => v.id === fourth);
    if (vertex === undefined) return restHandlerError(404, `No vertex with ID '${fourth}' exists.`, { exceptionClass: NOT_FOUND_EXCEPTION });
    if (fifth === undefined) return jsonResponse(200, this.vertexDetails(vertex));
    if (fifth === 'metrics') return jsonResponse(200, this.vertexMetrics(vertex, query.get('get')));
    return undefined;
  }

  /** What a request sees: the store as the last landed fetch left it; asking starts a new fetch. */
  private observe(): number | undefined {
    const realNow = Date.now();
    if (this.fetchLandsAt !== 0 && realNow >= this.fetchLandsAt) {
      this.storedAt = this.fetchReads;
      this.fetchLandsAt = 0;
    }
    const seen = this.storedAt;
    if (this.fetchLandsAt === 0) {
      this.fetchReads = this.clock.now();
      this.fetchLandsAt = realNow + FETCH_LAG_MS;
    }
    return seen;
  }

  private subtaskTaskManager(index: number): string {
    const tms = this.taskManagers();
    return tms.length === 0 ? '' : tms[index % tms.length]!.id;
  }

  private counters(vertex: SimVertexModel, index: number, at: number | undefined): Record<string, number | boolean> {
    if (at === undefined) {
      return {
        'read-bytes': 0, 'read-bytes-complete': false, 'write-bytes': 0, 'write-bytes-complete': false,
        'read-records': 0, 'read-records-complete': false, 'write-records': 0, 'write-records-complete': false,
        'accumulated-backpressured-time': 0, 'accumulated-idle-time': 0, 'accumulated-busy-time': 0,
      };
    }
    // subtasks differ a little, like real ones do
    const ms = Math.max(0, at - this.job.startTime) * (1 - index * 0.01);
    const idle = Math.max(0, 1 - vertex.busy - vertex.backPressured);
    return {
      'read-bytes': Math.round((ms / 1000) * vertex.recordsInPerSecond * 60), 'read-bytes-complete': true,
      'write-bytes': Math.round((ms / 1000) * vertex.recordsOutPerSecond * 60), 'write-bytes-complete': true,
      'read-records': Math.round((ms / 1000) * vertex.recordsInPerSecond), 'read-records-complete': true,
      'write-records': Math.round((ms / 1000) * vertex.recordsOutPerSecond), 'write-records-complete': true,
      'accumulated-backpressured-time': Math.round(ms * vertex.backPressured),
      'accumulated-idle-time': Math.round(ms * idle),
      'accumulated-busy-time': Math.round(ms * vertex.busy),
    };
  }

  private vertexSummary(vertex: SimVertexModel & { id: string }, now: number): object {
    return {
      id: vertex.id,
      slotSharingGroupId: createHash('md5').update(`${this.job.name}/slots`).digest('hex'),
      name: vertex.name,
      maxParallelism: 128,
      parallelism: PARALLELISM,
      status: this.job.state,
      'start-time': this.job.startTime,
      'end-time': -1,
      duration: now - this.job.startTime,
      tasks: taskCounts(this.job.state, PARALLELISM),
      metrics: this.counters(vertex, 0, undefined),
    };
  }

  private jobDetails(): object {
    const now = this.clock.now();
    return {
      jid: this.job.jid,
      ...(this.newerFlink ? { 'application-id': createHash('md5').update(`${this.job.name}/app`).digest('hex') } : {}),
      name: this.job.name,
      isStoppable: false,
      state: this.job.state,
      'job-type': 'STREAMING',
      ...(this.newerFlink ? { schedulerType: 'Default' } : {}),
      'start-time': this.job.startTime,
      'end-time': -1,
      duration: now - this.job.startTime,
      maxParallelism: -1,
      now,
      timestamps: { RUNNING: this.job.startTime + 400, CREATED: this.job.startTime + 150, INITIALIZING: this.job.startTime },
      vertices: this.vertices.map((v) => this.vertexSummary(v, now)),
      'status-counts': taskCounts(this.job.state, this.vertices.length),
      plan: this.plan(),
      ...(this.newerFlink ? { 'pending-operators': 0 } : {}),
    };
  }

  private plan(): object {
    // Flink lists the nodes last vertex first; the description puts one chained operator per line
    const nodes = this.vertices.map((v, i) => ({
      id: v.id,
      parallelism: PARALLELISM,
      operator: '',
      operator_strategy: '',
      description: v.name.split(' -> ').map((op, k) => (k === 0 ? `${op}<br/>` : `+- ${op}<br/>`)).join(''),
      ...(i > 0 ? { inputs: [{ num: 0, id: this.vertices[i - 1]!.id, ship_strategy: 'HASH', exchange: 'pipelined_bounded' }] } : {}),
      optimizer_properties: {},
    }));
    return { jid: this.job.jid, name: this.job.name, type: 'STREAMING', nodes: nodes.reverse() };
  }

  private vertexDetails(vertex: SimVertexModel & { id: string }): object {
    const now = this.clock.now();
    const at = this.observe();
    return {
      id: vertex.id,
      name: vertex.name,
      parallelism: PARALLELISM,
      maxParallelism: 128,
      now,
      subtasks: Array.from({ length: PARALLELISM }, (_, index) => ({
        subtask: index,
        status: this.job.state,
        attempt: 0,
        ...(this.newerFlink ? {} : { host: 'localhost' }),
        endpoint: `10.244.0.${11 + index}:6121`,
        'start-time': this.job.startTime,
        'end-time': -1,
        duration: now - this.job.startTime,
        metrics: this.counters(vertex, index, at),
        'taskmanager-id': this.subtaskTaskManager(index),
        'status-duration': { CREATED: 150, SCHEDULED: 250, DEPLOYING: 400, INITIALIZING: 300, RUNNING: now - this.job.startTime - 1100 },
        start_time: this.job.startTime,
      })),
    };
  }

  private vertexMetrics(vertex: SimVertexModel, get: string | null): object {
    const names = ['busyTimeMsPerSecond', 'backPressuredTimeMsPerSecond', 'idleTimeMsPerSecond', 'numRecordsIn', 'numRecordsOut', 'numRecordsInPerSecond', 'numRecordsOutPerSecond', 'accumulateBusyTimeMs', 'accumulateIdleTimeMs', 'accumulateBackPressuredTimeMs'];
    const at = this.observe();
    if (get === null) return Array.from({ length: PARALLELISM }, (_, i) => names.map((n) => ({ id: `${i}.${n}` }))).flat();
    if (at === undefined) return [];
    const out: Array<{ id: string; value: string }> = [];
    for (const id of get.split(',')) {
      const match = /^(\d+)\.(\w+)$/.exec(id);
      const index = Number(match?.[1]);
      if (match === null || index >= PARALLELISM || !names.includes(match[2]!)) continue;
      const c = this.counters(vertex, index, at);
      const idle = Math.max(0, 1 - vertex.busy - vertex.backPressured);
      const value: Record<string, number> = {
        busyTimeMsPerSecond: Math.round(vertex.busy * 1000),
        backPressuredTimeMsPerSecond: Math.round(vertex.backPressured * 1000),
        idleTimeMsPerSecond: Math.round(idle * 1000),
        numRecordsIn: c['read-records'] as number,
        numRecordsOut: c['write-records'] as number,
        numRecordsInPerSecond: vertex.recordsInPerSecond,
        numRecordsOutPerSecond: vertex.recordsOutPerSecond,
        accumulateBusyTimeMs: c['accumulated-busy-time'] as number,
        accumulateIdleTimeMs: c['accumulated-idle-time'] as number,
        accumulateBackPressuredTimeMs: c['accumulated-backpressured-time'] as number,
      };
      // Flink writes gauges of doubles with a decimal point ("77.0") and counters without
      const v = value[match[2]!]!;
      out.push({ id, value: match[2]!.endsWith('PerSecond') && match[2] !== 'backPressuredTimeMsPerSecond' && match[2] !== 'idleTimeMsPerSecond' ? v.toFixed(1) : String(v) });
    }
    return out;
  }

  private checkpoints(): object {
    const now = this.clock.now();
    const completed = Math.floor(Math.max(0, now - this.job.startTime) / CHECKPOINT_INTERVAL_MS);
    const stats = (value: number) => ({ min: value, max: value, avg: value, p50: value, p90: value, p95: value, p99: value, p999: value });
    const none = { min: 0, max: 0, avg: 0, p50: 'NaN', p90: 'NaN', p95: 'NaN', p99: 'NaN', p999: 'NaN' };
    const latest = completed === 0 ? null : {
      className: 'completed', id: completed, status: 'COMPLETED', is_savepoint: false, savepointFormat: null,
      trigger_timestamp: this.job.startTime + completed * CHECKPOINT_INTERVAL_MS, latest_ack_timestamp: this.job.startTime + completed * CHECKPOINT_INTERVAL_MS + 120,
      checkpointed_size: 48_213, state_size: 48_213, end_to_end_duration: 120, alignment_buffered: 0, processed_data: 0, persisted_data: 0,
      num_subtasks: PARALLELISM * this.vertices.length, num_acknowledged_subtasks: PARALLELISM * this.vertices.length,
      checkpoint_type: 'CHECKPOINT', tasks: {}, external_path: '<checkpoint-not-externally-addressable>', discarded: false,
    };
    return {
      counts: { restored: 0, total: completed, in_progress: 0, completed, failed: 0 },
      summary: {
        checkpointed_size: completed === 0 ? none : stats(48_213),
        state_size: completed === 0 ? none : stats(48_213),
        end_to_end_duration: completed === 0 ? none : { ...stats(120), max: 310 },
        alignment_buffered: stats(0),
        processed_data: completed === 0 ? none : stats(0),
        persisted_data: completed === 0 ? none : stats(0),
      },
      latest: { completed: latest, savepoint: null, failed: null, restored: null },
      history: latest === null ? [] : [latest],
    };
  }

  private taskManagerDetails(id: string): SimResponse {
    const tm = this.taskManagers().find((t) => t.id === id);
    if (tm === undefined) {
      return restHandlerError(404, `Could not find TaskExecutor ${id}.`, {
        thrownAt: 'org.apache.flink.runtime.rest.handler.taskmanager.TaskManagerDetailsHandler.lambda$handleRequest$0(TaskManagerDetailsHandler.java:92)',
      });
    }
    const at = this.observe() ?? this.job.startTime;
    const gc = Math.round(Math.max(0, at - this.job.startTime) * GC_SHARE);
    const young = Math.round(gc * 0.9);
    const MB = 1024 * 1024;
    return jsonResponse(200, {
      id: tm.id,
      path: `pekko.tcp://flink@${tm.ip}:6122/user/rpc/taskmanager_0`,
      dataPort: 6121,
      jmxPort: -1,
      timeSinceLastHeartbeat: Date.now() - 2000,
      slotsNumber: 2,
      freeSlots: 0,
      metrics: {
        heapUsed: 180 * MB, heapCommitted: 384 * MB, heapMax: 384 * MB,
        nonHeapUsed: 70 * MB, nonHeapCommitted: 72 * MB, nonHeapMax: 704 * MB,
        directCount: 2060, directUsed: 80 * MB, directMax: 80 * MB, mappedCount: 0, mappedUsed: 0, mappedMax: 0,
        ...(this.newerFlink ? {} : { memorySegmentsAvailable: 2020, memorySegmentsTotal: 2048 }),
        nettyShuffleMemorySegmentsAvailable: 2020, nettyShuffleMemorySegmentsUsed: 28, nettyShuffleMemorySegmentsTotal: 2048,
        garbageCollectors: [
          { name: 'All', count: Math.round(gc / 12), time: gc },
          { name: 'G1_Young_Generation', count: Math.round(young / 12), time: young },
          { name: 'G1_Old_Generation', count: 0, time: gc - young },
        ],
      },
    });
  }
}

function taskCounts(jobState: string, n: number): Record<string, number> {
  const counts: Record<string, number> = { CREATED: 0, DEPLOYING: 0, RUNNING: 0, RECONCILING: 0, CANCELED: 0, SCHEDULED: 0, FAILED: 0, FINISHED: 0, INITIALIZING: 0, CANCELING: 0 };
  counts[jobState === 'RUNNING' ? 'RUNNING' : 'CANCELED'] = n;
  return counts;
}

function badPathParameter(name: string, value: string): SimResponse {
  return restHandlerError(400, `Bad request, could not parse parameters: Cannot resolve path parameter (${name}) from value "${value}".`, {
    thrownAt: 'org.apache.flink.runtime.rest.handler.AbstractHandler.respondAsLeader(AbstractHandler.java:188)',
  });
}
