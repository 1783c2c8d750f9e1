// What a run records of its FlinkDeployment: enough to say what changed between two runs, and no
// secret from the configuration in clear.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deploymentRecord } from '../../../src/workflow/deployment-record.ts';

describe('deploymentRecord', () => {
  const object = {
    metadata: { name: 'sample-job', generation: 7, resourceVersion: '123456' },
    spec: {
      job: { parallelism: 8 },
      flinkConfiguration: {
        'taskmanager.numberOfTaskSlots': '2',
        's3.secret-key': 'hunter2',
        's3.access-key': 'AKIAEXAMPLE',
        'security.ssl.rest.key-password': 'p4ss',
        'state.backend.type': 'rocksdb',
        'pipeline.object-reuse': true,
      },
    },
  };

  it('keeps generation, resourceVersion, parallelism and the configuration, secrets as a short hash', () => {
    const record = deploymentRecord(object);
    assert.equal(record.generation, 7);
    assert.equal(record.resourceVersion, '123456');
    assert.equal(record.parallelism, 8);
    assert.equal(record.configuration?.['taskmanager.numberOfTaskSlots'], '2');
    assert.equal(record.configuration?.['state.backend.type'], 'rocksdb');
    assert.equal(record.configuration?.['pipeline.object-reuse'], 'true');
    for (const key of ['s3.secret-key', 's3.access-key', 'security.ssl.rest.key-password']) assert.match(record.configuration?.[key] ?? '', /^sha256:[0-9a-f]{12}$/, key);
    const text = JSON.stringify(record);
    for (const secret of ['hunter2', 'AKIAEXAMPLE', 'p4ss']) assert.ok(!text.includes(secret), secret);
  });

  it('hashes the configuration independently of key order, and a changed value changes the hash', () => {
    const reordered = { ...object, spec: { ...object.spec, flinkConfiguration: Object.fromEntries(Object.entries(object.spec.flinkConfiguration).reverse()) } };
    assert.equal(deploymentRecord(reordered).configurationHash, deploymentRecord(object).configurationHash);
    const changed = { ...object, spec: { ...object.spec, flinkConfiguration: { ...object.spec.flinkConfiguration, 's3.secret-key': 'other' } } };
    assert.notEqual(deploymentRecord(changed).configurationHash, deploymentRecord(object).configurationHash);
    assert.match(deploymentRecord(object).configurationHash ?? '', /^[0-9a-f]{64}$/);
  });

  it('records nothing it was not given', () => {
    assert.deepEqual(deploymentRecord({}), {});
  });
});
