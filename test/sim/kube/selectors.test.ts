// Label and field selector semantics of the simulator's list endpoints.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.ts';

const taskManager = { app: 'sample-job', component: 'taskmanager', type: 'flink-native-kubernetes' };
const jobManager = { app: 'sample-job', component: 'jobmanager', type: 'flink-native-kubernetes' };
const unlabelled = {};

function matching(selector: string): string[] {
  const matches = parseLabelSelector(selector);
  return Object.entries({ taskManager, jobManager, unlabelled }).filter(([, labels]) => matches(labels)).map(([name]) => name);
}

describe('label selectors', () => {
  it('supports equality, inequality, existence and AND', () => {
    assert.deepEqual(matching('component=taskmanager'), ['taskManager']);
    assert.deepEqual(matching('component==jobmanager'), ['jobManager']);
    assert.deepEqual(matching('component!=jobmanager'), ['taskManager', 'unlabelled']);
    assert.deepEqual(matching('app'), ['taskManager', 'jobManager']);
    assert.deepEqual(matching('!app'), ['unlabelled']);
    assert.deepEqual(matching('app=sample-job, component=jobmanager'), ['jobManager']);
    assert.deepEqual(matching(''), ['taskManager', 'jobManager', 'unlabelled']);
  });

  it('supports set-based in and notin', () => {
    assert.deepEqual(matching('component in (jobmanager,taskmanager),app'), ['taskManager', 'jobManager']);
    assert.deepEqual(matching('component notin (jobmanager)'), ['taskManager', 'unlabelled']);
  });

  it('rejects malformed selectors', () => {
    assert.throws(() => parseLabelSelector('app in (a'), SelectorError);
    assert.throws(() => parseLabelSelector('=x'), SelectorError);
  });
});

describe('field selectors', () => {
  it('matches metadata.name and metadata.namespace and rejects other fields', () => {
    const fields = { 'metadata.name': 'jm-0', 'metadata.namespace': 'squirrly' };
    assert.equal(parseFieldSelector('metadata.name=jm-0')(fields), true);
    assert.equal(parseFieldSelector('metadata.name!=jm-0')(fields), false);
    assert.equal(parseFieldSelector('metadata.name==jm-0,metadata.namespace=other')(fields), false);
    assert.throws(() => parseFieldSelector('status.phase=Running'), /field label not supported: status.phase/);
  });
});
