// Values read from Flink's REST answers are untrusted: metric values arrive as strings ("77.0",
// "NaN"), counters may be missing while the JobManager's metric store has not fetched them yet,
// and names are whatever the job author typed. These helpers turn them into safe, bounded values.

/** A finite number from a number or a numeric string; undefined for NaN, Infinity, "", objects. */
export function finiteNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.length > 64 || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** A finite number that is not negative (counters, sizes, durations). */
export function nonNegative(value: unknown): number | undefined {
  const n = finiteNumber(value);
  return n !== undefined && n >= 0 ? n : undefined;
}

// C0/C1 control characters (escape sequences would reach a terminal) and bidi overrides.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** A printable, length-bounded string, or undefined for anything that is not a string. */
export function cleanText(value: unknown, maxLength = 512): string | undefined {
  if (typeof value !== 'string') return undefined;
  const clean = value.replace(CONTROL, ' ');
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}

/** A Flink JobID or JobVertexID: 32 lower-case hex digits, safe to put in a URL path. */
export function flinkId(value: unknown): string | undefined {
  return typeof value === 'string' && /^[0-9a-f]{32}$/.test(value) ? value : undefined;
}

export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
