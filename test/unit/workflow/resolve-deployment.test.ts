import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../../src/errors.ts';
import { parseDeploymentRef } from '../../../src/workflow/resolve-deployment.ts';

describe('parseDeploymentRef', () => {
  it("accepts kubectl's forms of a FlinkDeployment and of a FlinkSessionJob", () => {
    for (const text of ['job', 'flinkdeployment/job', 'flinkdep/job', 'FlinkDeployments.flink.apache.org/job']) assert.deepEqual(parseDeploymentRef(text), { kind: 'deployment', name: 'job' });
    assert.deepEqual(parseDeploymentRef('flinksessionjob/etl'), { kind: 'sessionjob', name: 'etl' });
  });
  it('refuses a missing name, an invalid name and other resources as usage errors', () => {
    for (const text of [undefined, '', 'Job_1', '../x', 'pod/job']) assert.throws(() => parseDeploymentRef(text), UsageError, String(text));
  });
});
