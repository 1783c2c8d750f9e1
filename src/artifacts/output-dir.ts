// Before anything is triggered: the output folder exists, takes a file, and has room. A run
// that can only end in "cannot write" is better refused before it uses the profiler.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rm, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { describeBytes } from '../byte-cap.ts';
import { SquirrlyError } from '../errors.ts';
import { DiskError, diskErrorOf } from './disk-errors.ts';

export interface OutputDirState {
  dir: string;
  /** bytes an unprivileged writer may still use there, when the file system says */
  freeBytes?: number;
}

export async function checkOutputDir(dir: string): Promise<OutputDirState> {
  const probe = path.join(dir, `.squirrly-probe.${randomBytes(4).toString('hex')}`);
  try {
    await makeEachFolder(dir);
    const handle = await open(probe, 'wx', 0o600);
    try {
      await handle.write('x');
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw diskErrorOf(err, dir) ?? new SquirrlyError(`cannot write to ${dir}: ${err instanceof Error ? err.message : String(err)}`, { hint: 'pass --output-dir with a folder you can write to', cause: err });
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
  try {
    const fs = await statfs(dir);
    const freeBytes = Number(fs.bavail) * Number(fs.bsize);
    if (freeBytes === 0) throw new DiskError(dir, 'ENOSPC');
    return { dir, freeBytes };
  } catch (err) {
    if (err instanceof DiskError) throw err;
    return { dir }; // a file system without statfs: the write test above is what we know
  }
}

/**
 * mkdir -p one level at a time: a recursive mkdir on a read-only disk reports ENOENT for the
 * missing parent, where this reports the EROFS or EACCES that is the real reason.
 */
async function makeEachFolder(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let cur = path.resolve(dir); ; cur = path.dirname(cur)) {
    try {
      await stat(cur);
      break;
    } catch {
      missing.unshift(cur);
      if (path.dirname(cur) === cur) break;
    }
  }
  for (const folder of missing) {
    await mkdir(folder).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
}

/** "12.3 GiB free", for the progress line. */
export function describeFree(state: OutputDirState): string {
  return state.freeBytes === undefined ? 'free space unknown' : `${describeBytes(state.freeBytes)} free`;
}
