// The tree a differential flame graph draws: NEW's stacks, each frame with its samples in NEW
// and on the same path in BASE. Frames narrower than a small share of NEW are left out (no one
// could see them), which keeps the tree small however large the profiles are.
import { stableFrameName } from './frame-kinds.ts';
import { walkWithParents } from './parent-walk.ts';
import { tableFromRoot } from './tree-builder.ts';
import type { FlameGraph } from './types.ts';

/** frames below this share of NEW's samples are not drawn */
export const DIFF_MIN_SHARE = 0.0005;

export interface DiffNode {
  name: string;
  /** samples in NEW (the width) */
  new: number;
  /** samples on the same path in BASE */
  base: number;
  children: DiffNode[];
}

interface BuildNode {
  name: string;
  new: number;
  base: number;
  kids: Map<string, BuildNode>;
}

/** Merges NEW's graphs into one tree, then adds BASE's samples where the paths match. */
export function diffTree(base: readonly FlameGraph[], next: readonly FlameGraph[]): DiffNode {
  const root: BuildNode = { name: 'all', new: 0, base: 0, kids: new Map() };
  const newTotal = next.reduce((sum, g) => sum + ((g.frames ?? tableFromRoot(g.root)).total[0] ?? 0), 0);
  const minSamples = newTotal * DIFF_MIN_SHARE;
  for (const graph of next) walk(graph, root, (node, name, samples, grow) => {
    let kid = node.kids.get(name);
    if (kid === undefined) {
      if (!grow) return undefined;
      kid = { name, new: 0, base: 0, kids: new Map() };
      node.kids.set(name, kid);
    }
    kid.new += samples;
    return kid;
  }, minSamples);
  for (const graph of base) walk(graph, root, (node, name, samples) => {
    const kid = node.kids.get(name);
    if (kid !== undefined) kid.base += samples;
    return kid;
  }, 0);
  root.new = newTotal;
  root.base = base.reduce((sum, g) => sum + ((g.frames ?? tableFromRoot(g.root)).total[0] ?? 0), 0);
  return freeze(root);
}

type Visit = (node: BuildNode, name: string, samples: number, grow: boolean) => BuildNode | undefined;

/** Pre-order over a graph's rows with the tree node of each row's parent path (undefined once off the tree). */
function walk(graph: FlameGraph, root: BuildNode, visit: Visit, minSamples: number): void {
  const table = graph.frames ?? tableFromRoot(graph.root);
  const { nameId, total } = table;
  const names = table.names.map(stableFrameName);
  walkWithParents(table, root, (row, above) => visit(above, names[nameId[row]!]!, total[row]!, total[row]! >= minSamples));
}

function freeze(node: BuildNode): DiffNode {
  return {
    name: node.name,
    new: node.new,
    base: node.base,
    children: [...node.kids.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(freeze),
  };
}
