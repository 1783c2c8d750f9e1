// Folded stacks (`a;b;c N`), the input format of flamegraph.pl, speedscope and Pyroscope:
// one line per frame with self samples, naming the path from below the root down to it.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { FlameGraph } from './types.ts';
import { preorder } from './walk.ts';

/** Lines are handed to the file in batches of about this many characters. */
const WRITE_BATCH_CHARS = 64 * 1024;

export function* toCollapsedLines(graph: FlameGraph): Iterable<string> {
  const names: string[] = [];
  for (const [node, depth] of preorder(graph.root)) {
    if (depth === 0) continue;
    names.length = depth - 1;
    names.push(node.name);
    if (node.self > 0) yield `${names.join(';')} ${node.self}`;
  }
}

export async function writeCollapsed(graph: FlameGraph, path: string): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
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
