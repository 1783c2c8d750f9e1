// Durations as kubectl and Go spell them: "30s", "1m30s", "1h2m3.5s", "500ms". Used by
// --request-timeout and by profile's --every and --for.

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a Go duration (a leading + allowed, no sign otherwise); undefined when it is not one. */
export function goDurationMs(text: string): number | undefined {
  const m = /^\+?((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(text.trim());
  if (!m) return undefined;
  let ms = 0;
  for (const [, number, unit] of m[1]!.matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) ms += Number(number) * UNIT_MS[unit!]!;
  return Number.isFinite(ms) ? ms : undefined;
}
