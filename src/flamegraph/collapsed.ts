// Folded stacks (`a;b;c N`), the input format of flamegraph.pl, speedscope and Pyroscope:
// one line per frame with self samples, naming the path from below the root down to it.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { tableFromRoot } from './tree-builder.ts';
import type { FlameGraph } from './types.ts';

/** Lines are handed to the file in batches of about this many characters. */
const WRITE_BATCH_CHARS = 64 * 1024;

export function* toCollapsedLines(graph: FlameGraph): Iterable<string> {
  const table = graph.frames ?? tableFromRoot(graph.root);
  const { parent, nameId, self } = table;
  /** rows on the current path (the root first) and their names below the root */
  const path: number[] = [];
  const names: string[] = [];
  for (let row = 0; row < table.count; row++) {
    const up = parent[row]!;
    while (path.length > 0 && path.at(-1) !== up) path.pop();
    path.push(row);
    if (path.length === 1) continue;
    names.length = path.length - 2;
    names.push(table.names[nameId[row]!]!);
    const samples = self[row]!;
    if (samples > 0) yield `${names.join(';')} ${samples}`;
  }
}

/** The folded stacks into `out` (the caller owns where they land; it ends the stream). */
export async function writeCollapsed(graph: FlameGraph, out: Writable): Promise<void> {
  const failed = once(out, 'error').then(([error]) => Promise.reject(error));
  failed.catch(() => undefined);
  let batch = '';
  const flush = async (): Promise<void> => {
    if (!out.write(batch)) await Promise.race([once(out, 'drain'), failed]);
    batch = '';
  };
  for (const line of toCollapsedLines(graph)) {
    batch += `${line}\n`;
    if (batch.length >= WRITE_BATCH_CHARS) await flush();
  }
  if (batch.length > 0) await flush();
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
}
