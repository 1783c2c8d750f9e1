// Brings one profiling file from the cluster to disk: a streamed REST download through the
// JobManager first (retried when the tunnel drops or the body is cut), then `cat` in the pod
// that wrote it as the fallback. The file appears under its real name only when complete.
import path from 'node:path';
import { pathInside } from '../artifacts/layout.ts';
import { writeAtomically, writeAtomicallyWith, type WriteResult } from '../artifacts/atomic-file.ts';
import { diskErrorOf } from '../artifacts/disk-errors.ts';
import { ByteCapError, capped, describeBytes } from '../byte-cap.ts';
import { InterruptedError, SquirrlyError } from '../errors.ts';
import { openProfilingFile, targetLabel } from '../flink/profiler-api.ts';
import type { FlinkRestClient } from '../flink/rest-client.ts';
import type { ProfileTarget } from '../flink/types.ts';
import type { Cluster } from '../kube/cluster.ts';
import { sleep } from '../sleep.ts';
import { DEFAULT_MAX_ARTIFACT_BYTES } from './artifact-limits.ts';

export interface FetchRequest {
  /** absent when the file is known only from a pod's disk: exec `cat` is then the only way */
  client?: FlinkRestClient;
  cluster: Cluster;
  target: ProfileTarget;
  fileName: string;
  dir: string;
  /** pod that wrote the file, for the exec fallback */
  pod?: string;
  /** folders inside the pod where the file may be, in order */
  podDirs: string[];
  attempts?: number;
  /** --max-artifact-size: a bigger (or endless) file stops there, on every transport */
  maxBytes?: number;
  signal?: AbortSignal;
  onRetry?: (attempt: number, reason: string) => void;
}

export interface Fetched {
  path: string;
  bytes: number;
  via: 'rest' | 'exec';
  /** set when the name was taken: the same bytes were already there, or the file went to `-N` */
  existing?: ExistingFile;
}

/** An artifact whose name was taken on disk, and what happened: never a silent replacement. */
export type ExistingFile = 'identical' | 'kept-both';

function fetched(written: WriteResult, via: Fetched['via']): Fetched {
  const existing = written.disposition === 'identical' || written.disposition === 'kept-both' ? written.disposition : undefined;
  return { path: written.path, bytes: written.bytes, via, ...(existing ? { existing } : {}) };
}

/** Where one file ended up, or why it did not: the part every command's outcome shares. */
export interface FileOutcome extends Partial<Fetched> {
  label: string;
  message?: string;
  hint?: string;
}

export async function fetchArtifact(req: FetchRequest): Promise<Fetched> {
  const dest = pathInside(req.dir, req.fileName);
  const attempts = req.client ? (req.attempts ?? 3) : 0;
  const cap = req.maxBytes ?? DEFAULT_MAX_ARTIFACT_BYTES;
  let lastError = req.client ? '' : 'no REST route for this file';
  for (let attempt = 1; attempt <= attempts && req.client && !req.signal?.aborted; attempt++) {
    try {
      const stream = await openProfilingFile(req.client, req.target, req.fileName);
      if (stream.length !== undefined && stream.length > cap) throw tooBig(req, cap, stream.length);
      // The stream itself, not Readable.fromWeb: a body cut before the pipeline starts would
      // otherwise emit 'error' on a Readable nobody listens to yet, and crash the process.
      const written = await writeAtomically(dest, capped(stream.body, cap, () => tooBig(req, cap)), stream.length !== undefined ? { expectedBytes: stream.length } : {});
      return fetched(written, 'rest');
    } catch (err) {
      // the same disk and the same file on every transport: trying again changes nothing
      if (req.signal?.aborted) throw new InterruptedError('download interrupted');
      if (err instanceof ByteCapError) throw err;
      const disk = diskErrorOf(err, req.dir);
      if (disk) throw disk;
      lastError = err instanceof Error ? err.message : String(err);
      if (attempt < attempts) {
        req.onRetry?.(attempt, lastError);
        await sleep(300 * attempt, req.signal);
      }
    }
  }
  if (req.signal?.aborted) throw new InterruptedError('download interrupted');
  if (!req.pod) {
    throw new SquirrlyError(`could not download ${req.fileName} from ${targetLabel(req.target)}: ${lastError}`, {
      hint: 'the pod of this target is unknown, so there is no exec fallback; retry with: kubectl squirrly artifacts',
    });
  }
  return fetchByExec(req, dest, lastError, cap);
}

function tooBig(req: FetchRequest, cap: number, announced?: number): ByteCapError {
  const size = announced === undefined ? `is larger than ${describeBytes(cap)}` : `is ${describeBytes(announced)}, larger than ${describeBytes(cap)}`;
  return new ByteCapError(`${req.fileName} from ${targetLabel(req.target)} ${size} (--max-artifact-size); stopped there`, cap, 'if the flame graph is really that big, raise --max-artifact-size (e.g. 4Gi)');
}

async function fetchByExec(req: FetchRequest, dest: string, restError: string, cap: number): Promise<Fetched> {
  const { cluster } = req;
  const tried: string[] = [];
  for (const dir of req.podDirs) {
    const file = path.posix.join(dir, req.fileName);
    let exitCode = 0;
    let stderr = '';
    try {
      const written = await writeAtomicallyWith(dest, async (out) => {
        // the deadline bounds each silence of the stream, not the length of the file
        const result = await cluster.exec(req.pod!, ['cat', '--', file], out, {
          timeoutMs: cluster.timeoutMs,
          maxBytes: cap,
          ...(req.signal ? { signal: req.signal } : {}),
        });
        exitCode = result.exitCode;
        stderr = result.stderr;
        if (exitCode !== 0) throw new Error(`cat exited ${exitCode}`);
      });
      return fetched(written, 'exec');
    } catch (err) {
      if (req.signal?.aborted) throw new InterruptedError('download interrupted');
      if (err instanceof ByteCapError) throw tooBig(req, cap);
      const disk = diskErrorOf(err, req.dir);
      if (disk) throw disk;
      if (err instanceof SquirrlyError && exitCode === 0) throw withRestContext(err, restError);
      tried.push(`${file}: ${stderr.trim().split('\n')[0] || (err instanceof Error ? err.message : String(err))}`);
    }
  }
  throw new SquirrlyError(`could not download ${req.fileName} from ${targetLabel(req.target)}: REST failed (${restError}) and the file is not readable in pod ${req.pod} (${tried.join('; ')})`, {
    hint: 'Flink may have deleted it (rest.profiling.history-size); list what is left with: kubectl squirrly artifacts',
  });
}

function withRestContext(err: SquirrlyError, restError: string): SquirrlyError {
  return new SquirrlyError(`${err.message} (after REST failed: ${restError})`, err.hint === undefined ? { exitCode: err.exitCode } : { hint: err.hint, exitCode: err.exitCode });
}
