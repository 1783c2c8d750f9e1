import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bottlenecks, operatorLabel, resolveOperator, subtaskSkews } from '../../../src/analysis/job-graph.ts';
import { profileClock, threadMsPerSecond } from '../../../src/analysis/rates.ts';
import type { ProfileSummary } from '../../../src/flamegraph/types.ts';
import { job, vertex } from './flink-stacks.ts';

const graph = job([
  vertex('a', 'Source: clicks -> Map -> Enrich', [{ backPressuredMsPerSecond: 700, busyMsPerSecond: 200 }]),
  vertex('b', 'Count -> Map -> Sink: out', [{ busyMsPerSecond: 990 }]),
  vertex('c', 'Filter', [{ busyMsPerSecond: 10 }]),
]);

describe('job graph joins', () => {
  it('picks the operator by chain position, the vertex by the function class, then by Flink default names', () => {
    assert.equal(resolveOperator({ kind: 'StreamMap', index: 2, head: 'SourceOperator' }, 'com/acme/Job$Enrich.map', graph)?.name, 'Enrich');
    assert.equal(resolveOperator({ kind: 'StreamMap', index: 1, head: 'KeyedProcessOperator' }, 'com/acme/Job$Other.map', graph)?.vertex.id, 'b');
    // two non-source vertices have an operator at index 0: the class name "Count" decides
    assert.equal(resolveOperator({ kind: 'KeyedProcessOperator', index: 0, head: 'KeyedProcessOperator' }, 'com/acme/Job$Count.processElement', graph)?.name, 'Count');
    // no class match: Flink's default name for StreamFilter decides
    assert.equal(resolveOperator({ kind: 'StreamFilter', index: 0, head: 'StreamFilter' }, 'com/acme/Keep.filter', graph)?.name, 'Filter');
    assert.equal(resolveOperator({ kind: 'ProcessOperator', index: 0, head: 'ProcessOperator' }, 'com/acme/X.processElement', graph), undefined);
    assert.equal(operatorLabel({ kind: 'ProcessOperator', index: 0, head: 'ProcessOperator' }, undefined), 'ProcessOperator');
    assert.equal(operatorLabel({ kind: 'StreamMap', index: 1, head: 'SourceOperator' }, undefined), 'StreamMap (operator 2 of a chain starting with SourceOperator)');
  });

  it('finds the bottleneck: busy, not back-pressured, with a back-pressured upstream', () => {
    const found = bottlenecks(graph);
    assert.deepEqual(found.map((b) => b.load.vertex.id), ['b']);
    assert.deepEqual(found[0]!.upstream.map((u) => u.vertex.id), ['a']);
    assert.deepEqual(bottlenecks(job([vertex('a', 'Source: x', [{ busyMsPerSecond: 990 }]), vertex('b', 'Sink', [{ busyMsPerSecond: 990 }])])), []);
  });

  it('compares the hottest subtask with the others, so two subtasks can show a 39x skew', () => {
    const skewed = job([vertex('k', 'Aggregate', [{ recordsIn: 39000 }, { recordsIn: 1000 }])]);
    assert.equal(subtaskSkews(skewed)[0]?.ratio, 39);
    assert.deepEqual(subtaskSkews(job([vertex('k', 'Aggregate', [{ recordsIn: 300 }, { recordsIn: 1 }])])), [], 'too few records to judge');
  });
});

describe('rates', () => {
  const summary = { durationSeconds: undefined, mode: 'ITIMER' } as unknown as ProfileSummary;

  it('takes the run duration, else the job metrics window, else assumes the default', () => {
    assert.deepEqual(profileClock({ ...summary, durationSeconds: 30 }), { seconds: 30, source: 'run' });
    assert.deepEqual(profileClock(summary, job([], 12)), { seconds: 12, source: 'job metrics window' });
    assert.deepEqual(profileClock(summary), { seconds: 60, source: 'assumed' });
    assert.deepEqual(profileClock(summary, { ...job([]), to: 'garbage' }), { seconds: 60, source: 'assumed' });
  });

  it('turns samples into thread time per second from the default intervals', () => {
    assert.equal(threadMsPerSecond(1000, 'ITIMER', { seconds: 10, source: 'run' }), 1000);
    assert.equal(threadMsPerSecond(200, 'WALL', { seconds: 10, source: 'run' }), 1000);
    assert.equal(threadMsPerSecond(200, 'ALLOC', { seconds: 10, source: 'run' }), undefined);
  });
});
