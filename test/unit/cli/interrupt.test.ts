import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listenForInterrupt } from '../../../src/cli/interrupt.ts';

describe('interrupt', () => {
  it('the first signal aborts, the second asks to exit, and dispose stops listening', () => {
    let exits = 0;
    const before = process.listenerCount('SIGINT');
    const interrupt = listenForInterrupt(() => exits++);
    try {
      process.emit('SIGINT');
      assert.equal(interrupt.signal.aborted, true);
      assert.equal(exits, 0);
      process.emit('SIGTERM');
      assert.equal(exits, 1);
    } finally {
      interrupt.dispose();
    }
    assert.equal(process.listenerCount('SIGINT'), before);
  });
});
