import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { duration, monitorStatusJson, renderMonitorStatus } from '../../../../src/cli/render/monitor-status.ts';
import { describeJob, type MonitorStatus } from '../../../../src/workflow/monitor-status.ts';

const chalk = new Chalk({ level: 0 });
const at = (s: string) => new Date(`2026-03-01T${s}Z`);

describe('monitor status rendering', () => {
  it('a Job\'s state and duration come from its conditions and times; a running one counts to now', () => {
    const now = at('12:10:00');
    assert.deepEqual(describeJob({ name: 'a', startTime: at('10:00:00'), completionTime: at('10:01:15'), outcome: { type: 'Complete' }, activePods: 0, labels: {} }, now), { name: 'a', started: at('10:00:00'), durationMs: 75_000, state: 'complete' });
    const failed = describeJob({ name: 'b', startTime: at('11:00:00'), outcome: { type: 'Failed', reason: 'DeadlineExceeded', time: at('11:11:00') }, activePods: 0, labels: {} }, now);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.durationMs, 660_000, 'a failed Job has no completionTime: its condition\'s time ends it');
    assert.equal(describeJob({ name: 'c', startTime: at('12:00:00'), activePods: 1, labels: {} }, now).durationMs, 600_000);
    assert.equal(describeJob({ name: 'd', created: at('12:00:00'), activePods: 0, labels: {} }, now).state, 'pending');
  });

  it('escapes what the cluster wrote: a reason cannot move the cursor or forge a line', () => {
    const status: MonitorStatus[] = [{
      cronJob: { name: 'squirrly-monitor-x', schedule: '0 * * * *', suspended: true, active: 0, labels: {} },
      deployment: 'x',
      jobs: [{ name: 'squirrly-monitor-x-1', started: at('10:00:00'), durationMs: 5_000, state: 'failed', reason: 'Bad\u001b[2J', message: 'line\nforged ✔ Complete' }],
    }];
    const text = renderMonitorStatus(status, { namespace: 'flink', chalk });
    assert.doesNotMatch(text, /\u001b/);
    assert.equal(text.split('\n').filter((l) => l.includes('forged')).length, 1);
    assert.match(text, /suspended; last scheduled never, last success never/);
    assert.match(text, /squirrly-monitor-x-1\s+2026-03-01 10:00:00\s+5s\s+Failed \(Bad.*line.*forged/);
    assert.equal(monitorStatusJson(status, 'flink').constructor, Object);
    assert.equal((monitorStatusJson(status, 'flink') as { monitors: Array<{ jobs: Array<{ reason: string }> }> }).monitors[0]!.jobs[0]!.reason, 'Bad\u001b[2J', 'JSON keeps the raw value; JSON.stringify escapes it');
  });

  it('says how to create a monitor when there is none', () => {
    assert.match(renderMonitorStatus([], { namespace: 'flink', deployment: 'x', chalk }), /^no monitor for x in namespace flink \(kubectl squirrly monitor install/);
  });

  it('durations read as seconds, minutes and hours', () => {
    assert.deepEqual([duration(4_400), duration(75_000), duration(3_600_000 + 120_000)], ['4s', '1m15s', '1h02m']);
  });
});
