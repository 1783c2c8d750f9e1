// Minimal client of Flink's profiler REST API, used by the e2e tier to drive real clusters
// (the product's own client is under src/; this one only serves fixture capture and checks).
export type Mode = 'CPU' | 'ALLOC' | 'LOCK' | 'WALL' | 'ITIMER';

export interface ProfilingInfo {
  status: 'RUNNING' | 'FINISHED' | 'FAILED';
  mode: Mode | null;
  triggerTime: number;
  finishedTime: number | null;
  duration: number;
  message: string | null;
  outputFile: string | null;
}

/** '/jobmanager' or '/taskmanagers/<id>' */
export function targetPath(taskManagerId?: string): string {
  return taskManagerId === undefined ? '/jobmanager' : `/taskmanagers/${encodeURIComponent(taskManagerId)}`;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Triggers a run, waits until it leaves RUNNING and returns its final entry. */
export async function profileOnce(
  restUrl: string,
  target: string,
  mode: Mode,
  durationSeconds: number,
): Promise<ProfilingInfo> {
  const res = await fetch(`${restUrl}${target}/profiler`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode, duration: durationSeconds }),
  });
  const started = (await res.json()) as ProfilingInfo;
  if (!res.ok) throw new Error(`POST ${target}/profiler ${mode}: HTTP ${res.status} ${JSON.stringify(started)}`);
  if (started.status !== 'RUNNING') return started;
  // generous: the stop task runs after `duration` s, then writes the file
  const deadline = Date.now() + durationSeconds * 1000 + 60_000;
  while (Date.now() < deadline) {
    await sleep(500);
    const list = (await (await fetch(`${restUrl}${target}/profiler`)).json()) as { profilingList: ProfilingInfo[] };
    const entry = list.profilingList.find((e) => e.triggerTime === started.triggerTime);
    if (entry !== undefined && entry.status !== 'RUNNING') return entry;
  }
  throw new Error(`${target} ${mode} run still RUNNING after its duration`);
}

/** Downloads a finished run's file as text. */
export async function download(restUrl: string, target: string, outputFile: string): Promise<string> {
  const res = await fetch(`${restUrl}${target}/profiler/${encodeURIComponent(outputFile)}`);
  const body = await res.text();
  if (!res.ok) throw new Error(`GET ${target}/profiler/${outputFile}: HTTP ${res.status} ${body.slice(0, 300)}`);
  return body;
}
