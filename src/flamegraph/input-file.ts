// What may be read as a flame graph: a regular file of a size a profiler writes. A device
// (/dev/zero) would never end and a FIFO would block the open, so both are refused from a stat,
// which opens nothing.
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { describeBytes } from '../byte-cap.ts';
import { SquirrlyError } from '../errors.ts';

/** 4 GiB: four times the default --max-artifact-size, so anything the plugin downloaded fits. */
export const MAX_FLAME_GRAPH_BYTES = 4 * 1024 ** 3;

/** The reason `info` cannot be a flame graph, or undefined when it can. */
export function unreadableReason(info: Stats, maxBytes = MAX_FLAME_GRAPH_BYTES): string | undefined {
  if (!info.isFile()) return `is not a regular file (${kindOf(info)})`;
  if (info.size > maxBytes) return `is ${describeBytes(info.size)}, more than the ${describeBytes(maxBytes)} a flame graph can be`;
  return undefined;
}

/** Throws a one-line error when `file` cannot be a flame graph. */
export async function checkFlameGraphFile(file: string, maxBytes = MAX_FLAME_GRAPH_BYTES): Promise<void> {
  const reason = unreadableReason(await stat(file), maxBytes);
  if (reason) throw new SquirrlyError(`${basename(file)} ${reason}`, { hint: 'pass a flame graph .html file written by Flink\'s profiler' });
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a file';
}
