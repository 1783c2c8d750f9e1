// A Flink JobManager REST endpoint on loopback: the cluster overview routes, the job's details and
// metrics (job-metrics.ts), the six profiler routes of FLIP-375 (only when profiling is enabled) and
// fault hooks for the client's error paths.
//
// Checked against real Flink 1.20.5 and 2.3.0:
// - a POST body without `duration` (or with a null one) is 400 "Request did not match expected format
//   ProfilingRequestBody." (an empty body: 400 "Bad request received. Request did not conform to expected
//   format."); a duration of 0 or above the maximum is 500 "`duration` must be set between (0s, <max>s].
//   A body without `mode` starts a run that fails at once with a NullPointerException."
// - an encoded `/` (%2F) in a segment is split by the router and answered with its plain 404
//   {"errors":["Not found: <uri>"]}; an encoded `:` (%3A), as in standalone TaskManager ids, still works
// - ProfilingInfo carries `profilingMode` (same value as `mode`) and writes null fields as null
// - a profile without samples has the root line f(0,0,0,2,'all'); 1 s LOCK runs often record none
// - a RestHandlerException (the 400 above, the 404 "Could not find TaskExecutor <id>" of a list) is
//   answered with errors[0] = "org.apache.flink.runtime.rest.handler.RestHandlerException: <message>"
//   plus its stack trace ("\tat ..." lines); 500s stay ["Internal server error.", "<Exception on server side:..."]
// - a POST to an unknown TaskManager is 500 with "UnknownTaskExecutorException: No TaskExecutor
//   registered under <id>." and a missing TaskManager file 500 "Failed to transfer file from TaskExecutor <id>."
// - Flink 2.x adds `assignedTasks` (a number, after `freeSlots`) to the /taskmanagers items
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { FlinkFault } from '../types.ts';
import { PROFILING_MODES, type ProfilingMode } from '../../../src/flamegraph/types.ts';
import {
  clusterOverview,
  dashboardConfig,
  isTerminalJobState,
  jobIdFor,
  jobManagerConfig,
  jobsOverview,
  slotsPerTaskManager,
  taskManagersInfo,
  type SimJob,
  type SimTaskManager,
} from './cluster-overview.ts';
import { FaultRegistry } from './faults.ts';
import { ProfilerBusyError, ProfilingService } from './profiling-service.ts';
import {
  errorResponse,
  fileResponse,
  internalServerError,
  jsonResponse,
  NOT_FOUND_EXCEPTION,
  restHandlerError,
  routeNotFound,
  type SimResponse,
} from './rest-responses.ts';
import { SimClock } from './sim-clock.ts';
import { SimJobMetrics } from './job-metrics.ts';

export interface FlinkSimOptions {
  flinkVersion: string; // e.g. '1.20.1' (GET /config 'flink-version')
  profiling: boolean; // rest.profiling.enabled: profiler routes exist only when true (404 otherwise)
  durationMax: number; // rest.profiling.duration-max, seconds
  historySize: number; // rest.profiling.history-size
  failingModes: ProfilingMode[]; // modes whose start fails like real async-profiler does
  /** LOCK runs see no contention and record no samples (real 1 s LOCK runs often do); default false */
  lockWithoutContention?: boolean;
  clockSpeed: number; // 1 = real time; 10 = a 10 s run finishes after 1 s
  job: { name: string; state: string } | null; // null: session cluster without jobs
  /** every key/value of the JobManager configuration (served by GET /jobmanager/config) */
  configuration: Record<string, string>;
  jobManager: { profilingDir: string }; // HOST folder where JobManager profiles are written
  taskManagers: Array<{ id: string; ip: string; profilingDir: string /* HOST folder */ }>;
  /** serve the REST API over TLS (security.ssl.rest.enabled); with clientCaPem, client certificates signed by it are required */
  tls?: { certPem: string; keyPem: string; clientCaPem?: string };
}

export interface FlinkSim {
  readonly url: string; // http://127.0.0.1:<port>, https:// with options.tls
  readonly port: number;
  readonly faults: { add(fault: FlinkFault): void; clear(): void };
  readonly requests: Array<{ method: string; path: string; status: number }>;
  /** requests received and not yet answered (e.g. held by a delay fault) */
  readonly inFlight: number;
  setJobState(state: string): void;
  removeTaskManager(id: string): void; // TM disappears from /taskmanagers (its list then 404s)
  stop(): Promise<void>;
}

/** Status of a request whose connection was dropped without an answer. */
const DROPPED = 0;
const MAX_BODY_BYTES = 1024 * 1024;
const BAD_PROFILING_REQUEST = 'Request did not match expected format ProfilingRequestBody.';
const EMPTY_REQUEST_BODY = 'Bad request received. Request did not conform to expected format.';
const LEADER_ELECTION = 'Service temporarily unavailable due to an ongoing leader election. Please refresh.';

const JACKSON = 'org.apache.flink.shaded.jackson2.com.fasterxml.jackson';

interface ProfilingRequest {
  mode: ProfilingMode | null;
  duration: number;
}

/**
 * Maps a body like Flink's Jackson mapper: unknown modes, wrong types and a missing or null
 * `duration` (a primitive int) fail with the Jackson exception as cause; a missing mode is null.
 */
function parseProfilingRequest(text: string): ProfilingRequest | { cause: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { cause: `${JACKSON}.core.JsonParseException: Unexpected end-of-input or character in the request body` };
  }
  const mismatch = (message: string) => ({ cause: `${JACKSON}.databind.exc.MismatchedInputException: ${message}` });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return mismatch('Cannot deserialize value of type `org.apache.flink.runtime.rest.messages.cluster.ProfilingRequestBody`');
  }
  const { mode, duration } = value as Record<string, unknown>;
  let parsedMode: ProfilingMode | null = null;
  if (mode !== undefined && mode !== null) {
    if (typeof mode !== 'string' || !(PROFILING_MODES as readonly string[]).includes(mode)) {
      return {
        cause: `${JACKSON}.databind.exc.InvalidFormatException: Cannot deserialize value of type \`org.apache.flink.runtime.rest.messages.ProfilingInfo$ProfilingMode\` from String ${JSON.stringify(String(mode))}: not one of the values accepted for Enum class: [${PROFILING_MODES.join(', ')}]`,
      };
    }
    parsedMode = mode as ProfilingMode;
  }
  let parsedDuration: number;
  if (typeof duration === 'number' && Number.isFinite(duration)) parsedDuration = Math.trunc(duration);
  else if (typeof duration === 'string' && /^[+-]?\d+$/.test(duration.trim())) parsedDuration = Number(duration.trim());
  else if (duration === undefined || duration === null) return mismatch('Cannot map `null` into type `int` (property "duration")');
  else return mismatch(`Cannot deserialize value of type \`int\` from ${JSON.stringify(duration)} (property "duration")`);
  if (Math.abs(parsedDuration) > 2 ** 31 - 1) return mismatch('Numeric value out of range of int (property "duration")'); // a Java int
  return { mode: parsedMode, duration: parsedDuration };
}

/**
 * The path's segments without the query and an optional /v1 prefix. Like Netty's
 * QueryStringDecoder the whole path is decoded before the router splits it, so an encoded
 * `/` (%2F) makes extra segments (no route matches) while an encoded `:` (%3A) stays in its segment.
 */
function pathSegments(url: string): string[] | undefined {
  const path = url.split('?')[0] ?? '';
  try {
    const segments = decodeURIComponent(path).split('/').filter((s) => s !== '');
    return segments[0] === 'v1' ? segments.slice(1) : segments;
  } catch {
    return undefined;
  }
}

/** The 400 of a POST body Flink cannot use: an empty body has its own message, without a cause. */
function badProfilingRequest(body: string, cause: string): SimResponse {
  const thrownAt = 'org.apache.flink.runtime.rest.handler.AbstractHandler.respondAsLeader(AbstractHandler.java:';
  if (body === '') return restHandlerError(400, EMPTY_REQUEST_BODY, { thrownAt: `${thrownAt}154)` });
  return restHandlerError(400, BAD_PROFILING_REQUEST, { thrownAt: `${thrownAt}165)`, cause });
}

function unknownTaskExecutor(id: string): string {
  return `org.apache.flink.runtime.resourcemanager.exceptions.UnknownTaskExecutorException: No TaskExecutor registered under ${id}.`;
}

export async function startFlinkSim(options: FlinkSimOptions): Promise<FlinkSim> {
  const clock = new SimClock(options.clockSpeed);
  const faults = new FaultRegistry();
  const requests: FlinkSim['requests'] = [];
  const slots = slotsPerTaskManager(options.configuration);
  const job: SimJob | null =
    options.job === null
      ? null
      : { jid: jobIdFor(options.job.name), name: options.job.name, state: options.job.state, startTime: Date.now() - 600_000, endTime: -1 };
  const serviceOptions = {
    historySize: options.historySize,
    failingModes: options.failingModes,
    clock,
    emptyModes: options.lockWithoutContention === true ? (['LOCK'] as ProfilingMode[]) : [],
  };
  const assignedTasks = Number.parseInt(options.flinkVersion, 10) >= 2; // Flink 2.x lists them per TaskManager
  const jobManager = new ProfilingService({ ...serviceOptions, resourceId: 'JobManager', role: 'jobmanager', dir: options.jobManager.profilingDir });
  const taskManagers = new Map<string, { info: SimTaskManager; profiler: ProfilingService }>();
  for (const tm of options.taskManagers) {
    const profiler = new ProfilingService({ ...serviceOptions, resourceId: tm.id, role: 'taskmanager', dir: tm.profilingDir });
    taskManagers.set(tm.id, { info: { id: tm.id, ip: tm.ip }, profiler });
  }
  const removedProfilers: ProfilingService[] = [];
  const jobMetrics = job === null ? undefined : new SimJobMetrics(job, clock, () => [...taskManagers.values()].map((tm) => tm.info), options.flinkVersion);
  const pendingDelays = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  function startRun(profiler: ProfilingService, request: ProfilingRequest, method: string, path: string): SimResponse {
    const hostileName = faults.takeOutputFile(method, path);
    const page = faults.takeFlameGraph(method, path);
    return jsonResponse(200, profiler.start(request.mode, request.duration, hostileName, page));
  }

  async function profilerRoute(method: string, segments: string[], body: string, path: string): Promise<SimResponse | undefined> {
    const [first, second, third, fourth, ...rest] = segments;
    if (rest.length > 0) return undefined;
    if (first === 'jobmanager' && second === 'profiler') {
      if (fourth !== undefined) return undefined;
      if (third !== undefined) {
        if (method !== 'GET') return undefined;
        const content = await jobManager.readResult(third);
        return content === undefined ? errorResponse(404, 'This file does not exist in JobManager log dir.') : fileResponse(content);
      }
      if (method === 'GET') return jsonResponse(200, { profilingList: jobManager.list() });
      if (method !== 'POST') return undefined;
      const request = parseProfilingRequest(body);
      if ('cause' in request) return badProfilingRequest(body, request.cause);
      const invalid = durationError(request.duration);
      if (invalid !== undefined) return invalid;
      try {
        return startRun(jobManager, request, method, path);
      } catch (error) {
        if (error instanceof ProfilerBusyError) return internalServerError(`java.lang.IllegalStateException: ${error.message}`);
        throw error;
      }
    }
    if (first === 'taskmanagers' && second !== undefined && third === 'profiler') {
      const tm = taskManagers.get(second);
      if (fourth !== undefined) {
        if (method !== 'GET') return undefined;
        if (tm === undefined) {
          return restHandlerError(404, `Failed to transfer file from TaskExecutor ${second} because it was unknown.`, {
            exceptionClass: NOT_FOUND_EXCEPTION,
            thrownAt: 'org.apache.flink.runtime.rest.handler.taskmanager.AbstractTaskManagerFileHandler.handleException(AbstractTaskManagerFileHandler.java:217)',
            cause: unknownTaskExecutor(second),
          });
        }
        const content = await tm.profiler.readResult(fourth);
        if (content !== undefined) return fileResponse(content);
        return internalServerError(`org.apache.flink.util.FlinkException: Failed to transfer file from TaskExecutor ${second}.`);
      }
      if (method === 'GET') {
        if (tm === undefined) {
          return restHandlerError(404, `Could not find TaskExecutor ${second}`, {
            thrownAt: 'org.apache.flink.runtime.rest.handler.taskmanager.TaskManagerProfilingListHandler.lambda$handleRequest$0(TaskManagerProfilingListHandler.java:91)',
            cause: unknownTaskExecutor(second),
          });
        }
        return jsonResponse(200, { profilingList: tm.profiler.list() });
      }
      if (method !== 'POST') return undefined;
      const request = parseProfilingRequest(body);
      if ('cause' in request) return badProfilingRequest(body, request.cause);
      const invalid = durationError(request.duration);
      if (invalid !== undefined) return invalid;
      if (tm === undefined) {
        return internalServerError(`java.util.concurrent.CompletionException: ${unknownTaskExecutor(second)}`);
      }
      try {
        return startRun(tm.profiler, request, method, path);
      } catch (error) {
        // the TaskManager's exception crosses RPC, so it arrives wrapped
        if (error instanceof ProfilerBusyError) {
          return internalServerError(`java.util.concurrent.CompletionException: java.lang.IllegalStateException: ${error.message}`);
        }
        throw error;
      }
    }
    return undefined;
  }

  function durationError(duration: number): SimResponse | undefined {
    if (duration > 0 && duration <= options.durationMax) return undefined;
    return internalServerError(`java.lang.IllegalArgumentException: \`duration\` must be set between (0s, ${options.durationMax}s].`);
  }

  async function route(method: string, url: string, body: string): Promise<SimResponse> {
    const segments = pathSegments(url);
    if (segments === undefined) return routeNotFound(url);
    const path = `/${segments.join('/')}`;
    const liveTaskManagers = [...taskManagers.values()].map((tm) => tm.info);
    if (method === 'GET') {
      switch (path) {
        case '/config':
          return jsonResponse(200, dashboardConfig(options.flinkVersion));
        case '/overview':
          return jsonResponse(200, clusterOverview(options.flinkVersion, job, liveTaskManagers.length, slots));
        case '/jobs/overview':
          return jsonResponse(200, jobsOverview(job, Date.now()));
        case '/taskmanagers':
          return jsonResponse(200, taskManagersInfo(liveTaskManagers, job, slots, { assignedTasks }));
        case '/jobmanager/config':
          return jsonResponse(200, jobManagerConfig(options.configuration));
      }
      const metrics = jobMetrics?.route(segments, new URLSearchParams(url.split('?')[1] ?? ''));
      if (metrics !== undefined) return metrics;
    }
    if (options.profiling) {
      const response = await profilerRoute(method, segments, body, url.split('?')[0] ?? '');
      if (response !== undefined) return response;
    }
    return routeNotFound(url);
  }

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          pendingDelays.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      pendingDelays.add(entry);
    });
  }

  /** A body of spaces that never ends: written as fast as the client reads, until it hangs up. */
  function sendEndless(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=UTF-8' });
    const block = Buffer.alloc(64 * 1024, 0x20);
    const pump = (): void => {
      while (!res.destroyed && res.write(block)) {
        // fill the socket until it pushes back
      }
      if (!res.destroyed) res.once('drain', pump);
    };
    res.write('{"taskmanagers":[');
    pump();
  }

  /** The real answer, announced whole and sent a few bytes at a time. */
  async function sendTrickle(res: ServerResponse, response: SimResponse, bytes: number, everyMs: number): Promise<void> {
    res.writeHead(response.status, { 'Content-Type': response.contentType, 'Content-Length': response.body.length });
    for (let at = 0; at < response.body.length && !res.destroyed; at += bytes) {
      res.write(response.body.subarray(at, at + bytes));
      await delay(everyMs);
    }
    res.end();
  }

  function send(res: ServerResponse, response: SimResponse, truncateTo: number | undefined): void {
    res.writeHead(response.status, { 'Content-Type': response.contentType, 'Content-Length': response.body.length });
    if (truncateTo === undefined) {
      res.end(response.body);
      return;
    }
    // announce the whole body, send only part of it, then cut the connection
    res.write(response.body.subarray(0, Math.max(0, Math.min(truncateTo, response.body.length))), () => res.destroy());
  }

  let inFlight = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    inFlight++;
    try {
      await answer(req, res);
    } finally {
      inFlight--;
    }
  }

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const record = (status: number) => requests.push({ method, path: url, status });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    }
    let truncateTo: number | undefined;
    let injected: SimResponse | undefined;
    let trickle: { bytes: number; everyMs: number } | undefined;
    for (const fault of faults.takeTransportFaults(method, path)) {
      if (fault.type === 'endless') {
        record(200);
        sendEndless(res);
        return;
      }
      if (fault.type === 'trickle') {
        trickle = fault;
        continue;
      }
      if (fault.type === 'delay') {
        await delay(fault.ms);
        continue;
      }
      if (fault.type === 'drop') {
        record(DROPPED);
        req.socket.destroy();
        return;
      }
      if (fault.type === 'truncate') truncateTo = fault.bytes;
      if (fault.type === 'status') {
        const body = fault.body ?? JSON.stringify({ errors: [fault.status === 503 ? LEADER_ELECTION : `Injected failure with status ${fault.status}.`] });
        injected = { status: fault.status, contentType: 'application/json; charset=UTF-8', body: Buffer.from(body) };
      }
      break;
    }
    const response =
      injected ??
      (size > MAX_BODY_BYTES ? errorResponse(413, 'Request entity too large.') : await route(method, url, Buffer.concat(chunks).toString('utf8')));
    record(response.status);
    if (trickle) await sendTrickle(res, response, trickle.bytes, trickle.everyMs);
    else send(res, response, truncateTo);
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const response = internalServerError(String(error));
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', status: response.status });
      send(res, response, undefined);
    });
  };
  const { tls } = options;
  const server = tls
    ? createTlsServer(
        { cert: tls.certPem, key: tls.keyPem, ...(tls.clientCaPem ? { ca: tls.clientCaPem, requestCert: true, rejectUnauthorized: true } : {}) },
        onRequest,
      )
    : createServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    faults: { add: (fault) => faults.add(fault), clear: () => faults.clear() },
    requests,
    get inFlight() {
      return inFlight;
    },
    setJobState(state: string): void {
      if (job === null) throw new Error('this session cluster has no job');
      job.state = state;
      job.endTime = isTerminalJobState(state) ? Date.now() : -1;
    },
    removeTaskManager(id: string): void {
      const tm = taskManagers.get(id);
      if (tm === undefined) return;
      taskManagers.delete(id);
      removedProfilers.push(tm.profiler);
    },
    async stop(): Promise<void> {
      for (const entry of pendingDelays) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      pendingDelays.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      const profilers = [jobManager, ...[...taskManagers.values()].map((tm) => tm.profiler), ...removedProfilers];
      await Promise.all(profilers.map((profiler) => profiler.close()));
      await closed;
    },
  };
}
