import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchRun } from '../../../src/workflow/profile-runs.ts';

describe('matchRun', () => {
  it('finds this run by trigger time, not just the newest entry', () => {
    const ours = { status: 'RUNNING', mode: 'ITIMER', triggerTime: 1000 };
    const list = [
      { status: 'RUNNING', mode: 'WALL', triggerTime: 2000 },
      { status: 'FINISHED', mode: 'ITIMER', triggerTime: 1000, outputFile: 'x.html' },
    ];
    assert.equal(matchRun(list, ours)?.outputFile, 'x.html');
    assert.equal(matchRun([{ status: 'FINISHED', mode: 'ITIMER', triggerTime: 999 }], ours), undefined);
  });
});
