// `profile` records Flink's job metrics over the runs' window through the same REST transport and
// saves `<run>.job.json` beside the flame graphs; the analysis that follows joins it. Simulated
// cluster (kube API + JobManager REST), the plugin as a child process.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { startScenario } from '../sim/scenario.ts';
import { runCli } from '../support/cli.ts';

describe('profile saves the job metrics of the window', () => {
  it('writes job_<MODE>_<time>.job.json next to the flame graphs, names it in -o json, and the analysis joins it', async (t) => {
    const scenario = await startScenario({ clockSpeed: 20, deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 2 }] });
    const out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-out-'));
    t.after(async () => {
      await scenario.stop();
      await rm(out, { recursive: true, force: true });
    });
    const r = await runCli(['profile', 'sample-job', '-d', '2', '-o', 'json', '--provider', 'builtin', '--output-dir', out], { env: { KUBECONFIG: scenario.kubeconfigPath } });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { jobMetrics: string | null; targets: Array<{ file: string }> };
    const dir = path.join(out, 'squirrly', 'sample-job');
    const saved = readdirSync(dir).filter((f) => f.endsWith('.job.json'));
    assert.equal(saved.length, 1, readdirSync(dir).join(' '));
    assert.match(saved[0]!, /^job_ITIMER_\d{4}-\d{2}-\d{2}_\d{2}_\d{2}_\d{2}\.job\.json$/);
    assert.equal(doc.jobMetrics, path.join(dir, saved[0]!));
    const snapshot = JSON.parse(readFileSync(doc.jobMetrics, 'utf8'));
    assert.equal(snapshot.schema, 1);
    assert.equal(snapshot.vertices.length, 2);
    const placed = new Set(snapshot.vertices.flatMap((v: { subtasks: Array<{ taskManagerId: string }> }) => v.subtasks.map((s) => s.taskManagerId)));
    assert.deepEqual([...placed].sort(), ['sample-job-taskmanager-1-1', 'sample-job-taskmanager-1-2']);
    assert.ok(snapshot.vertices[0].subtasks.every((s: { busyMsPerSecond?: number }) => typeof s.busyMsPerSecond === 'number'));
    // what the run ran against, for diff: read from the FlinkDeployment the run was started on
    assert.match(snapshot.deployment.resourceVersion, /^\d+$/);
    assert.equal(snapshot.deployment.parallelism, 4);
    assert.equal(snapshot.deployment.configuration['rest.profiling.enabled'], 'true');
    assert.match(snapshot.deployment.configurationHash, /^[0-9a-f]{64}$/);
    assert.match(r.stderr, /joining Flink's job metrics from job_ITIMER_/);
    assert.doesNotMatch(r.stderr, /job metrics are not available/);
  });
});
