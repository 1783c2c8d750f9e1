// A flame graph in speedscope's file format: one sampled profile, its stacks root first with a
// weight each (one per frame with self samples), frames shared by index. Produced as chunks of
// JSON text so a large graph is never one string in memory.
import { tableFromRoot } from '../tree-builder.ts';
import type { FlameGraph } from '../types.ts';

export const SPEEDSCOPE_SCHEMA = 'https://www.speedscope.app/file-format-schema.json';

/** Text is handed out in chunks of about this many characters. */
const CHUNK_CHARS = 64 * 1024;

export interface SpeedscopeMeta {
  /** the profile's name, e.g. the target and mode */
  name: string;
  exporter: string;
}

export function* toSpeedscope(graph: FlameGraph, meta: SpeedscopeMeta): Generator<string> {
  const table = graph.frames ?? tableFromRoot(graph.root);
  const { parent, nameId, self, names } = table;
  let chunk = `{"$schema":${JSON.stringify(SPEEDSCOPE_SCHEMA)},"exporter":${JSON.stringify(meta.exporter)},"name":${JSON.stringify(meta.name)},"activeProfileIndex":0,"shared":{"frames":[`;
  for (let id = 0; id < names.length; id++) {
    chunk += `${id === 0 ? '' : ','}{"name":${JSON.stringify(names[id])}}`;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  chunk += `]},"profiles":[{"type":"sampled","name":${JSON.stringify(meta.name)},"unit":"none","startValue":0,"endValue":${table.total[0] ?? 0},"samples":[`;

  // the stack of every row with self samples, root first (the root "all" frame itself left out)
  const weights: number[] = [];
  const stack: number[] = [];
  const path: number[] = [];
  for (let row = 0; row < table.count; row++) {
    const up = parent[row]!;
    while (path.length > 0 && path.at(-1) !== up) {
      path.pop();
      stack.pop();
    }
    path.push(row);
    if (row === 0) continue;
    stack.push(nameId[row]!);
    const count = self[row]!;
    if (count <= 0) continue;
    chunk += `${weights.length === 0 ? '' : ','}[${stack.join(',')}]`;
    weights.push(count);
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  chunk += '],"weights":[';
  for (let i = 0; i < weights.length; i++) {
    chunk += `${i === 0 ? '' : ','}${weights[i]}`;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}]}]}`;
}
