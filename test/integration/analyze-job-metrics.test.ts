// `analyze` joins Flink's job metrics saved beside the flame graphs: a fixture folder's job.json, the
// `<run>.job.json` of the same run among several, and nothing when the snapshot is missing, broken
// or from another run. Real flame graphs and snapshots captured from Flink 1.20.5.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { selectProvider } from '../../src/analysis/select-provider.ts';
import type { JobMetricsSnapshot } from '../../src/flink/job-metrics.ts';
import { analyzeArtifacts } from '../../src/workflow/analyze.ts';
import type { WorkflowEvent } from '../../src/workflow/events.ts';
import { saveJobMetrics } from '../../src/workflow/job-metrics-file.ts';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'diagnosis', 'blocking-call');
const flameGraphName = readdirSync(FIXTURE).find((f) => f.endsWith('.html'))!;
const snapshot = JSON.parse(readFileSync(join(FIXTURE, 'job.json'), 'utf8')) as JobMetricsSnapshot;

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'analyze-job-metrics-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(join(FIXTURE, flameGraphName), join(dir, flameGraphName));
  return dir;
}

async function analyze(dir: string): Promise<{ jobMetrics?: JobMetricsSnapshot; events: WorkflowEvent[] }> {
  const events: WorkflowEvent[] = [];
  const outcome = await analyzeArtifacts({
    files: [{ path: join(dir, flameGraphName) }],
    selection: selectProvider({ env: {}, provider: 'builtin', redact: false }),
    writeNextToFiles: false,
    onEvent: (e) => events.push(e),
    onText: () => {},
  });
  return { ...(outcome.jobMetrics ? { jobMetrics: outcome.jobMetrics } : {}), events };
}

describe('analyze joins the job metrics beside the flame graphs', () => {
  it("uses a folder's job.json", async (t) => {
    const dir = scratch(t);
    copyFileSync(join(FIXTURE, 'job.json'), join(dir, 'job.json'));
    const { jobMetrics, events } = await analyze(dir);
    assert.deepEqual(jobMetrics, snapshot);
    assert.ok(events.some((e) => e.type === 'step' && e.message.includes('job.json')));
  });

  it('picks the <run>.job.json whose window ended when the flame graph was written, not an older run', async (t) => {
    const dir = scratch(t);
    const ended = Date.parse(snapshot.to);
    utimesSync(join(dir, flameGraphName), new Date(ended + 2000), new Date(ended + 2000));
    const older = { ...snapshot, jobName: 'an older run', to: new Date(ended - 3_600_000).toISOString() };
    await saveJobMetrics(dir, 'job_WALL_2026-12-01_07_28_35.job.json', older);
    await saveJobMetrics(dir, 'job_WALL_2026-12-01_08_28_35.job.json', snapshot);
    assert.equal((await analyze(dir)).jobMetrics?.jobName, snapshot.jobName);
    rmSync(join(dir, 'job_WALL_2026-12-01_08_28_35.job.json'));
    assert.equal((await analyze(dir)).jobMetrics, undefined, 'a snapshot an hour away is another run');
  });

  it('still analyzes a bare flame graph, and warns about a broken snapshot', async (t) => {
    const dir = scratch(t);
    assert.equal((await analyze(dir)).jobMetrics, undefined);
    writeFileSync(join(dir, 'job.json'), '{"schema": 1, "vertices": ');
    const { jobMetrics, events } = await analyze(dir);
    assert.equal(jobMetrics, undefined);
    assert.ok(events.some((e) => e.type === 'warning' && e.message.includes('not a job-metrics snapshot')));
  });

  it('keeps only well-formed fields of a hostile snapshot', async (t) => {
    const dir = scratch(t);
    writeFileSync(join(dir, 'job.json'), JSON.stringify({
      schema: 1, jobName: 'x\u001b[31m', from: 1, vertices: [{ id: 'v', name: 'Map', operators: ['Map', 7], parallelism: -2, subtasks: [{ index: 0, taskManagerId: 'tm', busyMsPerSecond: 'NaN', idleMsPerSecond: 900 }, { index: 'a' }] }, null],
      edges: 'no', taskManagers: [{ id: 'tm', gcTimeMsPerSecond: Number.MAX_VALUE }],
    }));
    const { jobMetrics } = await analyze(dir);
    assert.deepEqual(jobMetrics, {
      schema: 1, flinkVersion: '', jobId: '', jobName: 'x [31m', from: '', to: '',
      vertices: [{ id: 'v', name: 'Map', operators: ['Map', ''], parallelism: 0, subtasks: [{ index: 0, taskManagerId: 'tm', idleMsPerSecond: 900 }] }],
      edges: [], taskManagers: [{ id: 'tm', gcTimeMsPerSecond: Number.MAX_VALUE }],
    });
  });
});
