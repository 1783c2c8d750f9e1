// listArtifacts in this process, through the Cluster port on the simulated cluster, after a
// profile made runs: the REST history and the disk scan agree, and a download lands complete.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Cluster } from '../../../src/kube/cluster.ts';
import { connectCluster } from '../../../src/kube/kube-cluster.ts';
import { listArtifacts } from '../../../src/workflow/artifacts.ts';
import type { WorkflowEvent } from '../../../src/workflow/events.ts';
import { profileDeployment } from '../../../src/workflow/profile.ts';
import { startScenario, type Scenario } from '../../sim/scenario.ts';

describe('listArtifacts in-process', () => {
  let scenario: Scenario;
  let cluster: Cluster;
  let out: string;
  let profiled: string[];
  before(async () => {
    scenario = await startScenario({ clockSpeed: 20, deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 2 }] });
    cluster = await connectCluster({ env: {}, kubeconfig: scenario.kubeconfigPath, timeoutMs: 20_000 });
    out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-workflow-'));
    const result = await profileDeployment(cluster, { deployment: 'sample-job', mode: 'WALL', duration: 1, taskManagers: [], jobManager: false, outputDir: path.join(out, 'profile'), searchDirs: [] }, () => {});
    profiled = result.targets.map((t) => path.basename(t.path!)).sort();
  });
  after(async () => {
    await scenario.stop();
    await rm(out, { recursive: true, force: true });
  });

  it('lists every run from the REST history and the pod disks, and downloads the newest of each target', async () => {
    const events: WorkflowEvent[] = [];
    const result = await listArtifacts(cluster, { deployment: 'sample-job', searchDirs: [], outputDir: out, download: { files: [], latest: true, all: false } }, (e) => events.push(e));
    assert.deepEqual(result.rest, { available: true });
    assert.equal(result.flinkVersion, '1.20.1');
    assert.deepEqual(result.runs.map((r) => r.file).sort(), profiled);
    assert.ok(result.runs.every((r) => r.onDisk !== undefined), 'every file Flink lists is also found on its pod');
    assert.deepEqual(result.downloads.map((d) => [d.file, d.status]).sort(), profiled.map((f) => [f, 'saved']));
    for (const d of result.downloads) assert.equal(statSync(d.path!).size, d.bytes);
    assert.deepEqual(events.filter((e) => e.type === 'saved').length, profiled.length);
    assert.ok(events.some((e) => e.type === 'step' && /reading the profiling history of the JobManager and 2 TaskManager\(s\)/.test(e.message)));
  });

  it('downloads nothing twice: a file already there with the same size is skipped', async () => {
    const result = await listArtifacts(cluster, { deployment: 'sample-job', searchDirs: [], outputDir: out, download: { files: profiled, latest: false, all: false } }, () => {});
    assert.deepEqual(result.downloads.map((d) => d.status), profiled.map(() => 'skipped'));
  });
});
