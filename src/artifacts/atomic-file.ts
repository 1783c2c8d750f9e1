// Streams bytes into a temp file beside the destination and renames it into place, so an
// interrupted or truncated transfer never leaves a partial artifact under the real name.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export function tempPathFor(dest: string): string {
  return path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(4).toString('hex')}.partial`);
}

/** Write `source` to `dest` atomically; returns the byte count. `expectedBytes` rejects a short body. */
export async function writeAtomically(dest: string, source: Readable | AsyncIterable<Uint8Array>, expectedBytes?: number): Promise<number> {
  return writeAtomicallyWith(dest, async (out) => {
    await pipeline(source, out);
  }, expectedBytes);
}

/** Like writeAtomically, for producers that write into a stream themselves (e.g. exec stdout). */
export async function writeAtomicallyWith(dest: string, produce: (out: Writable) => Promise<void>, expectedBytes?: number): Promise<number> {
  await mkdir(path.dirname(dest), { recursive: true });
  const temp = tempPathFor(dest);
  try {
    const out = createWriteStream(temp, { flags: 'wx', mode: 0o644 });
    const finished = new Promise<void>((resolve, reject) => {
      out.once('close', resolve);
      out.once('error', reject);
    });
    // When the producer fails, its error is the one reported; this one must not go unhandled.
    finished.catch(() => undefined);
    await produce(out);
    if (!out.writableEnded) out.end();
    await finished;
    const { size } = await stat(temp);
    if (expectedBytes !== undefined && size !== expectedBytes) {
      throw new Error(`short transfer: got ${size} of ${expectedBytes} bytes`);
    }
    await rename(temp, dest);
    return size;
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
