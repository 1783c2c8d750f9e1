// Self and total samples of every distinct frame name in a profile, summed over several profiles
// when asked: what a comparison of two runs ranks. A name that recurs on one stack counts its
// outermost frame once toward total, as flame graph tools do. Names are taken as every JVM spells
// them (generated classes without their per-JVM numbers), so two runs' names meet.
import { stableFrameName } from './frame-kinds.ts';
import { tableFromRoot } from './tree-builder.ts';
import type { FlameGraph } from './types.ts';

export interface NameCost {
  self: number;
  total: number;
}

/** Adds `graph`'s per-name samples into `into` (name → cost); returns the graph's sample count. */
export function addNameCosts(graph: FlameGraph, into: Map<string, NameCost>): number {
  const table = graph.frames ?? tableFromRoot(graph.root);
  const { count, parent, self, total } = table;
  // one id per stable name: two lambdas of one JVM that differ only by number are one function
  const stable = new Map<string, number>();
  const names: string[] = [];
  const stableOf = Int32Array.from(table.names, (name) => {
    const key = stableFrameName(name);
    let id = stable.get(key);
    if (id === undefined) {
      id = names.length;
      names.push(key);
      stable.set(key, id);
    }
    return id;
  });
  const rowName = (row: number): number => stableOf[table.nameId[row]!]!;
  const selfById = new Float64Array(names.length);
  const totalById = new Float64Array(names.length);
  const openById = new Int32Array(names.length);
  const path = new Int32Array(table.maxDepth + 1);
  let depth = 0;
  for (let row = 0; row < count; row++) {
    const up = parent[row]!;
    while (depth > 0 && path[depth - 1] !== up) {
      depth--;
      if (depth > 0) openById[rowName(path[depth]!)]!--;
    }
    path[depth] = row;
    depth++;
    if (row === 0) continue;
    const id = rowName(row);
    selfById[id]! += self[row]!;
    if (openById[id] === 0) totalById[id]! += total[row]!;
    openById[id]!++;
  }
  for (let id = 0; id < names.length; id++) {
    if (totalById[id] === 0) continue;
    const name = names[id]!;
    const known = into.get(name);
    if (known) {
      known.self += selfById[id]!;
      known.total += totalById[id]!;
    } else into.set(name, { self: selfById[id]!, total: totalById[id]! });
  }
  return total[0] ?? 0;
}
