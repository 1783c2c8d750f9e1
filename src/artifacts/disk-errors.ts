// A local write that failed because of the disk, not the network: full, over quota, read-only or
// not ours to write. Another transport would hit the same disk, so these are never retried.
import { SquirrlyError, type ExitCode } from '../errors.ts';

const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
};

export class DiskError extends SquirrlyError {
  readonly code: string;
  readonly path: string;
  constructor(path: string, code: string, options: { cause?: unknown; exitCode?: ExitCode } = {}) {
    const full = code === 'ENOSPC' || code === 'EDQUOT';
    super(`cannot write ${path}: ${REASONS[code] ?? code} (${code})`, {
      hint: full ? 'free some space there, or pass --output-dir on a disk with room' : 'pass --output-dir with a folder you can write to',
      ...options,
    });
    this.name = 'DiskError';
    this.code = code;
    this.path = path;
  }
}

/** `err` as a DiskError about `path` when the disk caused it; undefined otherwise. */
export function diskErrorOf(err: unknown, path: string, exitCode?: ExitCode): DiskError | undefined {
  if (err instanceof DiskError) return err;
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code in REASONS) return new DiskError(path, code, exitCode === undefined ? { cause: err } : { cause: err, exitCode });
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}
