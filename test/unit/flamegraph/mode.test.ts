import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modeFromFileName, modeFromTitle } from '../../../src/flamegraph/mode.ts';

describe('profiling mode', () => {
  it('reads the mode from Flink file names, including paths and ids with colons', () => {
    assert.equal(modeFromFileName('JobManager_ITIMER_2024-03-05_14_03_27.html'), 'ITIMER');
    assert.equal(modeFromFileName('my-job-taskmanager-1-1_CPU_2024-03-05_14_03_27.html'), 'CPU');
    assert.equal(modeFromFileName('10.244.0.12:6122-a1b2c3_WALL_2024-03-05_14_03_27.html'), 'WALL');
    assert.equal(modeFromFileName('out/ns/dep/tm_1_ALLOC_2024-03-05_14_03_27.html'), 'ALLOC');
    assert.equal(modeFromFileName('out\\tm_LOCK_2024-03-05_14_03_27.html'), 'LOCK');
  });

  it('returns undefined for names that are not Flink profiler files', () => {
    assert.equal(modeFromFileName('profile.html'), undefined);
    assert.equal(modeFromFileName('tm_FOO_2024-03-05_14_03_27.html'), undefined);
    assert.equal(modeFromFileName('tm_CPU_2024-03-05_14_03_27.html.bak'), undefined);
  });

  it('guesses the mode from async-profiler default titles', () => {
    assert.equal(modeFromTitle('Allocation profile'), 'ALLOC');
    assert.equal(modeFromTitle('Lock profile'), 'LOCK');
    assert.equal(modeFromTitle('Wall clock profile'), 'WALL');
    assert.equal(modeFromTitle('CPU profile'), 'CPU');
    assert.equal(modeFromTitle('My own title'), undefined);
  });
});
