// Where artifacts land: <output-dir>/<namespace>/<deployment>/<Flink's file name>, plus the
// .summary.json, .collapsed and .analysis.md written beside it, and one `<run>.job.json` per
// profiling run with Flink's job metrics over that run's window.
import path from 'node:path';
import { SquirrlyError } from '../errors.ts';
import { isKubernetesName } from '../text/kubernetes-name.ts';
import { firstUnsafe, quoted } from '../text/visible.ts';
import { KEEP_BOTH_SUFFIX_BYTES, TEMP_NAME_OVERHEAD_BYTES } from './atomic-file.ts';

export function artifactDir(outputDir: string, namespace: string, deployment: string): string {
  return path.join(outputDir, safeSegment(namespace, 'namespace'), safeSegment(deployment, 'deployment'));
}

// Path separators and characters that Windows refuses; control and bidi characters are found by firstUnsafe.
const FORBIDDEN = /[/\\<>"|?*]/;

/** The longest name a file system takes (NAME_MAX on Linux and macOS), in UTF-8 bytes. */
const NAME_MAX_BYTES = 255;
/**
 * What the plugin adds to an artifact's name on disk: the temp name of a write, a kept-both `-N`,
 * and the longest side file (`<name>.summary.json` when the name does not end in `.html`).
 */
const ADDED_BYTES = TEMP_NAME_OVERHEAD_BYTES + KEEP_BOTH_SUFFIX_BYTES + '.summary.json'.length;
export const MAX_ARTIFACT_NAME_BYTES = NAME_MAX_BYTES - ADDED_BYTES;

/**
 * Validates a file name that came from the server or a pod before it touches the disk: a bare
 * name (no separators, not hidden, not '.' or '..'), without control or bidi characters, short
 * enough that every file derived from it fits the file system. Flink's own names
 * (`<id>_<MODE>_<yyyy-MM-dd_HH_mm_ss>.html`, ids may contain ':') pass.
 */
export function checkArtifactFileName(name: unknown): string {
  const why = fileNameProblem(name);
  if (why !== undefined) {
    throw new SquirrlyError(`refusing the file name ${typeof name === 'string' ? quoted(name) : String(name)} reported by the cluster: ${why}`, {
      hint: 'this is not a name Flink produces; check what writes into the profiling directory',
    });
  }
  return name as string;
}

/** Why a name is refused, in a few words; undefined when it is fine. */
export function fileNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'it is not a file name';
  const unsafe = firstUnsafe(name);
  if (unsafe) return `it contains ${unsafe.what} (${unsafe.char})`;
  if (name === '.' || name === '..') return 'it is a directory reference';
  const forbidden = FORBIDDEN.exec(name);
  if (forbidden) return `it contains ${JSON.stringify(forbidden[0])}, which a plain file name does not`;
  if (name.startsWith('.')) return 'it is a hidden name';
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_ARTIFACT_NAME_BYTES) return `it is ${bytes} bytes long; at most ${MAX_ARTIFACT_NAME_BYTES} leave room for the temp and side-file names (the file system allows ${NAME_MAX_BYTES})`;
  return undefined;
}

/** The path for a name inside dir, re-checked so nothing can resolve outside it. */
export function pathInside(dir: string, name: string): string {
  const full = path.resolve(dir, checkArtifactFileName(name));
  if (path.dirname(full) !== path.resolve(dir)) {
    throw new SquirrlyError(`refusing to write ${quoted(name)} outside ${dir}`);
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
  if (!isKubernetesName(value)) {
    throw new SquirrlyError(`invalid ${what} name ${quoted(value)}`, { hint: 'Kubernetes names are lowercase letters, digits, "-" and "."' });
  }
  return value;
}
