import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultGraceSeconds, FIRST_POLL_MS, MAX_POLL_MS, nextPollDelay, pollSchedule, pollStep } from '../../../src/workflow/poll-schedule.ts';

describe('poll schedule', () => {
  const start = 1_700_000_000_000;

  it('grants max(15 s, 20%) past the duration by default', () => {
    assert.equal(defaultGraceSeconds(10), 15);
    assert.equal(defaultGraceSeconds(75), 15);
    assert.equal(defaultGraceSeconds(76), 16);
    assert.equal(defaultGraceSeconds(300), 60);
    assert.deepEqual(pollSchedule(start, 30), { dueAt: start + 30_000, deadline: start + 45_000, limitSeconds: 45 });
    assert.deepEqual(pollSchedule(start, 30, 2), { dueAt: start + 30_000, deadline: start + 32_000, limitSeconds: 32 });
  });

  it('counts down in ticks of at most a second until the runs are due', () => {
    const schedule = pollSchedule(start, 5, 15);
    assert.deepEqual(pollStep(schedule, start), { kind: 'wait', remainingSeconds: 5, sleepMs: 1000 });
    assert.deepEqual(pollStep(schedule, start + 4_200), { kind: 'wait', remainingSeconds: 1, sleepMs: 800 });
    assert.deepEqual(pollStep(schedule, start + 4_999), { kind: 'wait', remainingSeconds: 1, sleepMs: 1 });
  });

  it('polls from the due time through the deadline, then expires', () => {
    const schedule = pollSchedule(start, 5, 15);
    assert.deepEqual(pollStep(schedule, start + 5_000), { kind: 'poll' });
    assert.deepEqual(pollStep(schedule, start + 20_000), { kind: 'poll' });
    assert.deepEqual(pollStep(schedule, start + 20_001), { kind: 'expired' });
  });

  it('backs off by half each poll up to once a second', () => {
    const delays = [FIRST_POLL_MS];
    while (delays.at(-1)! < MAX_POLL_MS) delays.push(nextPollDelay(delays.at(-1)!));
    assert.deepEqual(delays, [150, 225, 338, 507, 761, 1000]);
    assert.equal(nextPollDelay(1000), 1000);
  });
});
