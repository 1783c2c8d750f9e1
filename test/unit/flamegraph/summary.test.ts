import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFlameGraph } from '../../../src/flamegraph/parse.ts';
import { compareSummaries, HOT_PATH_COUNT, summarize, TOP_FRAME_COUNT } from '../../../src/flamegraph/summary.ts';
import type { ProfileSummary } from '../../../src/flamegraph/types.ts';
import { renderV2, renderV3, type Stack } from './render-html.ts';
import { FLINK_LIKE_STACKS, randomStacks } from './stacks.ts';

const META = { source: 'tm-1_ITIMER_2024-03-05_14_03_27.html', target: 'tm-1' };

function sumBy(stacks: Stack[], keysOf: (stack: Stack) => Iterable<string>): Map<string, number> {
  const sums = new Map<string, number>();
  for (const stack of stacks) for (const key of keysOf(stack)) sums.set(key, (sums.get(key) ?? 0) + stack.samples);
  return sums;
}

function ranked(sums: Map<string, number>, count: number): Array<[string, number]> {
  return [...sums].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).slice(0, count);
}

describe('summarize', () => {
  const summary = summarize(parseFlameGraph(renderV2(FLINK_LIKE_STACKS)), META);

  it('reports totals, shape and the mode from the Flink file name', () => {
    assert.equal(summary.totalSamples, 800);
    assert.equal(summary.mode, 'ITIMER');
    assert.equal(summary.format, 'v2');
    assert.equal(summary.maxDepth, 7);
    assert.equal(summary.source, META.source);
    assert.equal(summary.target, 'tm-1');
  });

  it('ranks frames by self and by total like an independent count over the stacks', () => {
    for (const stacks of [FLINK_LIKE_STACKS, randomStacks('summary', 400)]) {
      const result = summarize(parseFlameGraph(renderV3(stacks)), META);
      const self = ranked(sumBy(stacks, (stack) => stack.frames.slice(-1)), TOP_FRAME_COUNT);
      // a name counts once per stack, however often it recurs in it
      const total = ranked(sumBy(stacks, (stack) => new Set(stack.frames)), TOP_FRAME_COUNT);
      assert.deepEqual(result.topSelf.map((frame) => [frame.name, frame.samples]), self);
      assert.deepEqual(result.topTotal.map((frame) => [frame.name, frame.samples]), total);
      const all = stacks.reduce((sum, stack) => sum + stack.samples, 0);
      for (const frame of result.topSelf) assert.equal(frame.percent, Math.round((frame.samples / all) * 10000) / 100);
    }
  });

  it('does not double count recursion in totals', () => {
    const stacks: Stack[] = [{ frames: ['a', 'b', 'a', 'b', 'a'], samples: 5 }, { frames: ['a'], samples: 3 }];
    const result = summarize(parseFlameGraph(renderV2(stacks)), META);
    assert.deepEqual(result.topTotal.map((frame) => [frame.name, frame.samples]), [['a', 8], ['b', 5]]);
    assert.deepEqual(result.topSelf.map((frame) => [frame.name, frame.samples]), [['a', 8]]);
  });

  it('lists the hottest root-to-leaf paths', () => {
    const expected = ranked(sumBy(FLINK_LIKE_STACKS, (stack) => [stack.frames.join(';')]), HOT_PATH_COUNT);
    assert.deepEqual(summary.hotPaths.map((path) => [path.frames.join(';'), path.samples]), expected);
    assert.equal(summary.hotPaths[0]!.percent, 25);
  });

  it('splits self samples into Flink-aware categories that add up to 100', () => {
    assert.deepEqual(summary.categories, {
      user: 48.75, // map function, plus the regex and exception frames it calls
      'flink-runtime': 7.5,
      serialization: 18.75,
      'state-backend': 0,
      network: 0,
      'gc-jit-vm': 8.75,
      kernel: 5,
      logging: 11.25,
      jdk: 0,
      waiting: 0,
      other: 0,
    });
  });

  it('measures known patterns once per stack', () => {
    assert.deepEqual(summary.signals?.kryo, { percent: 18.75, frame: 'org/apache/flink/api/java/typeutils/runtime/kryo/KryoSerializer.serialize', samples: 150 });
    assert.deepEqual(summary.signals?.regex, { percent: 18.75, frame: 'java/util/regex/Pattern.compile', samples: 150 });
    assert.equal(summary.signals?.logging?.percent, 11.25);
    assert.equal(summary.signals?.exceptions?.percent, 1.88);
    assert.equal(summary.signals?.gc?.percent, 8.75);
    assert.equal(summary.signals?.['task-thread']?.percent, 91.25);
    assert.equal(summary.signals?.rocksdb, undefined);
  });

  it('takes the mode from meta first, then the file name, then the title', () => {
    const graph = parseFlameGraph(renderV2(FLINK_LIKE_STACKS, 'Wall clock profile'));
    assert.equal(summarize(graph, { ...META, mode: 'LOCK' }).mode, 'LOCK');
    assert.equal(summarize(graph, META).mode, 'ITIMER');
    assert.equal(summarize(graph, { source: 'x.html', target: 'x' }).mode, 'WALL');
    assert.equal(summarize(parseFlameGraph(renderV2(FLINK_LIKE_STACKS, 'custom')), { source: 'x.html', target: 'x' }).mode, 'UNKNOWN');
  });
});

describe('compareSummaries', () => {
  const base = summarize(parseFlameGraph(renderV2(FLINK_LIKE_STACKS)), META);
  const withSamples = (target: string, totalSamples: number): ProfileSummary => ({ ...base, target, totalSamples });

  it('computes skew as max over median and names the hottest target', () => {
    const comparison = compareSummaries([withSamples('tm-1', 100), withSamples('tm-2', 600), withSamples('tm-3', 200)]);
    assert.equal(comparison.sampleSkew, 3);
    assert.equal(comparison.hottestTarget, 'tm-2');
    assert.deepEqual(comparison.targets.map((row) => row.target), ['tm-1', 'tm-2', 'tm-3']);
    assert.equal(comparison.targets[0]!.topSelf.length, 5);
  });

  it('uses the mean of the middle two for an even count, and stays finite for zeros', () => {
    assert.equal(compareSummaries([withSamples('a', 100), withSamples('b', 300)]).sampleSkew, 1.5);
    assert.equal(compareSummaries([withSamples('a', 0), withSamples('b', 0)]).sampleSkew, 1);
    assert.equal(compareSummaries([withSamples('a', 0), withSamples('b', 0), withSamples('c', 7)]).sampleSkew, 7);
    assert.deepEqual(compareSummaries([]), { targets: [], sampleSkew: 1, hottestTarget: '' });
  });
});
