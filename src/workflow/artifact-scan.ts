// Lists the profiler files on one pod's disk with argv-only exec (no shell, nothing built from input):
// `find DIR… -maxdepth 1 -type f -name '*_*_*.html' -print0`, then `stat -c '%s %Y %n' -- PATH…` for
// sizes. GNU and busybox both accept these flags. NUL separators mean no file name can forge an entry;
// every name is validated and hostile ones are reported, never used.
import path from 'node:path';
import { Writable } from 'node:stream';
import { checkArtifactFileName } from '../artifacts/layout.ts';
import { KubeApiError } from '../kube/api-errors.ts';
import type { Cluster } from '../kube/cluster.ts';

export interface DiskFile {
  /** the search dir inside the pod that holds it */
  dir: string;
  name: string;
  bytes?: number;
  /** modification time, epoch ms */
  mtimeMs?: number;
}

export type ScanState = 'scanned' | 'no-search-dirs' | 'forbidden' | 'failed';

export interface PodScan {
  state: ScanState;
  files: DiskFile[];
  /** search dirs that do not exist in this pod */
  missingDirs: string[];
  /** names that are not plain file names, JSON-quoted for display */
  refused: string[];
  message?: string;
}

// A pod's listing is small; a bigger answer means something other than profiler output is there.
const MAX_LISTING_BYTES = 4 * 1024 * 1024;

export function findArgv(dirs: string[]): string[] {
  return ['find', ...dirs, '-maxdepth', '1', '-type', 'f', '-name', '*_*_*.html', '-print0'];
}

export function statArgv(paths: string[]): string[] {
  return ['stat', '-c', '%s %Y %n', '--', ...paths];
}

/** Parses `find -print0` output into files of the given dirs; hostile names land in `refused`. */
export function parseFindOutput(stdout: Buffer, dirs: string[]): { files: DiskFile[]; refused: string[] } {
  const files: DiskFile[] = [];
  const refused: string[] = [];
  const seen = new Set<string>();
  for (const record of stdout.toString('utf8').split('\0')) {
    if (record === '') continue;
    const slash = record.lastIndexOf('/');
    const dir = record.slice(0, slash) || '/';
    const name = record.slice(slash + 1);
    if (!dirs.includes(dir)) continue;
    try {
      checkArtifactFileName(name);
    } catch {
      // raw, for the warning to quote; a forged record may be long
      refused.push(name.slice(0, 200));
      continue;
    }
    const key = `${dir}/${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    files.push({ dir, name });
  }
  return { files, refused };
}

/** Dirs that find reported as missing (GNU: "find: '/x': No such file…" with locale quotes, busybox: "find: /x: No such file…"). */
export function missingDirsIn(stderr: string, dirs: string[]): string[] {
  const lines = stderr.split('\n').map((line) => line.replace(/['"\u2018\u2019]/g, ''));
  return dirs.filter((dir) => lines.some((line) => line.includes(` ${dir}: No such file or directory`)));
}

/** Applies `stat -c '%s %Y %n'` lines to the files they name. */
export function applyStatOutput(files: DiskFile[], stdout: string): void {
  const byPath = new Map(files.map((f) => [path.posix.join(f.dir, f.name), f]));
  for (const line of stdout.split('\n')) {
    const m = /^(\d+) (\d+) (.+)$/.exec(line);
    const file = m ? byPath.get(m[3]!) : undefined;
    if (!file) continue;
    file.bytes = Number(m![1]);
    file.mtimeMs = Number(m![2]) * 1000;
  }
}

export async function scanPod(cluster: Cluster, pod: string, dirs: string[]): Promise<PodScan> {
  const listing = await runInPod(cluster, pod, findArgv(dirs));
  if ('error' in listing) return { state: listing.forbidden ? 'forbidden' : 'failed', files: [], missingDirs: [], refused: [], message: listing.error };
  const missingDirs = missingDirsIn(listing.stderr, dirs);
  const { files, refused } = parseFindOutput(listing.stdout, dirs);
  if (missingDirs.length === dirs.length) {
    return { state: 'no-search-dirs', files: [], missingDirs, refused, message: `none of the search dirs exists in this pod (${dirs.join(', ')})` };
  }
  if (listing.exitCode !== 0 && missingDirs.length === 0) {
    const why = listing.stderr.trim().split('\n')[0] || `find exited ${listing.exitCode}`;
    return { state: 'failed', files, missingDirs, refused, message: why };
  }
  if (files.length > 0) {
    // Sizes are a nicety (skip-if-present, the table); without `stat` in the image the listing stands.
    const sizes = await runInPod(cluster, pod, statArgv(files.map((f) => path.posix.join(f.dir, f.name))));
    if (!('error' in sizes)) applyStatOutput(files, sizes.stdout.toString('utf8'));
  }
  return { state: 'scanned', files, missingDirs, refused };
}

type ExecOutcome = { stdout: Buffer; stderr: string; exitCode: number } | { error: string; forbidden: boolean };

async function runInPod(cluster: Cluster, pod: string, argv: string[]): Promise<ExecOutcome> {
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size <= MAX_LISTING_BYTES) chunks.push(chunk);
      done();
    },
  });
  try {
    // an endless listing stops at the cap instead of running until the pod goes quiet
    const result = await cluster.exec(pod, argv, sink, { maxBytes: MAX_LISTING_BYTES });
    return { stdout: Buffer.concat(chunks), stderr: result.stderr, exitCode: result.exitCode };
  } catch (err) {
    const forbidden = err instanceof KubeApiError && err.code === 403;
    return { error: forbidden ? 'exec is not allowed (create pods/exec)' : err instanceof Error ? err.message : String(err), forbidden };
  }
}
