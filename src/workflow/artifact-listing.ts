// Pure: merges the REST profiling histories with what the disk scans found into one list of runs,
// and picks what to download. A file the REST history does not know is "on disk only".
import { checkArtifactFileName, fileNameProblem } from '../artifacts/layout.ts';
import { quoted } from '../text/visible.ts';
import { modeFromFileName } from '../flamegraph/mode.ts';
import type { ProfileTarget, ProfilingInfo } from '../flink/types.ts';
import type { DiskFile, PodScan } from './artifact-scan.ts';

/** The REST history of one process: listed, gone (the TaskManager left since), or not readable. */
export interface TargetHistory {
  target: ProfileTarget;
  label: string;
  pod?: string;
  state: 'listed' | 'gone' | 'failed';
  entries: ProfilingInfo[];
  message?: string;
}

/** A pod of the deployment and the disk scan of it. */
export interface ScannedPod {
  pod: string;
  role: 'jobmanager' | 'taskmanager';
  /** 'JobManager', the TaskManager id, or the pod name when Flink no longer knows it */
  label: string;
  scan: PodScan;
}

export interface ArtifactRun {
  label: string;
  /** the REST target to download through; absent for files known only from disk */
  target?: ProfileTarget;
  pod?: string;
  source: 'rest' | 'disk';
  status?: string;
  mode?: string;
  triggerTime?: number;
  duration?: number;
  file?: string;
  message?: string;
  /** where the disk scan found the file */
  onDisk?: DiskFile;
  /** why the file is missing or untrusted */
  note?: string;
}

export interface MergedListing {
  runs: ArtifactRun[];
  warnings: string[];
}

export function mergeRuns(histories: TargetHistory[], pods: ScannedPod[]): MergedListing {
  const warnings: string[] = [];
  const scanOf = new Map(pods.map((p) => [p.pod, p]));
  const claimed = new Set<DiskFile>();
  const runs: ArtifactRun[] = [];

  for (const history of histories) {
    const scanned = history.pod ? scanOf.get(history.pod) : undefined;
    for (const entry of history.entries) {
      const run: ArtifactRun = { label: history.label, target: history.target, source: 'rest', ...(history.pod ? { pod: history.pod } : {}), ...restFields(entry) };
      const file = entry.outputFile;
      if (typeof file === 'string' && file !== '') {
        try {
          run.file = checkArtifactFileName(file);
        } catch {
          run.note = 'refused: not a plain file name';
          warnings.push(`${history.label} reports the file name ${quoted(file)}, which is refused (${fileNameProblem(file)}); it is ignored`);
        }
      }
      if (run.file) {
        const found = scanned?.scan.files.find((f) => f.name === run.file);
        if (found) {
          run.onDisk = found;
          claimed.add(found);
        } else if (scanned?.scan.state === 'scanned' && run.status === 'FINISHED') {
          run.note = 'not found on the pod disk';
        }
      }
      if (!run.note && scanned && scanned.scan.state !== 'scanned') run.note = `disk not scanned: ${scanProblem(scanned.scan)}`;
      runs.push(run);
    }
  }

  for (const pod of pods) {
    for (const name of pod.scan.refused) warnings.push(`pod ${pod.pod} has a file named ${quoted(name)}, which is refused (${fileNameProblem(name)}); it is ignored`);
    for (const file of pod.scan.files) {
      if (claimed.has(file)) continue;
      const mode = modeFromFileName(file.name);
      runs.push({ label: pod.label, pod: pod.pod, source: 'disk', file: file.name, onDisk: file, ...(mode ? { mode } : {}) });
    }
  }
  return { runs: runs.sort(byTargetThenNewest), warnings };
}

/** A short reason for a pod whose disk could not be read. */
export function scanProblem(scan: PodScan): string {
  if (scan.state === 'forbidden') return 'exec is not allowed';
  if (scan.state === 'no-search-dirs') return 'no search dir exists there';
  return scan.message ?? scan.state;
}

/** When the run happened, for ordering: trigger time, else the file's time. */
export function runTime(run: ArtifactRun): number {
  return run.triggerTime ?? run.onDisk?.mtimeMs ?? timeFromFileName(run.file) ?? 0;
}

/** The newest `limit` runs of each target; `limit` 0 keeps all. */
export function newestPerTarget(runs: ArtifactRun[], limit: number): { shown: ArtifactRun[]; hidden: number } {
  if (limit <= 0) return { shown: runs, hidden: 0 };
  const count = new Map<string, number>();
  const shown = runs.filter((run) => {
    const n = (count.get(run.label) ?? 0) + 1;
    count.set(run.label, n);
    return n <= limit;
  });
  return { shown, hidden: runs.length - shown.length };
}

export interface DownloadRequest {
  files: string[];
  latest: boolean;
  all: boolean;
}

/**
 * The runs to download, each once; two targets that report the same file name are two files (both
 * are kept on disk). Names nobody reported come back in `unknown`.
 */
export function selectDownloads(runs: ArtifactRun[], request: DownloadRequest): { selected: ArtifactRun[]; unknown: string[] } {
  const downloadable = runs.filter((r) => r.file && (r.source === 'disk' || r.status === 'FINISHED'));
  const picked: ArtifactRun[] = [];
  if (request.all) picked.push(...downloadable);
  if (request.latest) {
    const seen = new Set<string>();
    for (const run of downloadable) {
      if (seen.has(run.label)) continue;
      seen.add(run.label);
      picked.push(run);
    }
  }
  const unknown: string[] = [];
  for (const name of request.files) {
    const named = downloadable.filter((r) => r.file === name);
    if (named.length > 0) picked.push(...named);
    else unknown.push(name);
  }
  return { selected: [...new Set(picked)], unknown };
}

function restFields(entry: ProfilingInfo): Partial<ArtifactRun> {
  return {
    ...(typeof entry.status === 'string' ? { status: entry.status } : {}),
    ...(typeof entry.mode === 'string' ? { mode: entry.mode } : {}),
    ...(typeof entry.triggerTime === 'number' ? { triggerTime: entry.triggerTime } : {}),
    ...(typeof entry.duration === 'number' ? { duration: entry.duration } : {}),
    ...(typeof entry.message === 'string' && entry.message !== '' ? { message: entry.message } : {}),
  };
}

// JobManager first, then targets in natural order (tm-2 before tm-10), newest run first within each.
const collator = new Intl.Collator('en', { numeric: true });
function byTargetThenNewest(a: ArtifactRun, b: ArtifactRun): number {
  const jm = Number(b.label === 'JobManager') - Number(a.label === 'JobManager');
  return jm || collator.compare(a.label, b.label) || runTime(b) - runTime(a);
}

/** Flink stamps `yyyy-MM-dd_HH_mm_ss` in the JVM's zone, usually UTC in containers. */
function timeFromFileName(name: string | undefined): number | undefined {
  const m = name ? /_(\d{4})-(\d{2})-(\d{2})_(\d{2})_(\d{2})_(\d{2})\.html$/.exec(name) : null;
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : undefined;
}
