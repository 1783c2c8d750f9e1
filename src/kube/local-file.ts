// Reads a small local file the user named (a kubeconfig, a token file) without trusting it: only a
// regular file, opened without blocking (a FIFO would otherwise wait for a writer forever), and
// never more than a bound, so `--kubeconfig /dev/zero` fails at once instead of filling memory.
import { constants, promises as fs } from 'node:fs';

export type LocalFileProblem = 'missing' | 'not-regular' | 'too-large' | 'unreadable';

export class LocalFileError extends Error {
  readonly problem: LocalFileProblem;
  constructor(problem: LocalFileProblem, message: string) {
    super(message);
    this.name = 'LocalFileError';
    this.problem = problem;
  }
}

/** The file's text; throws LocalFileError saying which rule it broke. */
export async function readSmallRegularFile(file: string, maxBytes: number): Promise<string> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new LocalFileError('missing', `${file} does not exist`);
    throw new LocalFileError('unreadable', `${file} cannot be read (${code ?? 'error'})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new LocalFileError('not-regular', `${file} is not a regular file`);
    if (stat.size > maxBytes) throw new LocalFileError('too-large', `${file} is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`);
    // One byte past what stat promised: a file that grows past the bound while it is read is caught.
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw new LocalFileError('too-large', `${file} is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`);
    return buffer.subarray(0, length).toString('utf8');
  } catch (err) {
    if (err instanceof LocalFileError) throw err;
    throw new LocalFileError('unreadable', `${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  } finally {
    await handle.close();
  }
}
