// The tree a report draws: one or several profiles merged by path, with the frames too narrow to
// see folded into one "other" frame per parent. Widths stay exact (an "other" frame holds what it
// folded), so every tooltip number adds up; the size is bounded by the share kept, not the input.
import { stableFrameName } from './frame-kinds.ts';
import { walkWithParents } from './parent-walk.ts';
import { tableFromRoot } from './tree-builder.ts';
import type { FlameGraph } from './types.ts';

/** frames below this share of all samples are folded into their parent's "other" */
export const DRAW_MIN_SHARE = 0.001;
export const OTHER_FRAME = '(narrow frames)';

export interface DrawnNode {
  name: string;
  total: number;
  self: number;
  children: DrawnNode[];
}

interface BuildNode {
  name: string;
  total: number;
  self: number;
  kids: Map<string, BuildNode>;
  /** samples of children too narrow to draw */
  folded: number;
}

export function drawnTree(graphs: readonly FlameGraph[], minShare = DRAW_MIN_SHARE): DrawnNode {
  const tables = graphs.map((g) => g.frames ?? tableFromRoot(g.root));
  const grand = tables.reduce((sum, t) => sum + (t.total[0] ?? 0), 0);
  const minSamples = grand * minShare;
  const root: BuildNode = { name: 'all', total: 0, self: 0, kids: new Map(), folded: 0 };
  for (const table of tables) {
    const { nameId, total, self } = table;
    const names = table.names.map(stableFrameName);
    root.total += total[0] ?? 0;
    root.self += self[0] ?? 0;
    // a row too narrow to draw adds to its parent's folded samples, and nothing below it is drawn
    walkWithParents(table, root, (row, above) => {
      const samples = total[row]!;
      if (samples < minSamples) {
        above.folded += samples;
        return undefined;
      }
      const name = names[nameId[row]!]!;
      let node = above.kids.get(name);
      if (node === undefined) {
        node = { name, total: 0, self: 0, kids: new Map(), folded: 0 };
        above.kids.set(name, node);
      }
      node.total += samples;
      node.self += self[row]!;
      return node;
    });
  }
  return freeze(root);
}

function freeze(node: BuildNode): DrawnNode {
  const children = [...node.kids.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(freeze);
  if (node.folded > 0) children.push({ name: OTHER_FRAME, total: node.folded, self: node.folded, children: [] });
  return { name: node.name, total: node.total, self: node.self, children };
}
