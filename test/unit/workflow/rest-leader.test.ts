// JobManager HA: the REST leader found from the ConfigMap Flink's Kubernetes HA services write, on the
// simulator with two JobManager replicas whose first pod in list order is the standby.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { connectCluster } from '../../../src/kube/kube-cluster.ts';
import type { WorkflowEvent } from '../../../src/workflow/events.ts';
import { findFlinkPods } from '../../../src/workflow/flink-pods.ts';
import { profileDeployment } from '../../../src/workflow/profile.ts';
import { restLeaderHost } from '../../../src/workflow/rest-leader.ts';
import { startScenario } from '../../sim/scenario.ts';
import type { RbacRule } from '../../sim/types.ts';

async function haScenario(t: { after(fn: () => Promise<void>): void }, rbac?: RbacRule[]) {
  const scenario = await startScenario({ clockSpeed: 20, ...(rbac ? { rbac } : {}), deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 1, jobManagers: 2 }] });
  t.after(() => scenario.stop());
  const jobManagers = scenario.pods('squirrly').filter((p) => p.labels.component === 'jobmanager');
  const cluster = await connectCluster({ env: {}, kubeconfig: scenario.kubeconfigPath, timeoutMs: 10_000 });
  return { scenario, cluster, standby: jobManagers[0]!, leader: jobManagers[1]! };
}

describe('the REST leader among JobManagers', () => {
  it("reads the leader's host from Flink's \"<session id>,<REST URL>\" value", () => {
    assert.equal(restLeaderHost('5c8a3a1e-1f0b-4f39-9d4b-6c1d2e3f4a5b,http://10.244.1.11:8081'), '10.244.1.11');
    assert.equal(restLeaderHost('5c8a3a1e-1f0b-4f39-9d4b-6c1d2e3f4a5b,https://[fd00::b]:8081'), 'fd00::b');
    assert.equal(restLeaderHost('http://10.244.1.11:8081'), undefined);
    assert.equal(restLeaderHost('id,not a url'), undefined);
    assert.equal(restLeaderHost(undefined), undefined);
  });

  it('picks the leader named by <name>-cluster-config-map, not the first ready pod, and says why', async (t) => {
    const { cluster, leader } = await haScenario(t);
    const pods = await findFlinkPods(cluster, 'sample-job');
    assert.equal(pods.jobManager.name, leader.name);
    assert.match(pods.jobManagerNote ?? '', new RegExp(`${leader.name} holds the REST leadership among 2 ready JobManagers \\(ConfigMap sample-job-cluster-config-map\\)`));
  });

  it('without get configmaps it uses the first ready pod and says it may be a standby', async (t) => {
    const rules: RbacRule[] = [
      { apiGroups: ['flink.apache.org'], resources: ['flinkdeployments'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods', 'pods/portforward', 'pods/exec'], verbs: ['get', 'list', 'create'] },
    ];
    const { cluster, standby } = await haScenario(t, rules);
    const pods = await findFlinkPods(cluster, 'sample-job');
    assert.equal(pods.jobManager.name, standby.name);
    assert.match(pods.jobManagerNote ?? '', /you may not get configmaps.*may be a standby/);
  });

  it('profile --jobmanager port-forwards to the leader and profiles it, and says which pod it used', async (t) => {
    const { scenario, cluster, leader, standby } = await haScenario(t);
    const out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-ha-'));
    t.after(() => rm(out, { recursive: true, force: true }));
    const events: WorkflowEvent[] = [];
    const result = await profileDeployment(cluster, { deployment: 'sample-job', mode: 'ITIMER', duration: 1, taskManagers: [], jobManager: true, outputDir: out, searchDirs: [] }, (e) => events.push(e));
    assert.deepEqual(result.targets.map((r) => [r.label, r.pod, r.status]), [['JobManager', leader.name, 'saved']]);
    const forwards = scenario.requests.filter((r) => r.path.endsWith('/portforward')).map((r) => r.path.split('/')[6]);
    assert.ok(forwards.length > 0 && forwards.every((pod) => pod === leader.name), forwards.join(', '));
    assert.ok(!forwards.includes(standby.name));
    assert.ok(events.some((e) => e.type === 'step' && e.message.includes(`${leader.name} holds the REST leadership`)));
  });
});
