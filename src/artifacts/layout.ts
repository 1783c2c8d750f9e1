// Where artifacts land: <output-dir>/<namespace>/<deployment>/<Flink's file name>, plus the
// .summary.json, .collapsed and .analysis.md written beside it, and one `<run>.job.json` per
// profiling run with Flink's job metrics over that run's window.
import path from 'node:path';
import { SquirrlyError } from '../errors.ts';

export function artifactDir(outputDir: string, namespace: string, deployment: string): string {
  return path.join(outputDir, safeSegment(namespace, 'namespace'), safeSegment(deployment, 'deployment'));
}

// Control characters, path separators and characters that Windows refuses.
const FORBIDDEN = /[\u0000-\u001f\u007f/\\<>"|?*]/;

/**
 * Validates a file name that came from the server or a pod before it touches the disk:
 * a bare name (no separators, not '.' or '..'), printable, at most 255 bytes.
 * Flink's own names (`<id>_<MODE>_<yyyy-MM-dd_HH_mm_ss>.html`, ids may contain ':') pass.
 */
export function checkArtifactFileName(name: unknown): string {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || name.startsWith('.') || FORBIDDEN.test(name) || Buffer.byteLength(name) > 255) {
    throw new SquirrlyError(`refusing the file name ${JSON.stringify(typeof name === 'string' ? name.slice(0, 80) : name)} reported by the cluster: it is not a plain file name`, {
      hint: 'this is not a name Flink produces; check what writes into the profiling directory',
    });
  }
  return name;
}

/** The path for a name inside dir, re-checked so nothing can resolve outside it. */
export function pathInside(dir: string, name: string): string {
  const full = path.resolve(dir, checkArtifactFileName(name));
  if (path.dirname(full) !== path.resolve(dir)) {
    throw new SquirrlyError(`refusing to write ${JSON.stringify(name)} outside ${dir}`);
  }
  return full;
}

/** Suffix of a job-metrics snapshot; a bare `job.json` (as in fixture folders) is one too. */
export const JOB_METRICS_SUFFIX = '.job.json';

/**
 * `<run>.job.json` for a profiling run: `job_<MODE>_<yyyy-MM-dd_HH_mm_ss>.job.json`, stamped like
 * Flink's own flame graph names (local time) so a listing sorts snapshots beside their flame graphs.
 */
export function jobMetricsFileName(mode: string, startedAt: Date): string {
  return `job_${mode.replace(/[^A-Z]/g, '')}_${fileStamp(startedAt)}${JOB_METRICS_SUFFIX}`;
}

/** The files written for a flame graph `<name>.html`: beside it, or in `dir` (analyze --output-dir). */
export function sideFiles(flameGraph: string, dir = path.dirname(flameGraph)): { summary: string; collapsed: string; analysis: string } {
  const base = path.join(dir, path.basename(flameGraph).replace(/\.html?$/i, ''));
  return { summary: `${base}.summary.json`, collapsed: `${base}.collapsed`, analysis: `${base}.analysis.md` };
}

/** One analysis of several flame graphs: `<dir>/combined-<yyyy-MM-dd_HH_mm_ss>.analysis.md`. */
export function combinedAnalysisPath(dir: string, now: Date): string {
  return path.join(dir, `combined-${fileStamp(now)}.analysis.md`);
}

/** Flink's timestamp style in file names (local time), so a listing sorts our files beside Flink's. */
function fileStamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}_${p(d.getHours())}_${p(d.getMinutes())}_${p(d.getSeconds())}`;
}

export function isJobMetricsFileName(name: string): boolean {
  const base = path.basename(name);
  return base === 'job.json' || base.endsWith(JOB_METRICS_SUFFIX);
}

function safeSegment(value: string, what: string): string {
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(value) || value.length > 253) {
    throw new SquirrlyError(`invalid ${what} name ${JSON.stringify(value)}`, { hint: 'Kubernetes names are lowercase letters, digits, "-" and "."' });
  }
  return value;
}
