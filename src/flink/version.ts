// Flink version gate: the profiler REST API exists from 1.19 on (FLIP-375).

export interface FlinkVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

/** Accepts "1.20.1", "2.0.0", "1.19-SNAPSHOT" and the operator's enum form "v1_20". */
export function parseFlinkVersion(text: string | undefined): FlinkVersion | undefined {
  if (!text) return undefined;
  const m = /^v?(\d+)[._](\d+)(?:[._](\d+))?/.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), text };
}

export function supportsProfiler(v: FlinkVersion): boolean {
  return v.major > 1 || (v.major === 1 && v.minor >= 19);
}
