import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapSettled } from '../../../src/workflow/concurrency.ts';

describe('mapSettled', () => {
  it('keeps at most `limit` in flight, results in input order, and settles every item', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapSettled([5, 1, 4, 2, 3], 2, async (n, i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, n));
      inFlight--;
      if (n === 4) throw new Error(`item ${i} failed`);
      return n * 10;
    });
    assert.equal(peak, 2);
    assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)), [50, 10, 'item 2 failed', 20, 30]);
  });
  it('runs nothing for no items', async () => {
    assert.deepEqual(await mapSettled([], 4, async () => 1), []);
  });
});
