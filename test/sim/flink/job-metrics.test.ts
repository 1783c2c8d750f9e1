// The job-metrics reader through the product's REST client against the simulated JobManager: the
// same routes and shapes real Flink answered (test/e2e/job-metrics-real-flink.test.ts checks those),
// an empty metric store at first, stale answers, hostile values and unknown ids.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { JobMetricsRecorder, readJobGraph } from '../../../src/flink/job-metrics-reader.ts';
import { FlinkRestClient, FlinkRestError } from '../../../src/flink/rest-client.ts';
import type { WorkflowEvent } from '../../../src/workflow/events.ts';
import { readJobMetricsFile } from '../../../src/workflow/job-metrics-file.ts';
import { beginJobMetrics } from '../../../src/workflow/job-metrics-step.ts';
import { startFlinkSim, type FlinkSim } from './cluster.ts';
import { jobIdFor } from './cluster-overview.ts';

const TMS = ['orders-taskmanager-1-1', 'orders-taskmanager-1-2'];

async function start(t: TestContext, flinkVersion: string): Promise<FlinkSim> {
  const root = await mkdtemp(join(tmpdir(), 'flink-sim-metrics-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'jm'));
  const sim = await startFlinkSim({
    flinkVersion,
    profiling: true,
    durationMax: 300,
    historySize: 10,
    failingModes: [],
    clockSpeed: 20,
    job: { name: 'orders', state: 'RUNNING' },
    configuration: { 'rest.profiling.enabled': 'true' },
    jobManager: { profilingDir: join(root, 'jm') },
    taskManagers: TMS.map((id, i) => ({ id, ip: `10.244.0.${12 + i}`, profilingDir: join(root, 'jm') })),
  });
  t.after(() => sim.stop());
  return sim;
}

for (const version of ['1.20.5', '2.3.0']) {
  describe(`job metrics from the Flink simulator (${version})`, () => {
    it('records a snapshot over the window: graph, subtask placement, rates, checkpoints and TaskManagers', async (t) => {
      const sim = await start(t, version);
      const client = new FlinkRestClient(sim.url, { timeoutMs: 5000 });
      const recorder = await JobMetricsRecorder.start(client, jobIdFor('orders'), version);
      await new Promise((r) => setTimeout(r, 600));
      const snap = await recorder.finish({ settleMs: 3000 });
      assert.equal(snap.jobName, 'orders');
      assert.deepEqual(snap.vertices.map((v) => v.operators), [['Source: click-generator', 'parse-json'], ['count-per-user', 'discard: Writer']]);
      assert.deepEqual(snap.edges, [{ from: snap.vertices[0]?.id, to: snap.vertices[1]?.id, shipStrategy: 'HASH' }]);
      const source = snap.vertices[0]!;
      assert.deepEqual(source.subtasks.map((s) => s.taskManagerId), TMS);
      for (const s of source.subtasks) {
        assert.ok(Math.abs((s.busyMsPerSecond ?? 0) - 350) < 2, JSON.stringify(s));
        assert.ok(Math.abs((s.recordsOutPerSecond ?? 0) - 5000 * (1 - s.index * 0.01)) < 5000 * 0.05, JSON.stringify(s));
      }
      assert.ok((snap.checkpoints?.completed ?? 0) > 0 && snap.checkpoints?.lastDurationMs === 120 && snap.checkpoints.maxDurationMs === 310);
      assert.deepEqual(snap.taskManagers.map((tm) => tm.id).sort(), TMS);
      assert.ok(snap.taskManagers.every((tm) => tm.gcTimeMsPerSecond !== undefined && Math.abs(tm.gcTimeMsPerSecond - 4) < 1), JSON.stringify(snap.taskManagers));
      // start() waited out the empty store, and finish() a fetch made after it was called
      const details = sim.requests.filter((r) => /\/vertices\/[0-9a-f]{32}$/.test(r.path));
      assert.ok(details.length >= 8, `${details.length} vertex requests`);
    });
  });
}

describe('job metrics reader, unhappy paths', () => {
  it("an unknown job is Flink's 404, and a malformed id never reaches the wire", async (t) => {
    const sim = await start(t, '1.20.5');
    const client = new FlinkRestClient(sim.url, { timeoutMs: 5000 });
    await assert.rejects(readJobGraph(client, '0'.repeat(32)), (err: unknown) => err instanceof FlinkRestError && err.status === 404 && /not found/.test(err.text));
    const before = sim.requests.length;
    await assert.rejects(readJobGraph(client, '../../jobmanager/config'), /not a Flink job id/);
    assert.equal(sim.requests.length, before);
  });

  it('survives hostile answers: NaN and string values, negative counters, bogus ids, control characters', async (t) => {
    const jid = 'a3daaa8f32d367a459d2788cea27a3be';
    const vid = 'cbc357ccb763df2852fee8c4fc7d55f2';
    let calls = 0;
    const server = createServer((req, res) => {
      const path = req.url ?? '';
      res.setHeader('content-type', 'application/json');
      if (path === `/jobs/${jid}`) {
        res.end(JSON.stringify({ name: 'evil\u001b]0;pwned\u0007', vertices: [{ id: vid, name: 'Source: x\u001b[2J', parallelism: 'NaN' }, { id: '../../etc', name: 'y' }, 'junk'], plan: { nodes: [{ id: vid, inputs: [{ id: 42 }] }] } }));
      } else if (path === `/jobs/${jid}/vertices/${vid}`) {
        calls++;
        res.end(JSON.stringify({ subtasks: [
          { subtask: 0, 'taskmanager-id': 'tm\u0000a', metrics: { 'accumulated-busy-time': calls * 500, 'accumulated-idle-time': 'NaN', 'accumulated-backpressured-time': -5, 'read-records': '1e400', 'write-records': calls * 100 } },
          { subtask: 1.5, metrics: {} },
          { subtask: 2, 'taskmanager-id': { x: 1 }, metrics: null },
        ] }));
      } else if (path.startsWith('/taskmanagers/')) {
        res.end(JSON.stringify({ metrics: { heapUsed: 'lots', heapMax: 10, garbageCollectors: [{ name: 'G1', time: 5 }, { name: 'Old', time: '7' }] } }));
      } else if (path === `/jobs/${jid}/checkpoints`) {
        res.end(JSON.stringify({ counts: { completed: 'many', failed: -1 }, latest: { completed: { end_to_end_duration: 'NaN' } } }));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ errors: [`Not found: ${path}`] }));
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => new Promise<void>((r) => server.close(() => r())));
    const client = new FlinkRestClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { timeoutMs: 5000, attempts: 1 });
    const recorder = await JobMetricsRecorder.start(client, jid, '1.20.5', { settleMs: 0 });
    const snap = await recorder.finish({ settleMs: 0 });
    assert.equal(snap.jobName, 'evil ]0;pwned ');
    assert.deepEqual(snap.vertices.map((v) => [v.id, v.name, v.parallelism]), [[vid, 'Source: x [2J', 0]]);
    assert.deepEqual(snap.edges, []);
    assert.deepEqual(snap.vertices[0]?.subtasks, [
      // busy is the only clean time counter: it covers the whole span; records written move, read is out of range
      { index: 0, taskManagerId: 'tm a', busyMsPerSecond: 1000, recordsOut: 100, recordsOutPerSecond: 200 },
      { index: 2, taskManagerId: '' },
    ]);
    assert.deepEqual(snap.checkpoints, { completed: 0, failed: 0 });
    assert.deepEqual(snap.taskManagers, [{ id: 'tm a', gcTimeMsPerSecond: 0, heapMaxBytes: 10 }]);
  });

  it('refuses an answer larger than its bound', async (t) => {
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(`[${'0,'.repeat(600_000)}0]`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => new Promise<void>((r) => server.close(() => r())));
    const client = new FlinkRestClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { timeoutMs: 5000, maxResponseBytes: 1024 * 1024 });
    await assert.rejects(client.get('/jobs/x'), { name: 'ByteCapError', message: 'Flink REST GET /jobs/x answered more than 1 MiB, the cap for one JSON answer; refusing to read it' });
  });
});

describe('the profile step that records job metrics', () => {
  it('samples the running job in the background and saves <run>.job.json in the run folder', async (t) => {
    const sim = await start(t, '1.20.5');
    const dir = await mkdtemp(join(tmpdir(), 'job-metrics-step-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const events: WorkflowEvent[] = [];
    const capture = beginJobMetrics(new FlinkRestClient(sim.url, { timeoutMs: 5000 }), { flinkVersion: '1.20.5', dir, mode: 'ITIMER', startedAt: new Date(2026, 0, 2, 3, 4, 5) }, (e) => events.push(e));
    await new Promise((r) => setTimeout(r, 800));
    const snapshot = await capture.finish();
    assert.equal(snapshot?.jobName, 'orders');
    const saved = await capture.save(snapshot);
    assert.equal(saved, join(dir, 'job_ITIMER_2026-01-02_03_04_05.job.json'));
    assert.deepEqual(await readJobMetricsFile(saved), snapshot);
    assert.ok(events.some((e) => e.type === 'step' && e.message.includes('job_ITIMER_2026-01-02_03_04_05.job.json')));
    assert.ok(!events.some((e) => e.type === 'warning'));
  });

  it('gives nothing without a running job, and a warning (not a failure) when Flink refuses', async (t) => {
    const sim = await start(t, '2.3.0');
    const dir = await mkdtemp(join(tmpdir(), 'job-metrics-step-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const client = new FlinkRestClient(sim.url, { timeoutMs: 5000, attempts: 1 });
    const events: WorkflowEvent[] = [];
    sim.faults.add({ path: /\/vertices\//, kind: { type: 'status', status: 500 } });
    assert.equal(await beginJobMetrics(client, { dir, mode: 'WALL' }, (e) => events.push(e)).finish(), undefined);
    assert.ok(events.some((e) => e.type === 'warning' && e.message.startsWith("Flink's job metrics are not available")), JSON.stringify(events));
    sim.faults.clear();
    sim.setJobState('FINISHED');
    events.length = 0;
    assert.equal(await beginJobMetrics(client, { dir, mode: 'WALL' }, (e) => events.push(e)).finish(), undefined);
    assert.deepEqual(events, []);
  });
});
