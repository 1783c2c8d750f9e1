import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failureAdvice, runningElsewhere } from '../../../src/workflow/run-messages.ts';

describe('run messages', () => {
  it("gives the fix for Flink's known start failures", () => {
    assert.match(failureAdvice('CPU', 'No access to perf events. Try --fdtransfer') ?? '', /use --type ITIMER/);
    assert.match(failureAdvice('ALLOC', 'No AllocTracer symbols found. Are JDK debug symbols installed?') ?? '', /JDK debug symbols/);
    assert.match(failureAdvice('WALL', 'TaskManager is still under profiling') ?? '', /wait for it to end/);
    assert.equal(failureAdvice('CPU', 'something else'), 'try --type ITIMER');
    assert.equal(failureAdvice('WALL', 'something else'), undefined);
  });
  it('says since and until when a run is in progress elsewhere', () => {
    const text = runningElsewhere('tm-1', { mode: 'WALL', triggerTime: Date.UTC(2024, 2, 5, 14, 3, 27), duration: 60 });
    assert.equal(text, 'tm-1 is already being profiled (WALL run since 14:03:27 UTC, until about 14:04:27 UTC); Flink allows one run per process');
    assert.equal(runningElsewhere('JobManager', {}), 'JobManager is already being profiled (? run); Flink allows one run per process');
  });
});
