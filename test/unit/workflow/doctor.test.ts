// runDoctor in this process, through the Cluster port on the simulated cluster: every check
// result is also emitted as a `check` event, in the same order as the report.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectCluster } from '../../../src/kube/kube-cluster.ts';
import { runDoctor } from '../../../src/workflow/doctor.ts';
import type { WorkflowEvent } from '../../../src/workflow/events.ts';
import { startScenario, type Scenario } from '../../sim/scenario.ts';

describe('runDoctor in-process', () => {
  let scenario: Scenario;
  before(async () => {
    scenario = await startScenario({ deployments: [{ name: 'sample-job', namespace: 'squirrly' }, { name: 'no-profiler', namespace: 'squirrly', profiling: false }] });
  });
  after(() => scenario.stop());
  const connect = () => connectCluster({ env: {}, kubeconfig: scenario.kubeconfigPath, timeoutMs: 20_000 });

  it('passes every cluster check of a healthy deployment and emits each one as it is known', async () => {
    const events: WorkflowEvent[] = [];
    const report = await runDoctor({ deployment: 'sample-job', connect, env: {} }, (e) => events.push(e));
    assert.equal(report.ok, true);
    assert.equal(report.namespace, 'squirrly');
    const failing = report.checks.filter((c) => c.status !== 'pass' && c.id !== 'analysis');
    assert.deepEqual(failing, []);
    assert.match(report.checks.find((c) => c.id === 'profiler-routes')?.detail ?? '', /^present \(0 run\(s\)/);
    const checked = events.flatMap((e) => (e.type === 'check' ? [[e.id, e.status]] : []));
    assert.deepEqual(checked, report.checks.map((c) => [c.id, c.status]));
  });

  it('a deployment without rest.profiling.enabled fails that check, still reaches Flink, and skips the routes', async () => {
    const report = await runDoctor({ deployment: 'no-profiler', connect, env: {} });
    const status = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
    assert.equal(report.ok, false);
    assert.equal(status['profiling'], 'fail');
    assert.equal(status['rest'], 'pass');
    assert.equal(status['profiler-routes'], 'skip');
  });

  it('a kubeconfig that cannot load fails the first check and skips every cluster check after it', async () => {
    const report = await runDoctor({ deployment: 'sample-job', connect: () => connectCluster({ env: {}, kubeconfig: '/nonexistent/kubeconfig', timeoutMs: 1000 }), env: {} });
    assert.equal(report.checks[0]?.status, 'fail');
    assert.ok(report.checks.filter((c) => c.id !== 'kubeconfig' && c.id !== 'analysis').every((c) => c.status === 'skip'));
  });
});
