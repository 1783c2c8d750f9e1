import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMs, withTimeout } from '../../../src/kube/timeout.ts';

describe('request deadline', () => {
  it('passes the answer through when it comes in time', async () => {
    assert.equal(await withTimeout(Promise.resolve(42), 1000, 'get pods'), 42);
  });
  it('fails with what was waited for and the fix once the deadline passes', async () => {
    await assert.rejects(withTimeout(new Promise(() => {}), 100, 'get pods on https://k8s'), (err: Error & { hint?: string }) => {
      assert.equal(err.message, 'get pods on https://k8s timed out after 0.1s');
      assert.equal(err.hint, 'raise --request-timeout, or check the network');
      return true;
    });
  });
  it('writes whole seconds without decimals', () => {
    assert.deepEqual([formatMs(30_000), formatMs(1500)], ['30s', '1.5s']);
  });
});
