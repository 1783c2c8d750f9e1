// Flink's job metrics on disk: `<run>.job.json` beside a profile's flame graphs (or `job.json` in a
// folder of fixtures). `analyze` joins the snapshot that belongs to the flame graphs it reads, and
// still works without one.
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeTextAtomically } from '../artifacts/atomic-file.ts';
import { isJobMetricsFileName, pathInside } from '../artifacts/layout.ts';
import { parseJobMetricsSnapshot, type JobMetricsSnapshot } from '../flink/job-metrics.ts';

/** a snapshot of a large job is tens of KiB; anything past this is not one */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** a snapshot taken further than this from a flame graph belongs to another run */
const SAME_RUN_MS = 10 * 60 * 1000;

export async function saveJobMetrics(dir: string, fileName: string, snapshot: JobMetricsSnapshot): Promise<string> {
  // a snapshot already there (another run in the same second) is kept beside this one
  const written = await writeTextAtomically(pathInside(dir, fileName), `${JSON.stringify(snapshot, null, 2)}\n`);
  return written.path;
}

/** The snapshot in a file, or undefined when the file is missing, too large or not a snapshot. */
export async function readJobMetricsFile(file: string): Promise<JobMetricsSnapshot | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_FILE_BYTES) return undefined;
    return parseJobMetricsSnapshot(JSON.parse(buffer.subarray(0, bytesRead).toString('utf8')));
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/**
 * The snapshot file that belongs to these flame graphs: a `job.json` in their folder, else the
 * `*.job.json` there whose window ended closest to when the first flame graph was written
 * (within ten minutes). Undefined when there is none.
 */
export async function findJobMetricsBeside(flameGraphs: string[]): Promise<string | undefined> {
  const first = flameGraphs[0];
  if (first === undefined) return undefined;
  const dir = path.dirname(first);
  let names: string[];
  try {
    names = (await readdir(dir)).filter(isJobMetricsFileName);
  } catch {
    return undefined;
  }
  if (names.includes('job.json')) return path.join(dir, 'job.json');
  if (names.length === 0) return undefined;
  const written = (await stat(first).catch(() => undefined))?.mtimeMs;
  if (written === undefined) return undefined;
  let best: { file: string; distance: number } | undefined;
  for (const name of names.slice(0, 1000)) {
    const file = path.join(dir, name);
    const snapshot = await readJobMetricsFile(file);
    const ended = snapshot === undefined ? Number.NaN : Date.parse(snapshot.to);
    const distance = Math.abs(ended - written);
    if (Number.isFinite(distance) && distance <= SAME_RUN_MS && (best === undefined || distance < best.distance)) best = { file, distance };
  }
  return best?.file;
}
