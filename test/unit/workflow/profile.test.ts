// profileDeployment in this process, through the Cluster port on the simulated cluster (real
// client-node over HTTPS and WebSockets, the Flink REST simulator behind the port-forward), with
// its progress events asserted. The CLI child-process tests cover the same command end to end.
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Cluster } from '../../../src/kube/cluster.ts';
import { connectCluster } from '../../../src/kube/kube-cluster.ts';
import type { WorkflowEvent } from '../../../src/workflow/events.ts';
import { profileDeployment, type ProfileOptions } from '../../../src/workflow/profile.ts';
import { startScenario, type Scenario } from '../../sim/scenario.ts';

describe('profileDeployment in-process', () => {
  let scenario: Scenario;
  let cluster: Cluster;
  let out: string;
  before(async () => {
    scenario = await startScenario({ clockSpeed: 20, deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 2, failingModes: ['CPU'] }] });
    cluster = await connectCluster({ env: {}, kubeconfig: scenario.kubeconfigPath, timeoutMs: 20_000 });
    out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-workflow-'));
  });
  after(async () => {
    await scenario.stop();
    await rm(out, { recursive: true, force: true });
  });

  const options = (extra: Partial<ProfileOptions>): ProfileOptions => ({
    deployment: 'sample-job', mode: 'ITIMER', duration: 2, taskManagers: [], jobManager: false, outputDir: out, searchDirs: [], ...extra,
  });

  it('saves one flame graph per TaskManager; each target goes running, finished, downloading, saved', async () => {
    const events: WorkflowEvent[] = [];
    const result = await profileDeployment(cluster, options({}), (e) => events.push(e));
    const taskManagers = scenario.pods('squirrly').filter((p) => p.labels.component === 'taskmanager').map((p) => p.name).sort();
    assert.deepEqual(result.targets.map((t) => t.label).sort(), taskManagers);
    assert.equal(result.flinkVersion, '1.20.1');
    for (const t of result.targets) {
      assert.equal(t.status, 'saved', t.message);
      assert.equal(t.via, 'rest');
      assert.equal(typeof t.triggerTime, 'number');
      assert.equal(path.dirname(t.path!), path.join(out, 'squirrly', 'sample-job'));
      assert.equal(statSync(t.path!).size, t.bytes);
      const states = events.flatMap((e) => (e.type === 'target' && e.label === t.label ? [e.state] : []));
      assert.deepEqual(states, ['running', 'finished', 'downloading', 'saved']);
    }
    const plan = events.find((e) => e.type === 'plan');
    assert.deepEqual(plan && plan.type === 'plan' ? plan.targets.map((t) => t.label).sort() : [], taskManagers);
    const countdown = events.flatMap((e) => (e.type === 'countdown' ? [e.remainingSeconds] : []));
    assert.ok(countdown.length >= 2 && countdown[0]! >= 1, `a countdown runs while the runs are due: ${countdown.join(',')}`);
    assert.deepEqual(countdown, [...countdown].sort((a, b) => b - a), 'the countdown never goes up');
    assert.equal(events.filter((e) => e.type === 'saved').length, taskManagers.length);
  });

  it("a mode Flink refuses at start fails every target with Flink's reason and the fix; nothing is waited for", async () => {
    const events: WorkflowEvent[] = [];
    const result = await profileDeployment(cluster, options({ mode: 'CPU' }), (e) => events.push(e));
    assert.ok(result.targets.length > 0);
    for (const t of result.targets) {
      assert.equal(t.status, 'failed');
      assert.match(t.message ?? '', /^Flink refused to start CPU profiling: /);
      assert.match(t.hint ?? '', /--type ITIMER/);
      assert.equal(t.path, undefined);
    }
    assert.equal(events.filter((e) => e.type === 'countdown').length, 0);
    assert.ok(events.filter((e) => e.type === 'target').every((e) => e.type === 'target' && e.state === 'failed'));
  });

  it('the JobManager alone, with --jobmanager and no TaskManager', async () => {
    const result = await profileDeployment(cluster, options({ jobManager: true }), () => {});
    assert.deepEqual(result.targets.map((t) => [t.label, t.status]), [['JobManager', 'saved']]);
    assert.ok(existsSync(result.targets[0]!.path!));
  });
});
