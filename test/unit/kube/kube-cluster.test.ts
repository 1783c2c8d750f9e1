// The Cluster port on a real API server protocol: client-node against the Kubernetes simulator.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { Cluster } from '../../../src/kube/cluster.ts';
import { connectCluster, FLINK_MAIN_CONTAINER } from '../../../src/kube/kube-cluster.ts';
import { startScenario, type Scenario } from '../../sim/scenario.ts';

function collect(): { sink: Writable; text(): string } {
  const chunks: Buffer[] = [];
  return {
    sink: new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    }),
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

describe('KubeCluster', () => {
  let scenario: Scenario;
  let cluster: Cluster;
  before(async () => {
    scenario = await startScenario({ deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 2 }] });
    cluster = await connectCluster({ env: {}, kubeconfig: scenario.kubeconfigPath, timeoutMs: 20_000 });
  });
  after(() => scenario.stop());

  it('says where it is connected', () => {
    assert.equal(cluster.namespace, 'squirrly');
    assert.deepEqual(cluster.context.files, [scenario.kubeconfigPath]);
    assert.match(cluster.context.server, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('lists pods as plain records: role from the component label, IP, phase, readiness, containers', async () => {
    const pods = await cluster.listPods('app=sample-job');
    assert.deepEqual(pods.map((p) => p.role).sort(), ['jobmanager', 'taskmanager', 'taskmanager']);
    for (const pod of pods) {
      assert.equal(pod.phase, 'Running');
      assert.equal(pod.ready, true);
      assert.match(pod.ip ?? '', /^\d+\.\d+\.\d+\.\d+$/);
      assert.ok(pod.containers.includes(FLINK_MAIN_CONTAINER), pod.containers.join(','));
    }
  });

  it('reads FlinkDeployments, and says undefined for one that does not exist', async () => {
    assert.equal((await cluster.getFlinkDeployment('sample-job'))?.metadata?.name, 'sample-job');
    assert.equal(await cluster.getFlinkDeployment('nope'), undefined);
    assert.deepEqual((await cluster.listFlinkDeployments()).map((d) => d.metadata?.name), ['sample-job']);
    assert.equal(await cluster.namespaceExists('nope'), false);
  });

  it('runs argv in the Flink container of a pod and returns its exit code and stderr', async () => {
    const [pod] = await cluster.listPods('app=sample-job,component=taskmanager');
    const out = collect();
    const ok = await cluster.exec(pod!.name, ['echo', 'hello'], out.sink);
    assert.deepEqual([ok.exitCode, out.text()], [0, 'hello\n']);
    const failed = await cluster.exec(pod!.name, ['ls', '/no/such/dir'], collect().sink);
    assert.notEqual(failed.exitCode, 0);
    assert.match(failed.stderr, /no\/such\/dir/);
  });

  it('answers can-i from the RBAC rules', async () => {
    const answer = await cluster.canI({ verb: 'create', group: '', resource: 'pods', subresource: 'portforward' });
    assert.equal(answer.allowed, true);
    assert.match(answer.reason ?? '', /allowed/);
  });
});
