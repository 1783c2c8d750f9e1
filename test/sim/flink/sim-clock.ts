// The simulated profiler clock: it runs `speed` times faster than real time from its start,
// so a 10 s profiling run at speed 10 ends after 1 s while timestamps still differ by 10 s.

export class SimClock {
  private readonly speed: number;
  private readonly startedAt = Date.now();

  constructor(speed: number) {
    if (!(speed > 0)) throw new Error(`clock speed must be positive, got ${speed}`);
    this.speed = speed;
  }

  /** simulated epoch milliseconds */
  now(): number {
    return Math.round(this.startedAt + (Date.now() - this.startedAt) * this.speed);
  }

  /** real milliseconds until `seconds` of simulated time have passed */
  realDelayMs(seconds: number): number {
    return (seconds * 1000) / this.speed;
  }
}

/** `yyyy-MM-dd_HH_mm_ss` in UTC, the time stamp Flink puts in profiler file names. */
export function fileTimestamp(epochMs: number): string {
  const iso = new Date(epochMs).toISOString(); // 2024-03-05T14:03:27.123Z
  return `${iso.slice(0, 10)}_${iso.slice(11, 13)}_${iso.slice(14, 16)}_${iso.slice(17, 19)}`;
}
