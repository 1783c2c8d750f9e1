// The job-metrics reader against real Flink 1.20 and 2.x: every route and metric name it relies on,
// read from a running job (the healthy diagnosis job: a rate-limited source, a keyed average with
// checkpoints every 3 s) through the product's REST client.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JobMetricsSnapshot } from '../../src/flink/job-metrics.ts';
import { JobMetricsRecorder } from '../../src/flink/job-metrics-reader.ts';
import { FlinkRestClient } from '../../src/flink/rest-client.ts';
import { startRealFlink, type FlinkProfile, type RealFlink } from './flink-cluster.ts';

const TASK_MANAGER = 'metrics-taskmanager-1-1';
/** the healthy job's source rate over all subtasks (squirrly.e2e.diagnosis.Cases) */
const SOURCE_RATE = 4000;
// the window, and how often the JobManager may refresh its metric store (default 10 s; shorter here
// to keep the test short: the reader waits for a fresh fetch at the end either way)
const WINDOW_MS = 6000;
const FETCH_INTERVAL_MS = 2000;

for (const flinkProfile of ['1.20', '2.x'] as FlinkProfile[]) {
  describe(`job metrics from real Flink ${flinkProfile}`, () => {
    let flink: RealFlink | undefined;
    let root = '';
    let snapshot: JobMetricsSnapshot;

    before(async () => {
      root = mkdtempSync(join(tmpdir(), `job-metrics-real-${flinkProfile}-`));
      flink = await startRealFlink({
        flinkProfile,
        jobManagerProfilingDir: join(root, 'jobmanager'),
        taskManagers: [{ resourceId: TASK_MANAGER, profilingDir: join(root, TASK_MANAGER) }],
        slotsPerTaskManager: 2,
        parallelism: 2,
        job: { mainClass: 'squirrly.e2e.diagnosis.DiagnosisSubmit', args: ['healthy'] },
        extraConfig: { 'metrics.fetcher.update-interval': FETCH_INTERVAL_MS },
      });
      const client = new FlinkRestClient(flink.restUrl, { timeoutMs: 10_000 });
      // the first answers after submission come from an empty metric store: start() waits for it
      const recorder = await JobMetricsRecorder.start(client, flink.jobId, flink.flinkVersion, { settleMs: 20_000 });
      await new Promise((r) => setTimeout(r, WINDOW_MS));
      snapshot = await recorder.finish();
    });

    after(async () => {
      await flink?.stop();
      rmSync(root, { recursive: true, force: true });
    });

    it('reads the job graph: vertices, chained operators, parallelism and the keyBy edge', () => {
      assert.equal(snapshot.schema, 1);
      assert.equal(snapshot.jobId, flink?.jobId);
      assert.equal(snapshot.jobName, 'diagnosis-healthy');
      assert.equal(snapshot.flinkVersion, flink?.flinkVersion);
      assert.deepEqual(snapshot.vertices.map((v) => [v.name, v.operators, v.parallelism]), [
        ['Source: readings -> ParseReading', ['Source: readings', 'ParseReading'], 2],
        ['Average -> discard: Writer', ['Average', 'discard: Writer'], 2],
      ]);
      const [source, average] = snapshot.vertices;
      assert.deepEqual(snapshot.edges, [{ from: source?.id, to: average?.id, shipStrategy: 'HASH' }]);
    });

    it('gives every subtask its TaskManager and busy / back-pressured / idle time adding up to one second per second', () => {
      for (const vertex of snapshot.vertices) {
        assert.deepEqual(vertex.subtasks.map((s) => s.index).sort(), [0, 1]);
        for (const s of vertex.subtasks) {
          assert.equal(s.taskManagerId, TASK_MANAGER);
          const { busyMsPerSecond: busy, backPressuredMsPerSecond: bp, idleMsPerSecond: idle } = s;
          assert.ok(busy !== undefined && bp !== undefined && idle !== undefined, `${vertex.name} #${s.index}: ${JSON.stringify(s)}`);
          assert.ok(Math.abs(busy + bp + idle - 1000) < 1, `${vertex.name} #${s.index}: ${busy} + ${bp} + ${idle}`);
          // the job keeps up with its rate-limited source
          assert.ok(idle > busy, `${vertex.name} #${s.index} is busier than idle: ${JSON.stringify(s)}`);
        }
      }
    });

    it('counts records over the window: the source writes at its configured rate and the keyed vertex reads them', () => {
      const [source, average] = snapshot.vertices;
      const sum = (values: Array<number | undefined>) => values.reduce<number>((a, v) => a + (v ?? Number.NaN), 0);
      const written = sum(source?.subtasks.map((s) => s.recordsOutPerSecond) ?? []);
      const read = sum(average?.subtasks.map((s) => s.recordsInPerSecond) ?? []);
      assert.ok(written > SOURCE_RATE * 0.6 && written < SOURCE_RATE * 1.4, `source writes ${written}/s`);
      assert.ok(read > SOURCE_RATE * 0.6 && read < SOURCE_RATE * 1.4, `Average reads ${read}/s`);
      assert.ok((source?.subtasks[0]?.recordsOut ?? 0) > 0);
      assert.equal(source?.subtasks[0]?.recordsIn, 0, 'a source reads nothing from the network');
    });

    it('reads checkpoint counts, duration and size, and the TaskManager heap and GC time', () => {
      const cp = snapshot.checkpoints;
      assert.ok(cp !== undefined && cp.completed >= 1, JSON.stringify(cp));
      assert.ok(cp.lastDurationMs !== undefined && cp.maxDurationMs !== undefined && cp.maxDurationMs >= cp.lastDurationMs, JSON.stringify(cp));
      assert.ok((cp.lastSizeBytes ?? 0) > 0, JSON.stringify(cp));
      assert.equal(snapshot.taskManagers.length, 1);
      const tm = snapshot.taskManagers[0]!;
      assert.equal(tm.id, TASK_MANAGER);
      assert.ok(tm.heapMaxBytes !== undefined && tm.heapUsedBytes !== undefined && tm.heapUsedBytes > 0 && tm.heapUsedBytes <= tm.heapMaxBytes, JSON.stringify(tm));
      assert.ok(tm.gcTimeMsPerSecond !== undefined && tm.gcTimeMsPerSecond >= 0 && tm.gcTimeMsPerSecond < 1000, JSON.stringify(tm));
    });

    it('spans the window it was asked for', () => {
      const span = Date.parse(snapshot.to) - Date.parse(snapshot.from);
      assert.ok(span >= WINDOW_MS, `${snapshot.from} .. ${snapshot.to}`);
    });
  });
}
