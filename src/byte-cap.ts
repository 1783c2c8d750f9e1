// Reads from outside stop at a byte cap: an answer that is too big fails with the cap named
// instead of filling memory or the disk.
import { SquirrlyError } from './errors.ts';

/** What the cap stopped: the error names the thing and the cap in its message. */
export class ByteCapError extends SquirrlyError {
  readonly capBytes: number;
  constructor(message: string, capBytes: number, hint?: string) {
    super(message, hint === undefined ? {} : { hint });
    this.name = 'ByteCapError';
    this.capBytes = capBytes;
  }
}

/** Passes chunks through until more than `capBytes` went by, then throws `tooBig()`. */
export async function* capped(source: AsyncIterable<Uint8Array>, capBytes: number, tooBig: () => Error): AsyncGenerator<Uint8Array> {
  let seen = 0;
  for await (const chunk of source) {
    seen += chunk.byteLength;
    if (seen > capBytes) throw tooBig();
    yield chunk;
  }
}

/** The whole stream as one buffer, or `tooBig()` once it passes the cap (nothing more is read). */
export async function readCapped(source: AsyncIterable<Uint8Array>, capBytes: number, tooBig: () => Error): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of capped(source, capBytes, tooBig)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** 16777216 → "16 MiB", 1536 → "1.5 KiB": binary units, as the size flags take them. */
export function describeBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${text} ${units[unit]}`;
}
