// The series schedule and its trend, with the runs supplied by the test. The schedule reads a
// clock the test moves: a run starts at its slot's time and "takes" what the test adds, so
// overlaps do not depend on how fast this machine is (the waits themselves are real, a few
// milliseconds). The trend reads real flame graphs from the diagnosis fixtures.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { InterruptedError, SquirrlyError, UsageError } from '../../../src/errors.ts';
import type { WorkflowEvent } from '../../../src/workflow/events.ts';
import { inSeries, profileSeries, slotCount, slotDue, type SeriesPlan, type SeriesPosition, type SeriesRunEnd } from '../../../src/workflow/profile-series.ts';
import { ProfilerBusyError } from '../../../src/workflow/run-messages.ts';
import { repoRoot } from '../../support/cli.ts';

const fixture = (name: string): string => {
  const dir = path.join(repoRoot, 'test', 'fixtures', 'diagnosis', name);
  return path.join(dir, readdirSync(dir).find((f) => f.endsWith('.html'))!);
};

/** Moves only when told: to a slot's time when its run starts, and by what a run "takes". */
function testClock(): { now: () => number; advance(ms: number): void; reach(at: number): void } {
  let now = 0;
  return { now: () => now, advance: (ms) => (now += ms), reach: (at) => (now = Math.max(now, at)) };
}

type Step = (position: SeriesPosition, clock: ReturnType<typeof testClock>) => string[] | Error;

async function series(plan: SeriesPlan, steps: Step[], options: { signal?: AbortSignal; onEnded?: (end: SeriesRunEnd<{ files: string[] }>) => void } = {}) {
  const clock = testClock();
  const events: WorkflowEvent[] = [];
  const ends: Array<SeriesRunEnd<{ files: string[] }>> = [];
  let call = 0;
  const outcome = await profileSeries(
    plan,
    {
      async run(position) {
        clock.reach(position.dueAt);
        const result = steps[call++]!(position, clock);
        if (result instanceof Error) throw result;
        return { files: result };
      },
      ended(end) {
        ends.push(end);
        options.onEnded?.(end);
      },
    },
    (e) => events.push(e),
    { now: clock.now, ...(options.signal ? { signal: options.signal } : {}) },
  );
  return { outcome, events, ends, calls: call };
}

const quick: Step = () => [fixture('kryo-record')];

describe('series schedule', () => {
  it('slots are due at a fixed rate from the first start; --count counts slots, --for the slots that start within it', () => {
    const plan = { everyMs: 600_000, forMs: 3_600_000 };
    assert.deepEqual([0, 1, 5].map((i) => slotDue(plan, 1000, i)), [1000, 601_000, 3_001_000]);
    assert.equal(slotCount(plan), 6);
    assert.deepEqual([5, 6].map((i) => inSeries(plan, i)), [true, false]);
    assert.equal(slotCount({ everyMs: 600_000, forMs: 3_600_001 }), 7);
    assert.equal(slotCount({ everyMs: 600_000, count: 3 }), 3);
    assert.deepEqual([2, 3].map((i) => inSeries({ everyMs: 1, count: 3 }, i)), [true, false]);
  });

  it('a run longer than the interval skips the slots it overlaps, and the next slot runs on schedule', async () => {
    const slow: Step = (_p, clock) => {
      clock.advance(70);
      return [fixture('kryo-record')];
    };
    const { outcome, events, ends } = await series({ everyMs: 30, count: 5 }, [quick, slow, quick]);
    assert.deepEqual(outcome, { runs: 3, skipped: 2, failed: 0 });
    assert.deepEqual(ends.map((e) => [e.position.run, e.position.slot, e.position.slots]), [[1, 1, 5], [2, 2, 5], [3, 5, 5]]);
    const skips = events.filter((e) => e.type === 'series-skip');
    assert.deepEqual(skips.map((e) => [e.slot, e.reason]), [[3, 'run 2 was still going'], [4, 'run 2 was still going']]);
    // every slot's due time is counted from the first start
    assert.deepEqual(ends.map((e) => e.position.dueAt - ends[0]!.position.dueAt), [0, 30, 120]);
  });

  it('Flink\'s "already being profiled" skips the slot; a failed run is reported and the series goes on', async () => {
    const busy: Step = () => new ProfilerBusyError('tm-1 is already being profiled (WALL run since 10:00:00 UTC)', 'wait');
    const broken: Step = () => new SquirrlyError('FlinkDeployment "sample-job" not found', { hint: 'check the name' });
    const { outcome, events, ends } = await series({ everyMs: 5, count: 4 }, [quick, busy, broken, quick]);
    assert.deepEqual(outcome, { runs: 3, skipped: 1, failed: 1 });
    assert.deepEqual(events.filter((e) => e.type === 'series-skip').map((e) => [e.slot, e.reason]), [[2, 'tm-1 is already being profiled (WALL run since 10:00:00 UTC)']]);
    const failed = events.find((e) => e.type === 'series-failed');
    assert.deepEqual(failed, { type: 'series-failed', run: 2, slot: 3, message: 'FlinkDeployment "sample-job" not found', hint: 'check the name' });
    assert.deepEqual(ends.map((e) => [e.position.run, e.position.slot, e.failure?.message ?? null]), [[1, 1, null], [2, 3, 'FlinkDeployment "sample-job" not found'], [3, 4, null]]);
    // the trend of run 3 is against run 1, the last run that saved flame graphs
    assert.equal(ends[2]!.trend?.first.against.run, 1);
  });

  it('a usage error or an interruption inside a run ends the series with it', async () => {
    await assert.rejects(series({ everyMs: 5, count: 3 }, [quick, () => new UsageError('bad flag')]), UsageError);
    await assert.rejects(series({ everyMs: 5, count: 3 }, [() => new InterruptedError('interrupted')]), /^InterruptedError: interrupted$/);
  });

  it('an interrupt between runs ends the wait at once and starts no other run', { timeout: 10_000 }, async () => {
    const controller = new AbortController();
    const pending = series({ everyMs: 3_600_000, count: 3 }, [quick, quick], { signal: controller.signal, onEnded: () => setImmediate(() => controller.abort()) });
    await assert.rejects(pending, (err: unknown) => err instanceof InterruptedError && /interrupted between runs; 1 run\(s\) of the series done/.test(err.message));
  });
});

describe('series trend', () => {
  it('compares each run with the first and the previous: categories that moved, findings that went and came', async () => {
    const files = [fixture('kryo-record'), fixture('kryo-record-fixed'), fixture('kryo-record')];
    const { ends } = await series({ everyMs: 5, count: 3 }, files.map((f): Step => () => [f]));
    assert.equal(ends[0]!.trend, undefined);
    const second = ends[1]!.trend!;
    assert.equal(second.first.against.run, 1);
    assert.equal(second.previous, undefined);
    const serialization = second.first.categories.find((c) => c.key === 'serialization');
    assert.ok(serialization && serialization.basePercent > serialization.newPercent + 5, JSON.stringify(second.first.categories));
    assert.deepEqual(second.first.gone.map((f) => f.id), ['kryo']);
    assert.deepEqual(second.first.appeared, []);
    const third = ends[2]!.trend!;
    // the same profile as the first: nothing moved; against the fixed one the finding is back
    assert.deepEqual([third.first.rateChangePercent, third.first.categories, third.first.gone, third.first.appeared], [0, [], [], []]);
    assert.equal(third.previous!.against.run, 2);
    assert.deepEqual(third.previous!.appeared.map((f) => f.id), ['kryo']);
  });
});
