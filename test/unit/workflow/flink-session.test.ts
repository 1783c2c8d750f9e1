// openFlinkSession in this process, through the Cluster port on the simulated cluster.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Cluster } from '../../../src/kube/cluster.ts';
import { connectCluster } from '../../../src/kube/kube-cluster.ts';
import { deploymentFacts } from '../../../src/workflow/deployment-checks.ts';
import { findFlinkPods } from '../../../src/workflow/flink-pods.ts';
import { openFlinkSession, type FlinkSession } from '../../../src/workflow/flink-session.ts';
import { startScenario, type Scenario } from '../../sim/scenario.ts';

describe('openFlinkSession', () => {
  let scenario: Scenario;
  let cluster: Cluster;
  before(async () => {
    scenario = await startScenario({
      deployments: [
        { name: 'sample-job', namespace: 'squirrly', taskManagers: 3 },
        { name: 'no-profiler', namespace: 'squirrly', taskManagers: 1, profiling: false },
        { name: 'old-flink', namespace: 'squirrly', taskManagers: 1, flinkVersion: '1.18.1' },
      ],
    });
    cluster = await connectCluster({ env: {}, kubeconfig: scenario.kubeconfigPath, timeoutMs: 20_000 });
  });
  after(() => scenario.stop());

  async function open(name: string, via: 'port-forward' | 'proxy' = 'port-forward'): Promise<FlinkSession> {
    const object = await cluster.getFlinkDeployment(name);
    const facts = deploymentFacts(object!, name, cluster.namespace);
    const pods = await findFlinkPods(cluster, name);
    return openFlinkSession(cluster, { facts, via, jobManagerPod: pods.jobManager.name });
  }

  for (const via of ['port-forward', 'proxy'] as const) {
    it(`reads the cluster's facts through ${via} and keeps the client open until close()`, async () => {
      const session = await open('sample-job', via);
      try {
        assert.equal(session.transport.via, via);
        assert.equal(session.flinkVersion, '1.20.1');
        assert.equal(session.taskManagers.length, 3);
        assert.equal(session.overview.taskmanagers, 3);
        assert.deepEqual(session.jobs.map((j) => j.state), ['RUNNING']);
        assert.deepEqual(session.jobManagerRuns, []);
        assert.equal(session.profilerProblem, undefined);
        // the open client serves later requests (triggers, histories, job metrics)
        assert.ok(Array.isArray((await session.client.get<{ taskmanagers: unknown[] }>('/taskmanagers')).taskmanagers));
      } finally {
        await session.close();
      }
      await assert.rejects(() => fetch(`${session.transport.baseUrl}/config`), 'closed means the local endpoint is gone');
    });
  }

  it('names missing profiler routes as a problem with the fix, not as a failure to connect', async () => {
    const session = await open('no-profiler');
    await session.close();
    assert.match(session.profilerProblem?.message ?? '', /^the JobManager of no-profiler has no profiler endpoints \(GET \/jobmanager\/profiler is 404\)/);
    assert.match(session.profilerProblem?.hint ?? '', /kubectl patch flinkdeployment no-profiler -n squirrly/);
    assert.equal(session.jobManagerRuns, undefined);
  });

  it('gates the version Flink itself reports, with the one upgrade hint', async () => {
    const session = await open('old-flink');
    await session.close();
    assert.equal(session.profilerProblem?.message, 'old-flink runs Flink 1.18.1; the profiler REST API needs Flink 1.19 or newer');
    assert.match(session.profilerProblem?.hint ?? '', /^upgrade the deployment to Flink 1\.19\+/);
  });
});
