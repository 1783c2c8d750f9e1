// Reading spec.flinkConfiguration of a FlinkDeployment. Up to operator 1.12 it is a flat
// string map; from 1.13 it may also be nested YAML ({rest: {profiling: {enabled: true}}}).

export type FlinkConfiguration = Record<string, unknown> | undefined;

export function configValue(conf: FlinkConfiguration, key: string): string | undefined {
  if (!conf || typeof conf !== 'object') return undefined;
  const flat = conf[key];
  if (flat !== undefined && flat !== null && typeof flat !== 'object') return String(flat);
  // Nested form: walk the dotted key, allowing any split point ("rest": {"profiling.enabled": ...}).
  const parts = key.split('.');
  for (let i = 1; i < parts.length; i++) {
    const head = parts.slice(0, i).join('.');
    const child = conf[head];
    if (child && typeof child === 'object') {
      const found = configValue(child as Record<string, unknown>, parts.slice(i).join('.'));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

export function configBoolean(conf: FlinkConfiguration, key: string): boolean | undefined {
  const v = configValue(conf, key)?.trim().toLowerCase();
  return v === undefined ? undefined : v === 'true';
}

/** Flink Duration syntax ("300 s", "5 min", "300000 ms", "2m", plain number = ms) → seconds. */
export function parseFlinkDurationSeconds(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  const factor: Record<string, number> = {
    '': 0.001, ms: 0.001, milli: 0.001, millis: 0.001, millisecond: 0.001, milliseconds: 0.001,
    s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
    m: 60, min: 60, mins: 60, minute: 60, minutes: 60,
    h: 3600, hour: 3600, hours: 3600,
    d: 86400, day: 86400, days: 86400,
  };
  const f = factor[unit];
  return f === undefined ? undefined : Math.floor(n * f);
}
