// Pre-order over a frame table's rows (the root excluded) carrying a value down the tree: each
// row's visit gets what its parent's visit returned (the root's is `root`). Merging trees by path
// is this walk with a tree node as the value; undefined stops the descent below a row.
import type { FrameTable } from './tree-builder.ts';

export function walkWithParents<T>(table: FrameTable, root: T, visit: (row: number, parent: T) => T | undefined): void {
  const { parent } = table;
  const rows: number[] = [0];
  const values: Array<T | undefined> = [root];
  for (let row = 1; row < table.count; row++) {
    const up = parent[row]!;
    while (rows.length > 0 && rows.at(-1) !== up) {
      rows.pop();
      values.pop();
    }
    const above = values.at(-1);
    rows.push(row);
    values.push(above === undefined ? undefined : visit(row, above));
  }
}
