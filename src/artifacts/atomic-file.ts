// The one way the plugin writes a file: bytes go into a temp file created exclusively beside the
// destination (never through a symlink), and appear under the real name only when complete. An
// existing file is never replaced silently: the same bytes are kept as they are, other bytes get a
// `-1`, `-2`, … name beside them. Side files the plugin derives itself may ask to be replaced.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** `.<name>.<8 hex>.partial`: the bytes a temp name adds to the destination's name. */
export const TEMP_NAME_OVERHEAD_BYTES = '.'.length + '.'.length + 8 + '.partial'.length;
/** room for the `-N` a kept-both copy adds (up to -999) */
export const KEEP_BOTH_SUFFIX_BYTES = 4;
const MAX_KEEP_BOTH = 999;

export function tempPathFor(dest: string): string {
  return path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(4).toString('hex')}.partial`);
}

/**
 * What to do when the destination exists: `keep-both` for artifacts (a copy with the same bytes is
 * kept as it is, different bytes go to `name-1.ext`); `replace` for files the plugin derives again
 * on every run (summaries, folded stacks, analyses), swapped in by rename so a symlink planted at
 * the name is replaced, never followed.
 */
export type ExistingPolicy = 'keep-both' | 'replace';

export interface WriteOptions {
  /** reject a body of another length (a cut transfer) */
  expectedBytes?: number;
  existing?: ExistingPolicy;
}

/**
 * Where the bytes are now: `written` new, `identical` an existing file already had them (nothing
 * written), `kept-both` the name was taken by other bytes so they went to `path` (`-N`), `replaced`.
 */
export type WriteDisposition = 'written' | 'identical' | 'kept-both' | 'replaced';

export interface WriteResult {
  path: string;
  bytes: number;
  disposition: WriteDisposition;
  /** the name that was asked for, when the file went elsewhere or was already there */
  requested?: string;
}

/** Write `source` to `dest` atomically. */
export async function writeAtomically(dest: string, source: Readable | AsyncIterable<Uint8Array>, options: WriteOptions = {}): Promise<WriteResult> {
  return writeAtomicallyWith(dest, async (out) => {
    await pipeline(source, out);
  }, options);
}

/** Write a text (UTF-8) atomically. */
export async function writeTextAtomically(dest: string, text: string, options: WriteOptions = {}): Promise<WriteResult> {
  return writeAtomicallyWith(dest, async (out) => {
    await new Promise<void>((resolve, reject) => {
      out.once('error', reject);
      out.end(text, 'utf8', () => resolve());
    });
  }, options);
}

/** Like writeAtomically, for producers that write into a stream themselves (e.g. exec stdout). */
export async function writeAtomicallyWith(dest: string, produce: (out: Writable) => Promise<void>, options: WriteOptions = {}): Promise<WriteResult> {
  const dir = path.dirname(dest);
  await mkdir(dir, { recursive: true });
  const temp = tempPathFor(dest);
  try {
    const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    const out = handle.createWriteStream();
    const finished = new Promise<void>((resolve, reject) => {
      out.once('close', resolve);
      out.once('error', reject);
    });
    // When the producer fails, its error is the one reported; this one must not go unhandled.
    finished.catch(() => undefined);
    try {
      await produce(out);
    } catch (err) {
      out.destroy();
      await finished.catch(() => undefined);
      throw err;
    }
    if (!out.writableEnded) out.end();
    await finished;
    const { size } = await lstat(temp);
    if (options.expectedBytes !== undefined && size !== options.expectedBytes) {
      throw new Error(`short transfer: got ${size} of ${options.expectedBytes} bytes`);
    }
    if (options.existing === 'replace') {
      const existed = await lstat(dest).then(() => true, () => false);
      await rename(temp, dest);
      return { path: dest, bytes: size, disposition: existed ? 'replaced' : 'written' };
    }
    return await placeWithoutReplacing(temp, dest, size);
  } finally {
    await rm(temp, { force: true });
  }
}

/** Links the finished temp file under the first free name; `link` fails on any existing entry, symlinks included. */
async function placeWithoutReplacing(temp: string, dest: string, size: number): Promise<WriteResult> {
  for (let n = 0; n <= MAX_KEEP_BOTH; n++) {
    const candidate = n === 0 ? dest : numbered(dest, n);
    if (await placeAt(temp, candidate)) {
      return n === 0 ? { path: dest, bytes: size, disposition: 'written' } : { path: candidate, bytes: size, disposition: 'kept-both', requested: dest };
    }
    if (await sameBytes(candidate, temp, size)) return { path: candidate, bytes: size, disposition: 'identical', requested: dest };
  }
  throw new Error(`${dest} and ${MAX_KEEP_BOTH} numbered copies of it exist already`);
}

/** true when the temp file now also lives at `candidate`; false when the name is taken. */
async function placeAt(temp: string, candidate: string): Promise<boolean> {
  try {
    await link(temp, candidate);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // File systems without hard links: check, then rename (a tiny window, only there).
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV') {
      if (await lstat(candidate).then(() => true, () => false)) return false;
      await rename(temp, candidate);
      return true;
    }
    throw err;
  }
}

/** `flame.html` → `flame-1.html`; the extension is the last dot's, as people expect for `.html`. */
export function numbered(file: string, n: number): string {
  const ext = path.extname(file);
  return path.join(path.dirname(file), `${path.basename(file, ext)}-${n}${ext}`);
}

/** A regular file (not a symlink) with exactly the temp file's bytes. */
async function sameBytes(file: string, temp: string, size: number): Promise<boolean> {
  const info = await lstat(file).catch(() => undefined);
  if (!info?.isFile() || info.size !== size) return false;
  const [a, b] = await Promise.all([open(file, constants.O_RDONLY | constants.O_NOFOLLOW), open(temp, 'r')]);
  try {
    const left = Buffer.alloc(1 << 16);
    const right = Buffer.alloc(1 << 16);
    for (let at = 0; at < size; ) {
      const [x, y] = await Promise.all([a.read(left, 0, left.length, at), b.read(right, 0, right.length, at)]);
      if (x.bytesRead !== y.bytesRead || x.bytesRead === 0) return false;
      if (!left.subarray(0, x.bytesRead).equals(right.subarray(0, y.bytesRead))) return false;
      at += x.bytesRead;
    }
    return true;
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}
