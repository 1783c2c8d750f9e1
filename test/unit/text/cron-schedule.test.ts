import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cronScheduleProblem } from '../../../src/text/cron-schedule.ts';

describe('cron schedules', () => {
  it('accepts what the CronJob controller accepts', () => {
    for (const ok of ['0 * * * *', '*/15 * * * *', '0 9-17/2 * * mon-fri', '30 2 1,15 * *', '0 0 * jan,jul SUN', '5 4 * * 7', '0 0 ? * *', '@hourly', '@daily', ' 0 * * * * ']) {
      assert.equal(cronScheduleProblem(ok), undefined, ok);
    }
  });

  it('refuses the wrong number of fields, values out of range, bad steps and names, backwards ranges, TZ= and unknown macros', () => {
    const cases: Array<[string, RegExp]> = [
      ['* * * *', /4 field\(s\); a schedule has five/],
      ['0 0 * * * *', /6 field\(s\)/],
      ['60 * * * *', /^minute "60"/],
      ['0 24 * * *', /^hour "24"/],
      ['0 0 0 * *', /^day of month "0"/],
      ['0 0 * 13 *', /^month "13"/],
      ['0 0 * * 8', /^day of week "8"/],
      ['*/0 * * * *', /step "0"/],
      ['*/x * * * *', /step "x"/],
      ['0 0 * foo *', /^month "foo"/],
      ['0 17-9 * * *', /runs backwards/],
      ['1/2/3 * * * *', /more than one/],
      ['TZ=UTC 0 * * * *', /time zone/],
      ['@often', /not one of @yearly/],
      ['', /0 field|1 field/],
    ];
    for (const [schedule, expected] of cases) assert.match(cronScheduleProblem(schedule) ?? 'accepted', expected, schedule);
  });
});
