import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRequestTimeout } from '../../../src/cli/global-options.ts';

describe('global options', () => {
  it('request timeout uses kubectl syntax', () => {
    assert.equal(parseRequestTimeout('30s'), 30_000);
    assert.equal(parseRequestTimeout('2m'), 120_000);
    assert.equal(parseRequestTimeout('5'), 5_000);
    assert.equal(parseRequestTimeout('250ms'), 250);
    assert.ok(parseRequestTimeout('0') > 1e9);
    assert.throws(() => parseRequestTimeout('soon'), /not a duration/);
  });
});
