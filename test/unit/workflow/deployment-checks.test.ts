import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SquirrlyError } from '../../../src/errors.ts';
import type { FlinkDeploymentObject } from '../../../src/kube/cluster.ts';
import { checkDeployment, checkDuration } from '../../../src/workflow/deployment-checks.ts';

function deployment(patch: { spec?: Partial<NonNullable<FlinkDeploymentObject['spec']>>; status?: Partial<NonNullable<FlinkDeploymentObject['status']>> } = {}): FlinkDeploymentObject {
  return {
    metadata: { name: 'sample-job', namespace: 'squirrly' },
    spec: { flinkVersion: 'v1_20', job: { jarURI: 'local:///x.jar' }, flinkConfiguration: { 'rest.profiling.enabled': 'true' }, ...patch.spec },
    status: { jobManagerDeploymentStatus: 'READY', jobStatus: { state: 'RUNNING' }, clusterInfo: { 'flink-version': '1.20.1' }, ...patch.status },
  };
}

const rejects = (obj: FlinkDeploymentObject, message: RegExp, hint?: RegExp) =>
  assert.throws(() => checkDeployment(obj, 'sample-job', 'squirrly'), (err: SquirrlyError) => {
    assert.match(err.message, message);
    if (hint) assert.match(err.hint ?? '', hint);
    return true;
  });

describe('checkDeployment', () => {
  it('accepts a healthy deployment and reads its facts', () => {
    const { facts, warnings } = checkDeployment(deployment({ spec: { flinkConfiguration: { 'rest.profiling.enabled': 'true', 'rest.port': '9091', 'rest.profiling.duration-max': '2 min', 'rest.profiling.dir': '/opt/flink/prof' } } }), 'sample-job', 'squirrly');
    assert.deepEqual(warnings, []);
    assert.equal(facts.restPort, 9091);
    assert.equal(facts.durationMax, 120);
    assert.equal(facts.profilingDir, '/opt/flink/prof');
    assert.equal(facts.session, false);
    assert.equal(facts.mode, 'native');
  });

  it('reads nested flinkConfiguration (operator 1.13+)', () => {
    const { facts } = checkDeployment(deployment({ spec: { flinkConfiguration: { rest: { profiling: { enabled: true, 'duration-max': '30 s' } } } } }), 'sample-job', 'squirrly');
    assert.equal(facts.durationMax, 30);
  });

  it('explains a JobManager that is not ready', () => {
    rejects(deployment({ status: { jobManagerDeploymentStatus: 'DEPLOYING' } }), /not ready: jobManagerDeploymentStatus is DEPLOYING/, /kubectl get flinkdeployment sample-job -n squirrly -w/);
  });

  it('refuses a job that is not running, but only warns for a session cluster', () => {
    rejects(deployment({ status: { jobStatus: { state: 'FAILED' } } }), /job of sample-job is not running \(state FAILED\)/);
    const session = deployment({ status: { jobStatus: { state: 'FINISHED' } } });
    delete session.spec!.job;
    const { warnings, facts } = checkDeployment(session, 'sample-job', 'squirrly');
    assert.equal(facts.session, true);
    assert.match(warnings[0] ?? '', /session cluster/);
  });

  it('refuses Flink older than 1.19', () => {
    rejects(deployment({ status: { clusterInfo: { 'flink-version': '1.18.1' } } }), /Flink 1\.18\.1; the profiler REST API needs Flink 1\.19/);
    rejects(deployment({ spec: { flinkVersion: 'v1_17' }, status: { clusterInfo: {} } }), /needs Flink 1\.19/);
  });

  it('prints the kubectl patch that enables profiling', () => {
    rejects(deployment({ spec: { flinkConfiguration: {} } }), /profiling is not enabled/, /kubectl patch flinkdeployment sample-job -n squirrly --type merge -p '\{"spec":\{"flinkConfiguration":\{"rest.profiling.enabled":"true"\}\}\}'/);
    rejects(deployment({ spec: { flinkConfiguration: { 'rest.profiling.enabled': 'false' } } }), /profiling is not enabled/);
  });
});

describe('checkDuration', () => {
  it('accepts 1..max and refuses the rest with exit code 2', () => {
    checkDuration(1, 300);
    checkDuration(300, 300);
    for (const bad of [0, 301, 1.5, -3]) {
      assert.throws(() => checkDuration(bad, 300), (err: SquirrlyError) => err.exitCode === 2 && /1 to 300 seconds/.test(err.message));
    }
  });
});
