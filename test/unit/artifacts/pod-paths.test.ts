import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { usableSearchDir } from '../../../src/artifacts/pod-paths.ts';

describe('usableSearchDir', () => {
  it('normalises absolute dirs and refuses relative, ".." and control characters', () => {
    assert.equal(usableSearchDir('/tmp/'), '/tmp');
    assert.equal(usableSearchDir('/opt//flink/log'), '/opt/flink/log');
    assert.equal(usableSearchDir('/'), '/');
    assert.equal(usableSearchDir('tmp'), undefined);
    assert.equal(usableSearchDir('/opt/../etc'), undefined);
    assert.equal(usableSearchDir('/tmp\n/etc'), undefined);
    assert.equal(usableSearchDir('-delete'), undefined);
  });
});
