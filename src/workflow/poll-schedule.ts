// When to look at running profiling runs. Flink stops a run exactly `duration` after its trigger:
// until then only a countdown ticks, right after it polls fast, then backs off up to once a
// second until the grace period is over. Pure, so every step is unit-tested.

/** how long past the duration a run may take by default: max(15 s, 20%) */
export function defaultGraceSeconds(durationSeconds: number): number {
  return Math.max(15, Math.ceil(durationSeconds * 0.2));
}

export const FIRST_POLL_MS = 150;
export const MAX_POLL_MS = 1000;
/** a countdown tick at least this often */
const TICK_MS = 1000;

export interface PollSchedule {
  /** epoch ms when Flink stops the runs */
  dueAt: number;
  /** epoch ms after which a run still RUNNING counts as failed */
  deadline: number;
  /** duration + grace, for messages */
  limitSeconds: number;
}

export function pollSchedule(startedAt: number, durationSeconds: number, graceSeconds = defaultGraceSeconds(durationSeconds)): PollSchedule {
  const dueAt = startedAt + durationSeconds * 1000;
  return { dueAt, deadline: dueAt + graceSeconds * 1000, limitSeconds: durationSeconds + graceSeconds };
}

export type PollStep =
  /** not due yet: show the countdown and sleep */
  | { kind: 'wait'; remainingSeconds: number; sleepMs: number }
  /** due: ask Flink now */
  | { kind: 'poll' }
  /** past the deadline: give up on what is still running */
  | { kind: 'expired' };

export function pollStep(schedule: PollSchedule, now: number): PollStep {
  if (now < schedule.dueAt) {
    return { kind: 'wait', remainingSeconds: Math.ceil((schedule.dueAt - now) / 1000), sleepMs: Math.min(TICK_MS, schedule.dueAt - now) };
  }
  return now > schedule.deadline ? { kind: 'expired' } : { kind: 'poll' };
}

/** The pause after a poll that left runs pending, given the previous one: 1.5× up to MAX_POLL_MS. */
export function nextPollDelay(previousMs: number): number {
  return Math.min(MAX_POLL_MS, Math.round(previousMs * 1.5));
}
