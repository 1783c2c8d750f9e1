// The behaviour of Flink's profiler REST API (FLIP-375) as a reusable node:test suite, so the
// same assertions run against the simulator and against a real Flink 1.20 / 2.x cluster.
// Assertions stick to what real Flink does: messages are matched with `includes`, null-valued
// fields are optional, and every run is short (1-2 s).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ProfilingMode } from '../../src/flamegraph/types.ts';

export interface ProfilerContractOptions {
  /** the TaskManager ids the cluster should report; when given, GET /taskmanagers must list exactly these */
  taskManagerIds?: () => Promise<string[]>;
  /** modes to run on the JobManager and the first TaskManager; default ['ITIMER'] */
  modes?: ProfilingMode[];
  /** multiplies every wait, for slow clusters; default 1 */
  timeScale?: number;
  /** modes that must fail at start (HTTP 200, status FAILED), like CPU without perf events */
  expectFailingModes?: ProfilingMode[];
}

interface HttpResult {
  status: number;
  contentType: string;
  text: string;
}

interface ProfilingEntry {
  status: string;
  mode: string | null;
  triggerTime: number;
  finishedTime?: number | null;
  duration: number;
  message?: string | null;
  outputFile?: string | null;
}

const FILE_TIME = '\\d{4}-\\d{2}-\\d{2}_\\d{2}_\\d{2}_\\d{2}';
const JOB_STATES = ['INITIALIZING', 'CREATED', 'RUNNING', 'FAILING', 'FAILED', 'CANCELLING', 'CANCELED', 'FINISHED', 'RESTARTING', 'SUSPENDED', 'RECONCILING'];
const DEFAULT_DURATION_MAX = 300;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function errorsOf(result: HttpResult): string {
  const body = JSON.parse(result.text) as { errors?: unknown };
  assert.ok(Array.isArray(body.errors), `expected a Flink error body, got ${result.text.slice(0, 200)}`);
  return body.errors.join('\n');
}

/** rest.profiling.duration-max as Flink writes durations: "300 s", "5 min", "120s", "1 h", "300". */
export function parseFlinkSeconds(value: string): number | undefined {
  const match = /^\s*(\d+)\s*(ms|milli|millis|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hour|hours)?\s*$/i.exec(value);
  if (match === null) return undefined;
  const amount = Number(match[1]);
  const unit = (match[2] ?? 's').toLowerCase();
  if (unit.startsWith('ms') || unit.startsWith('milli')) return Math.floor(amount / 1000);
  if (unit === 'm' || unit.startsWith('min')) return amount * 60;
  if (unit.startsWith('h')) return amount * 3600;
  return amount;
}

export function profilerContract(baseUrl: string | (() => string), options: ProfilerContractOptions = {}): void {
  const modes = options.modes ?? ['ITIMER'];
  const firstMode = modes[0] ?? 'ITIMER';
  const timeScale = options.timeScale ?? 1;
  const base = () => (typeof baseUrl === 'string' ? baseUrl : baseUrl()).replace(/\/+$/, '');

  async function request(method: string, path: string, body?: unknown): Promise<HttpResult> {
    const init: RequestInit = { method, signal: AbortSignal.timeout(30_000 * timeScale) };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      init.headers = { 'Content-Type': 'application/json' };
    }
    const response = await fetch(base() + path, init);
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
  }

  async function getJson<T>(path: string): Promise<T> {
    const result = await request('GET', path);
    assert.equal(result.status, 200, `GET ${path}: ${result.text.slice(0, 300)}`);
    assert.match(result.contentType, /^application\/json/);
    return JSON.parse(result.text) as T;
  }

  async function startRun(profilerPath: string, mode: ProfilingMode, duration: number): Promise<ProfilingEntry> {
    const result = await request('POST', profilerPath, { mode, duration });
    assert.equal(result.status, 200, `POST ${profilerPath}: ${result.text.slice(0, 300)}`);
    const entry = JSON.parse(result.text) as ProfilingEntry;
    assert.equal(entry.status, 'RUNNING', `run did not start: ${entry.message ?? ''}`);
    assert.equal(entry.mode, mode);
    assert.equal(entry.duration, duration);
    assert.equal(typeof entry.triggerTime, 'number');
    assert.ok(entry.outputFile == null, 'a running entry has no output file yet');
    return entry;
  }

  /** Polls the list until the run with this trigger time is no longer RUNNING. */
  async function awaitEnd(profilerPath: string, started: ProfilingEntry): Promise<ProfilingEntry> {
    const deadline = Date.now() + (started.duration * 1000 + 30_000) * timeScale;
    for (;;) {
      const { profilingList } = await getJson<{ profilingList: ProfilingEntry[] }>(profilerPath);
      const entry = profilingList.find((e) => e.triggerTime === started.triggerTime && e.mode === started.mode);
      assert.ok(entry !== undefined, 'the started run is missing from the list');
      if (entry.status !== 'RUNNING') return entry;
      assert.ok(Date.now() < deadline, `run still RUNNING long after its ${started.duration} s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function assertFinishedWithFlameGraph(profilerPath: string, entry: ProfilingEntry, resourceId: string): Promise<void> {
    assert.equal(entry.status, 'FINISHED', `run ended ${entry.status}: ${entry.message ?? ''}`);
    assert.ok(entry.message?.includes('Profiling Successful'), `message: ${entry.message ?? ''}`);
    assert.ok(typeof entry.finishedTime === 'number' && entry.finishedTime >= entry.triggerTime);
    const outputFile = entry.outputFile ?? '';
    assert.match(outputFile, new RegExp(`^${escapeRegExp(resourceId)}_${entry.mode ?? ''}_${FILE_TIME}\\.html$`));
    const download = await request('GET', `${profilerPath}/${encodeURIComponent(outputFile)}`);
    assert.equal(download.status, 200, `download: ${download.text.slice(0, 300)}`);
    assert.match(download.contentType, /^text\/plain/);
    assert.match(download.text, /<h1>[^<]+<\/h1>/);
    assert.match(download.text, /const levels = Array\(\d+\);/);
    assert.ok(download.text.includes('function f(level, left, width, type, title'), 'not the async-profiler 2.x layout');
    // the root is type 3, or 2 (async-profiler's inlined test 0 * 3 >= 0) when the run recorded no samples,
    // as 1 s LOCK runs without contention do
    const root = /^f\(0,0,(\d+),([23]),'all'\)$/m.exec(download.text);
    assert.ok(root !== null, 'no root frame f(0,0,<width>,2|3,\'all\')');
    if (root[2] === '2') assert.equal(root[1], '0', 'a root of type 2 has no samples');
  }

  async function firstTaskManagerId(): Promise<string> {
    const { taskmanagers } = await getJson<{ taskmanagers: Array<{ id: string }> }>('/taskmanagers');
    const id = taskmanagers[0]?.id;
    assert.ok(id !== undefined, 'the cluster has no TaskManager');
    return id;
  }

  async function durationMax(): Promise<number> {
    const config = await getJson<Array<{ key: string; value: string }>>('/jobmanager/config');
    const value = config.find((entry) => entry.key === 'rest.profiling.duration-max')?.value;
    return (value === undefined ? undefined : parseFlinkSeconds(value)) ?? DEFAULT_DURATION_MAX;
  }

  describe('Flink REST: cluster routes', () => {
    it('GET /config names the Flink version', async () => {
      const config = await getJson<Record<string, unknown>>('/config');
      assert.equal(typeof config['flink-version'], 'string');
      assert.match(config['flink-version'] as string, /^\d+\.\d+/);
      assert.equal(typeof config['refresh-interval'], 'number');
      assert.equal(typeof config['timezone-name'], 'string');
      assert.equal(typeof config['timezone-offset'], 'number');
      assert.equal(typeof config['flink-revision'], 'string');
    });

    it('GET /overview counts TaskManagers and slots', async () => {
      const overview = await getJson<Record<string, unknown>>('/overview');
      for (const key of ['taskmanagers', 'slots-total', 'slots-available', 'jobs-running', 'jobs-finished', 'jobs-cancelled', 'jobs-failed']) {
        assert.equal(typeof overview[key], 'number', key);
      }
      assert.equal(typeof overview['flink-version'], 'string');
    });

    it('GET /jobs/overview lists jobs with 32-hex ids', async () => {
      const { jobs } = await getJson<{ jobs: Array<Record<string, unknown>> }>('/jobs/overview');
      assert.ok(Array.isArray(jobs));
      for (const job of jobs) {
        assert.match(job['jid'] as string, /^[0-9a-f]{32}$/);
        assert.equal(typeof job['name'], 'string');
        assert.ok(JOB_STATES.includes(job['state'] as string), `state ${String(job['state'])}`);
        for (const key of ['start-time', 'end-time', 'duration', 'last-modification']) assert.equal(typeof job[key], 'number', key);
        const tasks = job['tasks'] as Record<string, unknown>;
        assert.equal(typeof tasks['total'], 'number');
        assert.equal(typeof tasks['running'], 'number');
      }
    });

    it('GET /taskmanagers gives resource ids and RPC paths', async () => {
      const { taskmanagers } = await getJson<{ taskmanagers: Array<Record<string, unknown>> }>('/taskmanagers');
      assert.ok(Array.isArray(taskmanagers) && taskmanagers.length > 0);
      for (const tm of taskmanagers) {
        assert.ok(typeof tm['id'] === 'string' && tm['id'] !== '');
        assert.match(tm['path'] as string, /^(pekko|akka)(\.tcp)?:\/\/flink.*\/user\/rpc\/taskmanager_\d+$/);
        for (const key of ['dataPort', 'slotsNumber', 'freeSlots', 'timeSinceLastHeartbeat']) assert.equal(typeof tm[key], 'number', key);
        assert.equal(typeof (tm['hardware'] as Record<string, unknown>)['cpuCores'], 'number');
      }
      if (options.taskManagerIds !== undefined) {
        const expected = await options.taskManagerIds();
        assert.deepEqual(taskmanagers.map((tm) => tm['id']).sort(), [...expected].sort());
      }
    });
  });

  describe('Flink REST: profiler', () => {
    it('GET /jobmanager/profiler lists runs, also under /v1', async () => {
      for (const path of ['/jobmanager/profiler', '/v1/jobmanager/profiler']) {
        const { profilingList } = await getJson<{ profilingList: unknown }>(path);
        assert.ok(Array.isArray(profilingList), path);
      }
    });

    it('a JobManager run starts RUNNING, refuses a second run, then finishes with a 2.x flame graph', async () => {
      const started = await startRun('/jobmanager/profiler', firstMode, 2);
      const second = await request('POST', '/jobmanager/profiler', { mode: firstMode, duration: 1 });
      assert.equal(second.status, 500);
      assert.ok(errorsOf(second).includes('is still under profiling'), second.text);
      const { profilingList } = await getJson<{ profilingList: ProfilingEntry[] }>('/jobmanager/profiler');
      assert.equal(profilingList[0]?.triggerTime, started.triggerTime, 'the new run is first in the list');
      assert.equal(profilingList[0]?.status, 'RUNNING');
      const ended = await awaitEnd('/jobmanager/profiler', started);
      await assertFinishedWithFlameGraph('/jobmanager/profiler', ended, 'JobManager');
    });

    it('lists JobManager runs newest first', async () => {
      const lastMode = modes[modes.length - 1] ?? firstMode;
      const started = await startRun('/jobmanager/profiler', lastMode, 1);
      await awaitEnd('/jobmanager/profiler', started);
      const { profilingList } = await getJson<{ profilingList: ProfilingEntry[] }>('/jobmanager/profiler');
      assert.ok(profilingList.length >= 2, 'two runs were made');
      assert.equal(profilingList[0]?.triggerTime, started.triggerTime);
      for (let i = 1; i < profilingList.length; i++) {
        assert.ok((profilingList[i - 1]?.triggerTime ?? 0) >= (profilingList[i]?.triggerTime ?? 0), 'newest first');
      }
    });

    for (const mode of modes) {
      it(`a TaskManager ${mode} run finishes with a flame graph named after the TaskManager`, async () => {
        const id = await firstTaskManagerId();
        const path = `/taskmanagers/${encodeURIComponent(id)}/profiler`;
        const started = await startRun(path, mode, 1);
        const ended = await awaitEnd(path, started);
        await assertFinishedWithFlameGraph(path, ended, id);
      });
    }

    for (const mode of options.expectFailingModes ?? []) {
      it(`a ${mode} run that async-profiler cannot start is FAILED at once, and another mode starts right after`, async () => {
        const failed = await request('POST', '/jobmanager/profiler', { mode, duration: 1 });
        assert.equal(failed.status, 200);
        const entry = JSON.parse(failed.text) as ProfilingEntry;
        assert.equal(entry.status, 'FAILED');
        assert.ok(entry.message?.includes('Start profiler failed.'), `message: ${entry.message ?? ''}`);
        const retry = await startRun('/jobmanager/profiler', firstMode, 1);
        await awaitEnd('/jobmanager/profiler', retry);
      });
    }

    it('a duration of 0 is a 500 with the allowed range', async () => {
      const result = await request('POST', '/jobmanager/profiler', { mode: firstMode, duration: 0 });
      assert.equal(result.status, 500);
      assert.ok(errorsOf(result).includes('`duration` must be set between (0s, '), result.text);
    });

    it('a duration above rest.profiling.duration-max is a 500 naming the maximum', async () => {
      const max = await durationMax();
      const result = await request('POST', '/jobmanager/profiler', { mode: firstMode, duration: max + 1 });
      assert.equal(result.status, 500);
      assert.ok(errorsOf(result).includes(`\`duration\` must be set between (0s, ${max}s].`), result.text);
    });

    it('an unknown mode or malformed JSON is a 400', async () => {
      for (const body of [{ mode: 'FLAMES', duration: 1 }, { mode: 'itimer', duration: 1 }, '{"mode": "ITIMER", ']) {
        const result = await request('POST', '/jobmanager/profiler', body);
        assert.equal(result.status, 400, JSON.stringify(body));
        assert.ok(errorsOf(result).includes('Request did not match expected format ProfilingRequestBody'), result.text);
      }
    });

    it('the list of an unknown TaskManager is a 404', async () => {
      const result = await request('GET', `/taskmanagers/${encodeURIComponent('10.0.0.1:6122-abcdef')}/profiler`);
      assert.equal(result.status, 404);
      assert.ok(errorsOf(result).includes('Could not find TaskExecutor'), result.text);
    });

    it('profiling an unknown TaskManager is a 500', async () => {
      const result = await request('POST', '/taskmanagers/no-such-taskmanager-1-9/profiler', { mode: firstMode, duration: 1 });
      assert.equal(result.status, 500);
      errorsOf(result);
    });

    it('downloading a JobManager file that does not exist is a 404', async () => {
      const result = await request('GET', `/jobmanager/profiler/${encodeURIComponent(`JobManager_${firstMode}_2000-01-01_00_00_00.html`)}`);
      assert.equal(result.status, 404);
      assert.ok(errorsOf(result).includes('This file does not exist in JobManager log dir.'), result.text);
    });
  });
}
