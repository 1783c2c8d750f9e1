import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chainedOperators, snapshotFromSamples, type CounterSample, type JobGraph } from '../../../src/flink/job-metrics-reader.ts';
import { cleanText, finiteNumber, flinkId, nonNegative } from '../../../src/flink/wire-values.ts';

const SOURCE = 'cbc357ccb763df2852fee8c4fc7d55f2';
const SINK = '90bea66de1c231edf33913ecd54406c1';

const graph: JobGraph = {
  jobId: 'a3daaa8f32d367a459d2788cea27a3be',
  jobName: 'clicks',
  vertices: [
    { id: SOURCE, name: 'Source: clicks -> parse', operators: ['Source: clicks', 'parse'], parallelism: 2 },
    { id: SINK, name: 'count -> discard: Writer', operators: ['count', 'discard: Writer'], parallelism: 2 },
  ],
  edges: [{ from: SOURCE, to: SINK, shipStrategy: 'HASH' }],
};

function sample(at: number, vertices: Record<string, CounterSample['vertices'] extends Map<string, infer V> ? V : never>, gc: number): CounterSample {
  return { at, vertices: new Map(Object.entries(vertices)), taskManagers: new Map([['tm-1', { gcTimeMs: gc, heapUsedBytes: 100, heapMaxBytes: 400 }]]) };
}

describe('job-metrics snapshot from two samples', () => {
  it('turns counter deltas into per-second rates over the time each subtask covered', () => {
    const start = sample(1_000, {
      [SOURCE]: [{ index: 0, taskManagerId: 'tm-1', busyMs: 1000, idleMs: 5000, backPressuredMs: 0, recordsIn: 0, recordsOut: 10_000 }],
      [SINK]: [{ index: 0, taskManagerId: 'tm-1', busyMs: 0, idleMs: 0, backPressuredMs: 0, recordsIn: 0, recordsOut: 0 }],
    }, 50);
    const end = sample(11_000, {
      // 10 s covered: 9 s busy, 1 s back-pressured
      [SOURCE]: [{ index: 0, taskManagerId: 'tm-1', busyMs: 10_000, idleMs: 5000, backPressuredMs: 1000, recordsIn: 0, recordsOut: 30_000 }],
      [SINK]: [{ index: 0, taskManagerId: 'tm-1', busyMs: 2500, idleMs: 7500, backPressuredMs: 0, recordsIn: 20_000, recordsOut: 0 }],
    }, 150);
    const snap = snapshotFromSamples(graph, '1.20.5', start, end);
    const [source, sink] = snap.vertices;
    assert.deepEqual(source?.subtasks, [{
      index: 0, taskManagerId: 'tm-1', busyMsPerSecond: 900, backPressuredMsPerSecond: 100, idleMsPerSecond: 0,
      recordsIn: 0, recordsOut: 20_000, recordsInPerSecond: 0, recordsOutPerSecond: 2000,
    }]);
    assert.equal(sink?.subtasks[0]?.busyMsPerSecond, 250);
    assert.equal(sink?.subtasks[0]?.recordsInPerSecond, 2000);
    assert.deepEqual(snap.taskManagers, [{ id: 'tm-1', gcTimeMsPerSecond: 10, heapUsedBytes: 100, heapMaxBytes: 400 }]);
    assert.equal(snap.from, new Date(1_000).toISOString());
    assert.equal(snap.to, new Date(11_000).toISOString());
    assert.deepEqual(snap.edges, graph.edges);
  });

  it('gives no rates for a window the counters did not move in, a counter that went backwards, or a subtask missing at the start', () => {
    const start = sample(0, {
      [SOURCE]: [
        { index: 0, taskManagerId: 'tm-1', busyMs: 500, idleMs: 500, backPressuredMs: 0, recordsOut: 100 },
        { index: 1, taskManagerId: 'tm-1', busyMs: 9000, idleMs: 9000, backPressuredMs: 0, recordsOut: 5000 },
      ],
    }, 10);
    const end = sample(10_000, {
      [SOURCE]: [
        { index: 0, taskManagerId: 'tm-1', busyMs: 500, idleMs: 500, backPressuredMs: 0, recordsOut: 100 },
        // restarted: counters began again from zero
        { index: 1, taskManagerId: 'tm-1', busyMs: 100, idleMs: 200, backPressuredMs: 0, recordsOut: 10 },
        { index: 2, taskManagerId: 'tm-2', busyMs: 100, idleMs: 200, backPressuredMs: 0 },
      ],
    }, 5);
    const snap = snapshotFromSamples(graph, '2.3.0', start, end);
    assert.deepEqual(snap.vertices[0]?.subtasks, [
      { index: 0, taskManagerId: 'tm-1' },
      { index: 1, taskManagerId: 'tm-1' },
      { index: 2, taskManagerId: 'tm-2' },
    ]);
    assert.deepEqual(snap.vertices[1]?.subtasks, []);
    assert.deepEqual(snap.taskManagers, [{ id: 'tm-1', heapUsedBytes: 100, heapMaxBytes: 400 }]);
  });

  it("falls back to Flink's own gauges for subtasks without counter rates", () => {
    const s = sample(0, { [SOURCE]: [{ index: 0, taskManagerId: 'tm-1' }] }, 0);
    const gauges = new Map([[SOURCE, new Map([[0, { busyMsPerSecond: 77, idleMsPerSecond: 923 }]])]]);
    const snap = snapshotFromSamples(graph, '1.20.5', s, { ...s, at: 5000 }, { gauges });
    assert.deepEqual(snap.vertices[0]?.subtasks, [{ index: 0, taskManagerId: 'tm-1', busyMsPerSecond: 77, idleMsPerSecond: 923 }]);
  });
});

describe('chained operator names', () => {
  it("reads the plan's description when it matches the vertex name", () => {
    assert.deepEqual(chainedOperators('count-per-user -> discard: Writer', 'count-per-user<br/>+- discard: Writer<br/>'), ['count-per-user', 'discard: Writer']);
    assert.deepEqual(chainedOperators('Source: a -> b -> c', 'Source: a<br/>+- b<br/>   +- c<br/>'), ['Source: a', 'b', 'c']);
  });
  it('splits the vertex name when the description is a user text or missing', () => {
    assert.deepEqual(chainedOperators('Source: a -> b', 'reads clicks<br/>'), ['Source: a', 'b']);
    assert.deepEqual(chainedOperators('Source: a -> b', undefined), ['Source: a', 'b']);
  });
});

describe('untrusted wire values', () => {
  it('accepts finite numbers and numeric strings only', () => {
    assert.equal(finiteNumber('77.0'), 77);
    assert.equal(finiteNumber(12), 12);
    for (const bad of ['NaN', 'Infinity', '', ' ', '1e400', {}, null, undefined, Number.NaN, '9'.repeat(100)]) assert.equal(finiteNumber(bad), undefined, String(bad));
    assert.equal(nonNegative('-1'), undefined);
    assert.equal(nonNegative('0'), 0);
  });
  it('strips control characters, bounds length and checks Flink ids', () => {
    assert.equal(cleanText('a\u001b[31mb\u202ec'), 'a [31mb c');
    assert.equal(cleanText('x'.repeat(600))?.length, 512);
    assert.equal(cleanText(42), undefined);
    assert.equal(flinkId(SOURCE), SOURCE);
    assert.equal(flinkId('../../jobs'), undefined);
    assert.equal(flinkId(SOURCE.toUpperCase()), undefined);
  });
});
