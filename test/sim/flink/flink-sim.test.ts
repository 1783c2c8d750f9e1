// Simulator-only behaviour: fault hooks, history trimming with file deletion, failing modes,
// session clusters, disabled profiling, hostile output names, and pod files vs downloads.
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdtemp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFlinkSim, type FlinkSim, type FlinkSimOptions } from './cluster.ts';

const NATIVE_TM = 'orders-taskmanager-1-1';
const STANDALONE_TM = '10.244.0.12:6122-3fa2b1';

interface Started {
  sim: FlinkSim;
  root: string;
  jobManagerDir: string;
  tmDirs: Map<string, string>;
}

async function start(t: TestContext, overrides: Partial<FlinkSimOptions> = {}): Promise<Started> {
  const root = await mkdtemp(join(tmpdir(), 'flink-sim-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const jobManagerDir = join(root, 'jobmanager', 'tmp');
  await mkdir(jobManagerDir, { recursive: true });
  const tmDirs = new Map<string, string>();
  for (const id of [NATIVE_TM, STANDALONE_TM]) {
    const dir = join(root, id.replace(/[^a-z0-9-]/gi, '_'), 'tmp');
    await mkdir(dir, { recursive: true });
    tmDirs.set(id, dir);
  }
  const sim = await startFlinkSim({
    flinkVersion: '1.20.1',
    profiling: true,
    durationMax: 300,
    historySize: 10,
    failingModes: [],
    clockSpeed: 20,
    job: { name: 'orders', state: 'RUNNING' },
    configuration: { 'rest.profiling.enabled': 'true' },
    jobManager: { profilingDir: jobManagerDir },
    taskManagers: [...tmDirs].map(([id, profilingDir], i) => ({ id, ip: `10.244.0.${12 + i}`, profilingDir })),
    ...overrides,
  });
  t.after(() => sim.stop());
  return { sim, root, jobManagerDir, tmDirs };
}

async function call(sim: FlinkSim, method: string, path: string, body?: unknown): Promise<{ status: number; type: string; text: string; json: any }> {
  const init: RequestInit = { method, signal: AbortSignal.timeout(30_000) };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(sim.url + path, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, type: response.headers.get('content-type') ?? '', text, json };
}

function tmPath(id: string): string {
  return `/taskmanagers/${encodeURIComponent(id)}/profiler`;
}

/** Starts a run and waits until the list shows it ended. */
async function profile(sim: FlinkSim, profilerPath: string, mode = 'ITIMER', duration = 1): Promise<any> {
  const started = await call(sim, 'POST', profilerPath, { mode, duration });
  assert.equal(started.status, 200, started.text);
  assert.equal(started.json.status, 'RUNNING', started.text);
  for (;;) {
    const list = await call(sim, 'GET', profilerPath);
    const entry = list.json.profilingList.find((e: any) => e.triggerTime === started.json.triggerTime);
    if (entry.status !== 'RUNNING') return entry;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Raw HTTP, to see what arrives on the socket when a response is cut short. */
function rawGet(sim: FlinkSim, path: string): Promise<{ contentLength: number; received: number; error: boolean }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${sim.url}${path}`, (res) => {
      let received = 0;
      const contentLength = Number(res.headers['content-length']);
      res.on('data', (chunk: Buffer) => (received += chunk.length));
      res.on('end', () => resolve({ contentLength, received, error: false }));
      res.on('error', () => resolve({ contentLength, received, error: true }));
      res.on('aborted', () => resolve({ contentLength, received, error: true }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Flink simulator', () => {
  it('has no profiler routes when profiling is disabled', async (t) => {
    const { sim } = await start(t, { profiling: false });
    for (const [method, path] of [
      ['GET', '/jobmanager/profiler'],
      ['POST', '/jobmanager/profiler'],
      ['GET', tmPath(NATIVE_TM)],
      ['GET', '/v1/jobmanager/profiler'],
    ] as const) {
      const result = await call(sim, method, path, method === 'POST' ? { mode: 'ITIMER', duration: 1 } : undefined);
      assert.equal(result.status, 404, path);
      assert.deepEqual(result.json, { errors: [`Not found: ${path}`] });
      assert.equal(result.type, 'application/json; charset=UTF-8');
    }
    assert.equal((await call(sim, 'GET', '/config')).status, 200);
  });

  it('serves a session cluster without jobs and follows job state changes', async (t) => {
    const session = await start(t, { job: null });
    assert.deepEqual((await call(session.sim, 'GET', '/jobs/overview')).json, { jobs: [] });
    assert.equal((await call(session.sim, 'GET', '/overview')).json['jobs-running'], 0);

    const { sim } = await start(t);
    const running = (await call(sim, 'GET', '/jobs/overview')).json.jobs[0];
    assert.equal(running.state, 'RUNNING');
    assert.equal(running['end-time'], -1);
    sim.setJobState('FINISHED');
    const finished = (await call(sim, 'GET', '/jobs/overview')).json.jobs[0];
    assert.equal(finished.state, 'FINISHED');
    assert.ok(finished['end-time'] > 0);
    assert.equal(finished.jid, running.jid);
  });

  it('serves the JobManager configuration as key/value pairs', async (t) => {
    const { sim } = await start(t, { configuration: { 'rest.profiling.enabled': 'true', 'rest.profiling.dir': '/tmp' } });
    assert.deepEqual((await call(sim, 'GET', '/jobmanager/config')).json, [
      { key: 'rest.profiling.enabled', value: 'true' },
      { key: 'rest.profiling.dir', value: '/tmp' },
    ]);
  });

  it('forgets a removed TaskManager', async (t) => {
    const { sim } = await start(t);
    sim.removeTaskManager(NATIVE_TM);
    const ids = (await call(sim, 'GET', '/taskmanagers')).json.taskmanagers.map((tm: any) => tm.id);
    assert.deepEqual(ids, [STANDALONE_TM]);
    const list = await call(sim, 'GET', tmPath(NATIVE_TM));
    assert.equal(list.status, 404);
    assert.equal(list.json.errors.length, 1);
    assert.ok(list.json.errors[0].startsWith(`org.apache.flink.runtime.rest.handler.RestHandlerException: Could not find TaskExecutor ${NATIVE_TM}\n\tat `));
    const post = await call(sim, 'POST', tmPath(NATIVE_TM), { mode: 'ITIMER', duration: 1 });
    assert.equal(post.status, 500);
    assert.equal(post.json.errors[0], 'Internal server error.');
    assert.ok(post.json.errors[1].includes(`UnknownTaskExecutorException: No TaskExecutor registered under ${NATIVE_TM}.`));
    const file = await call(sim, 'GET', `${tmPath(NATIVE_TM)}/${NATIVE_TM}_ITIMER_2000-01-01_00_00_00.html`);
    assert.equal(file.status, 404);
    assert.ok(file.json.errors[0].startsWith(`org.apache.flink.runtime.rest.NotFoundException: Failed to transfer file from TaskExecutor ${NATIVE_TM} because it was unknown.\n\tat `));
  });

  it('writes ProfilingInfo like Flink: null fields as null, profilingMode next to mode', async (t) => {
    const { sim } = await start(t);
    const started = await call(sim, 'POST', '/jobmanager/profiler', { mode: 'WALL', duration: 1 });
    assert.equal(started.json.profilingMode, 'WALL');
    assert.ok(started.text.includes('"finishedTime":null'), started.text);
    assert.ok(started.text.includes('"message":null'), started.text);
    assert.ok(started.text.includes('"outputFile":null'), started.text);
    const ended = await profile(sim, tmPath(STANDALONE_TM), 'LOCK');
    assert.equal(ended.profilingMode, 'LOCK');
    assert.equal(ended.mode, 'LOCK');
    const noMode = await call(sim, 'POST', tmPath(NATIVE_TM), { duration: 1 });
    assert.ok(noMode.text.includes('"mode":null') && noMode.text.includes('"profilingMode":null'), noMode.text);
  });

  it('lists assignedTasks per TaskManager only for Flink 2.x', async (t) => {
    const old = await start(t);
    for (const tm of (await call(old.sim, 'GET', '/taskmanagers')).json.taskmanagers) assert.ok(!('assignedTasks' in tm));
    const { sim } = await start(t, { flinkVersion: '2.3.0', configuration: { 'taskmanager.numberOfTaskSlots': '2' } });
    const items = (await call(sim, 'GET', '/taskmanagers')).json.taskmanagers;
    assert.deepEqual(items.map((tm: any) => tm.assignedTasks), [2, 2]);
    assert.deepEqual(Object.keys(items[0]).slice(5, 8), ['slotsNumber', 'freeSlots', 'assignedTasks'], 'placed like Flink 2.x');
  });

  it('writes an empty LOCK profile with the root line of type 2 when there is no contention', async (t) => {
    const { sim } = await start(t, { lockWithoutContention: true });
    const lock = await profile(sim, tmPath(NATIVE_TM), 'LOCK');
    assert.equal(lock.status, 'FINISHED');
    const html = (await call(sim, 'GET', `${tmPath(NATIVE_TM)}/${encodeURIComponent(lock.outputFile)}`)).text;
    assert.deepEqual(html.split('\n').filter((line) => line.startsWith('f(')), ["f(0,0,0,2,'all')"]);
    assert.match(html, /const levels = Array\(1\);/);
    const wall = await profile(sim, tmPath(NATIVE_TM), 'WALL');
    const wallHtml = (await call(sim, 'GET', `${tmPath(NATIVE_TM)}/${encodeURIComponent(wall.outputFile)}`)).text;
    assert.match(wallHtml, /^f\(0,0,[1-9]\d*,3,'all'\)$/m, 'other modes still record samples');
  });

  it('fails modes the host cannot profile with async-profiler\'s messages, and a missing mode with an NPE', async (t) => {
    const { sim, jobManagerDir } = await start(t, { failingModes: ['CPU', 'ALLOC'] });
    const cpu = await call(sim, 'POST', '/jobmanager/profiler', { mode: 'CPU', duration: 5 });
    assert.equal(cpu.status, 200);
    assert.equal(cpu.json.status, 'FAILED');
    assert.equal(
      cpu.json.message,
      "Start profiler failed. java.lang.IllegalStateException: No access to perf events. Try --fdtransfer or --all-user option or 'sysctl kernel.perf_event_paranoid=1'",
    );
    assert.equal(typeof cpu.json.finishedTime, 'number');
    const alloc = await call(sim, 'POST', '/jobmanager/profiler', { mode: 'ALLOC', duration: 5 });
    assert.equal(alloc.json.message, 'Start profiler failed. java.lang.IllegalStateException: No AllocTracer symbols found. Are JDK debug symbols installed?');
    const noMode = await call(sim, 'POST', '/jobmanager/profiler', { duration: 5 });
    assert.equal(noMode.status, 200);
    assert.equal(noMode.json.status, 'FAILED');
    assert.ok(noMode.json.message.startsWith('Start profiler failed. java.lang.NullPointerException'));
    const list = (await call(sim, 'GET', '/jobmanager/profiler')).json.profilingList;
    assert.deepEqual(list.map((e: any) => e.status), ['FAILED', 'FAILED', 'FAILED']);
    assert.deepEqual(await readdir(jobManagerDir), []);
  });

  it('checks the body like Flink: bad types and a missing duration are 400 RestHandlerExceptions', async (t) => {
    const { sim } = await start(t, { durationMax: 60 });
    for (const body of [{ mode: 'ITIMER', duration: 'soon' }, '[1]', '{}', { mode: 'ITIMER' }, { mode: 'ITIMER', duration: null }]) {
      for (const path of ['/jobmanager/profiler', tmPath(NATIVE_TM)]) {
        const result = await call(sim, 'POST', path, body);
        assert.equal(result.status, 400, `${path} ${JSON.stringify(body)}`);
        assert.equal(result.json.errors.length, 1);
        const [text] = result.json.errors;
        assert.ok(
          text.startsWith('org.apache.flink.runtime.rest.handler.RestHandlerException: Request did not match expected format ProfilingRequestBody.\n'),
          text,
        );
        assert.match(text, /^\tat org\.apache\.flink\./m);
      }
    }
    const empty = await call(sim, 'POST', tmPath(NATIVE_TM), '');
    assert.equal(empty.status, 400);
    assert.ok(empty.json.errors[0].startsWith('org.apache.flink.runtime.rest.handler.RestHandlerException: Bad request received. Request did not conform to expected format.\n\tat '));
    const zero = await call(sim, 'POST', '/jobmanager/profiler', { mode: 'ITIMER', duration: 0 });
    assert.equal(zero.status, 500);
    assert.equal(zero.json.errors[0], 'Internal server error.');
    assert.ok(zero.json.errors[1].startsWith('<Exception on server side:\n'));
    assert.ok(zero.json.errors[1].includes('`duration` must be set between (0s, 60s].'));
    const tooLong = await call(sim, 'POST', tmPath(NATIVE_TM), { mode: 'ITIMER', duration: 61 });
    assert.equal(tooLong.status, 500);
    assert.ok(tooLong.json.errors[1].includes('`duration` must be set between (0s, 60s].'));
  });

  it('writes into the TaskManager folder exactly the bytes the REST download serves, also for standalone ids', async (t) => {
    const { sim, tmDirs } = await start(t);
    for (const id of [NATIVE_TM, STANDALONE_TM]) {
      const entry = await profile(sim, tmPath(id), 'WALL', 2);
      assert.equal(entry.status, 'FINISHED');
      assert.ok(entry.finishedTime - entry.triggerTime >= 2000, 'the run lasts its duration on the simulated clock');
      assert.ok(entry.outputFile.startsWith(`${id}_WALL_`));
      const onDisk = await readFile(join(tmDirs.get(id) ?? '', entry.outputFile));
      const download = await fetch(`${sim.url}${tmPath(id)}/${encodeURIComponent(entry.outputFile)}`);
      assert.equal(download.status, 200);
      assert.equal(download.headers.get('content-type'), 'text/plain');
      assert.ok(Buffer.from(await download.arrayBuffer()).equals(onDisk));
    }
    const missing = await call(sim, 'GET', `${tmPath(NATIVE_TM)}/nothing.html`);
    assert.equal(missing.status, 500);
    assert.ok(missing.json.errors[1].includes(`Failed to transfer file from TaskExecutor ${NATIVE_TM}.`));
  });

  it('splits an encoded / in a file name into segments, so the router answers 404', async (t) => {
    const { sim } = await start(t);
    const entry = await profile(sim, '/jobmanager/profiler');
    for (const name of [`../../etc/${entry.outputFile}`, '../../etc/passwd', `../${entry.outputFile}`]) {
      for (const base of ['/jobmanager/profiler', tmPath(NATIVE_TM)]) {
        const path = `${base}/${encodeURIComponent(name)}`;
        const result = await call(sim, 'GET', path);
        assert.equal(result.status, 404, path);
        assert.deepEqual(result.json, { errors: [`Not found: ${path}`] });
      }
    }
    const direct = await call(sim, 'GET', `/jobmanager/profiler/${encodeURIComponent(entry.outputFile)}`);
    assert.equal(direct.status, 200);
  });

  it('keeps historySize runs per process and deletes the files of dropped runs', async (t) => {
    const { sim, tmDirs } = await start(t, { historySize: 2 });
    const dir = tmDirs.get(NATIVE_TM) ?? '';
    const runs = [];
    for (const mode of ['ITIMER', 'WALL', 'LOCK']) runs.push(await profile(sim, tmPath(NATIVE_TM), mode));
    const list = (await call(sim, 'GET', tmPath(NATIVE_TM))).json.profilingList;
    assert.deepEqual(list.map((e: any) => e.mode), ['LOCK', 'WALL']);
    assert.deepEqual((await readdir(dir)).sort(), [runs[1].outputFile, runs[2].outputFile].sort());
    assert.deepEqual((await call(sim, 'GET', '/jobmanager/profiler')).json.profilingList, [], 'each process has its own history');
  });

  it('reports hostile output file names while writing the file safely inside the folder', async (t) => {
    const { sim, root, jobManagerDir } = await start(t);
    const rootBefore = (await readdir(root)).sort();
    const hostile = ['../../x', `${'a'.repeat(300)}.html`, 'bad\u0007name\n.html'];
    for (const name of hostile) sim.faults.add({ path: '/jobmanager/profiler', method: 'POST', times: 1, kind: { type: 'outputFile', name } });
    const reported = [];
    for (let i = 0; i < hostile.length; i++) reported.push((await profile(sim, '/jobmanager/profiler')).outputFile);
    assert.deepEqual(reported, hostile);
    const files = (await readdir(jobManagerDir)).sort();
    assert.deepEqual(files, ['a'.repeat(200), 'bad_name_.html', 'x'].sort());
    assert.deepEqual((await readdir(root)).sort(), rootBefore);
    const traversal = await call(sim, 'GET', `/jobmanager/profiler/${encodeURIComponent('../../x')}`);
    assert.equal(traversal.status, 404, 'the router splits the encoded / into segments');
    const written = await call(sim, 'GET', '/jobmanager/profiler/x');
    assert.equal(written.status, 200);
    assert.equal(written.text, await readFile(join(jobManagerDir, 'x'), 'utf8'));
    const next = await profile(sim, '/jobmanager/profiler');
    assert.match(next.outputFile, /^JobManager_ITIMER_/, 'the fault was used up');
  });

  it('injects statuses, counting down, and records every request', async (t) => {
    const { sim } = await start(t);
    sim.faults.add({ path: '/overview', times: 2, kind: { type: 'status', status: 503 } });
    const first = await call(sim, 'GET', '/overview');
    assert.equal(first.status, 503);
    assert.ok(first.json.errors[0].includes('leader election'));
    assert.equal((await call(sim, 'GET', '/overview')).status, 503);
    assert.equal((await call(sim, 'GET', '/overview')).status, 200);
    sim.faults.add({ path: /^\/jobs\//, method: 'GET', kind: { type: 'status', status: 502, body: '{"errors":["bad gateway"]}' } });
    assert.deepEqual((await call(sim, 'GET', '/jobs/overview')).json, { errors: ['bad gateway'] });
    assert.equal((await call(sim, 'POST', '/jobs/overview')).status, 404, 'the method filter excludes POST');
    sim.faults.clear();
    assert.equal((await call(sim, 'GET', '/jobs/overview')).status, 200);
    assert.deepEqual(
      sim.requests.map((r) => `${r.method} ${r.path} ${r.status}`),
      ['GET /overview 503', 'GET /overview 503', 'GET /overview 200', 'GET /jobs/overview 502', 'POST /jobs/overview 404', 'GET /jobs/overview 200'],
    );
  });

  it('delays, drops and truncates responses', async (t) => {
    const { sim } = await start(t);
    sim.faults.add({ path: '/config', times: 1, kind: { type: 'delay', ms: 200 } });
    assert.equal((await call(sim, 'GET', '/config')).status, 200, 'a delayed request is still answered');

    sim.faults.add({ path: '/overview', times: 1, kind: { type: 'drop' } });
    await assert.rejects(call(sim, 'GET', '/overview'));
    assert.equal(sim.requests.at(-1)?.status, 0);

    sim.faults.add({ path: '/taskmanagers', times: 1, kind: { type: 'truncate', bytes: 10 } });
    const cut = await rawGet(sim, '/taskmanagers');
    assert.equal(cut.received, 10);
    assert.ok(cut.contentLength > 10);
    assert.ok(cut.error, 'the connection closes before the announced length');
    assert.equal((await call(sim, 'GET', '/taskmanagers')).status, 200);
  });

  it('stops with a run in progress and a request waiting in a delay', async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'flink-sim-stop-'));
    t.after(() => rm(root, { recursive: true, force: true }));
    const sim = await startFlinkSim({
      flinkVersion: '2.0.0', profiling: true, durationMax: 300, historySize: 10, failingModes: [], clockSpeed: 1,
      job: null, configuration: {}, jobManager: { profilingDir: root }, taskManagers: [],
    });
    assert.equal((await call(sim, 'POST', '/jobmanager/profiler', { mode: 'ITIMER', duration: 300 })).json.status, 'RUNNING');
    sim.faults.add({ path: '/config', kind: { type: 'delay', ms: 600_000 } });
    const waiting = fetch(`${sim.url}/config`).then(() => 'answered', () => 'closed');
    while (sim.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await sim.stop();
    assert.ok(['answered', 'closed'].includes(await waiting));
    assert.deepEqual(await readdir(root), []);
  });
});
