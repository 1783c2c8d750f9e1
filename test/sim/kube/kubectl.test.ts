// The simulator against the real kubectl (skipped with a message when kubectl is absent, failing under CI).
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubectlSkipReason, runKubectl, type KubectlResult } from '../../support/kubectl.ts';
import { startScenario, type Scenario } from '../scenario.ts';

const skip = kubectlSkipReason() ?? false;

describe('Kubernetes simulator with kubectl', { skip }, () => {
  let scenario: Scenario;
  let taskManagers: string[];
  const kubectl = (...args: string[]): Promise<KubectlResult> => runKubectl(args, { kubeconfig: scenario.kubeconfigPath });

  before(async () => {
    scenario = await startScenario({
      deployments: [{ name: 'sample-job', external: true }],
      users: { bob: [{ apiGroups: ['', 'flink.apache.org'], resources: ['pods', 'flinkdeployments'], verbs: ['get', 'list'] }] },
    });
    taskManagers = scenario.pods('squirrly').filter((p) => p.labels['component'] === 'taskmanager').map((p) => p.name);
    // a marker per pod, so each exec can prove it sees its own /tmp and nobody else's
    for (const name of taskManagers) await writeFile(join(scenario.podFsRoot('squirrly', name), 'tmp', `marker-${name}`), name);
  });
  after(() => scenario.stop());

  it('lists FlinkDeployments by their plural name', async () => {
    const result = await kubectl('get', 'flinkdeployments');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^NAME\s+AGE\nsample-job\s/);
  });

  it('resolves the flinkdep short name and serves the object as JSON', async () => {
    const result = await kubectl('get', 'flinkdep', 'sample-job', '-o', 'json');
    assert.equal(result.code, 0, result.stderr);
    const deployment = JSON.parse(result.stdout) as { kind: string; status: { jobManagerDeploymentStatus: string; lifecycleState: string } };
    assert.equal(deployment.kind, 'FlinkDeployment');
    assert.equal(deployment.status.jobManagerDeploymentStatus, 'READY');
    assert.equal(deployment.status.lifecycleState, 'STABLE');
  });

  it('filters pods by label', async () => {
    const result = await kubectl('get', 'pods', '-l', 'component=taskmanager', '-o', 'name');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n').sort(), taskManagers.map((n) => `pod/${n}`).sort());
  });

  it('words a missing pod like the real server', async () => {
    const result = await kubectl('get', 'pod', 'nope');
    assert.equal(result.code, 1);
    assert.equal(result.stderr.trim(), 'Error from server (NotFound): pods "nope" not found');
  });

  it('execs in each pod with only that pod\'s /tmp visible', async () => {
    for (const name of taskManagers) {
      const result = await kubectl('exec', name, '--', 'ls', '/tmp');
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.stdout.trim().split('\n'), [`marker-${name}`]);
    }
  });

  it('passes a non-zero exit code through', async () => {
    const [first] = taskManagers;
    const result = await kubectl('exec', first ?? '', '--', 'sh', '-c', 'exit 3');
    assert.equal(result.code, 3);
    assert.match(result.stderr, /command terminated with exit code 3/);
  });

  it('streams stdin to the command', async () => {
    const result = await runKubectl(['exec', '-i', taskManagers[0] ?? '', '--', 'wc', '-c'], { kubeconfig: scenario.kubeconfigPath, stdin: 'x'.repeat(100_000) });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), '100000');
  });

  it('shows the Forbidden Status when RBAC denies exec', async () => {
    const result = await runKubectl(['exec', taskManagers[0] ?? '', '--', 'true'], { kubeconfig: scenario.writeKubeconfig({ user: 'bob' }) });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(`pods "${taskManagers[0]}" is forbidden: User "bob" cannot create resource "pods/exec" in API group "" in the namespace "squirrly"`),
    );
  });

  it('refuses kubectl port-forward (SPDY tunnel) with a readable error instead of hanging', async () => {
    const jobManager = scenario.pods('squirrly').find((p) => p.labels['component'] === 'jobmanager')?.name ?? assert.fail('no JobManager');
    const result = await kubectl('port-forward', jobManager, ':8081');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error upgrading connection: port-forward over SPDY is not supported/);
  });

  it('applies a merge patch to a FlinkDeployment', async () => {
    const patch = JSON.stringify({ spec: { flinkConfiguration: { 'rest.profiling.enabled': 'false' } } });
    const patched = await kubectl('patch', 'flinkdeployment', 'sample-job', '--type', 'merge', '-p', patch);
    assert.equal(patched.code, 0, patched.stderr);
    const read = await kubectl('get', 'flinkdep', 'sample-job', '-o', 'jsonpath={.spec.flinkConfiguration.rest\\.profiling\\.enabled}');
    assert.equal(read.stdout, 'false');
  });
});
