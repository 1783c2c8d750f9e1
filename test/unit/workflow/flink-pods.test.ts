import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRunningAndReady, podRef } from '../../../src/workflow/flink-pods.ts';

const pod = { name: 'job-taskmanager-1-1', role: 'taskmanager' as const, ip: '10.0.0.7', phase: 'Running', ready: true, containers: ['flink-main-container'] };

describe('Flink pods', () => {
  it('a pod counts only when Running and Ready', () => {
    assert.equal(isRunningAndReady(pod), true);
    assert.equal(isRunningAndReady({ ...pod, ready: false }), false);
    assert.equal(isRunningAndReady({ ...pod, phase: 'Pending' }), false);
  });
  it('keeps name and IP for mapping TaskManagers to pods', () => {
    assert.deepEqual(podRef(pod), { name: 'job-taskmanager-1-1', ip: '10.0.0.7' });
    assert.deepEqual(podRef({ name: 'x', ready: false, containers: [] }), { name: 'x' });
  });
});
