// Rebuilds the frame tree from frames given in depth-first pre-order, as both HTML formats emit
// them: the parent of a frame is the last frame seen one level up. Self is total minus the
// children's totals, kept up to date as children arrive so each frame costs O(1).
//
// The tree is kept compact: one row per frame in typed arrays (pre-order, so a frame's row index
// is its position in the page) and names as ids into one string table. `FrameNode` objects are
// only made when a consumer asks for `root` (see `materialize`).
import { FlameGraphDataError } from './data-error.ts';
import { FRAME_TYPES, type FrameNode } from './types.ts';

/** Distinct frame names, each with a small integer id. */
export class NameTable {
  readonly names: string[] = [];
  readonly #ids = new Map<string, number>();

  /** The id of `name`, adding it when new. */
  id(name: string): number {
    const known = this.#ids.get(name);
    if (known !== undefined) return known;
    const id = this.names.length;
    // a name cut from a longer line would keep that whole line alive: store a copy of its own
    const own = name.length >= 13 ? flatCopy(name) : name;
    this.names.push(own);
    this.#ids.set(own, id);
    return id;
  }
}

function flatCopy(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}

/** The frame tree as columns of `count` rows, in pre-order (row 0 is the root). */
export interface FrameTable {
  readonly count: number;
  readonly maxDepth: number;
  /** row of the parent, -1 for the root */
  readonly parent: Int32Array;
  /** index into `names` */
  readonly nameId: Int32Array;
  /** index into FRAME_TYPES */
  readonly type: Uint8Array;
  readonly total: Counts;
  readonly self: Counts;
  readonly names: readonly string[];
}

/** Sample counts: 32-bit while every count fits, 64-bit floats (exact to 2^53) once one does not. */
export type Counts = Uint32Array | Float64Array;
const UINT32_MAX = 0xffffffff;

const INITIAL_ROWS = 1024;

export class FrameTreeBuilder {
  readonly #names: NameTable;
  /** open frames, index = level: the rows on the path from the root to the last frame */
  readonly #openPath: number[] = [];
  #openLength = 0;
  #count = 0;
  #maxDepth = 0;
  #parent = new Int32Array(INITIAL_ROWS);
  #nameId = new Int32Array(INITIAL_ROWS);
  #type = new Uint8Array(INITIAL_ROWS);
  #total: Counts = new Uint32Array(INITIAL_ROWS);
  #self: Counts = new Uint32Array(INITIAL_ROWS);

  constructor(names: NameTable = new NameTable()) {
    this.#names = names;
  }

  get names(): NameTable {
    return this.#names;
  }

  /** Adds one frame: `nameId` from this builder's name table, `type` an index into FRAME_TYPES. */
  addRow(level: number, width: number, nameId: number, type: number): void {
    let parent = -1;
    if (level === 0) {
      if (this.#count > 0) throw new FlameGraphDataError('inconsistent', 'a second root frame at level 0');
    } else {
      if (!(level <= this.#openLength)) {
        const from = this.#openLength - 1;
        const detail = from < 0 ? `the first frame is at level ${level}, not 0` : `level jumps from ${from} to ${level}`;
        throw new FlameGraphDataError('inconsistent', detail);
      }
      parent = this.#openPath[level - 1]!;
      const self = this.#self[parent]! - width;
      if (self < 0) {
        const name = this.#names.names[this.#nameId[parent]!];
        throw new FlameGraphDataError('inconsistent', `the children of "${name}" add up to more than its ${this.#total[parent]} samples`);
      }
      this.#self[parent] = self;
    }
    const row = this.#count;
    if (row === this.#parent.length) this.#grow();
    if (width > UINT32_MAX && this.#total instanceof Uint32Array) this.#widen();
    this.#parent[row] = parent;
    this.#nameId[row] = nameId;
    this.#type[row] = type;
    this.#total[row] = width;
    this.#self[row] = width;
    this.#count = row + 1;
    this.#openPath[level] = row;
    this.#openLength = level + 1;
    if (level + 1 > this.#maxDepth) this.#maxDepth = level + 1;
  }

  /** Makes room for `rows` frames at once (an estimate from the input size saves regrowing). */
  reserve(rows: number): void {
    if (rows > this.#parent.length) this.#grow(Math.min(rows, 1 << 28));
  }

  #grow(size = this.#parent.length * 2): void {
    const grown = <T extends Int32Array | Uint8Array | Counts>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    const counts = (): Counts => (this.#total instanceof Uint32Array ? new Uint32Array(size) : new Float64Array(size));
    this.#parent = grown(this.#parent, new Int32Array(size));
    this.#nameId = grown(this.#nameId, new Int32Array(size));
    this.#type = grown(this.#type, new Uint8Array(size));
    this.#total = grown(this.#total, counts());
    this.#self = grown(this.#self, counts());
  }

  /** A count beyond 32 bits: from now on counts are kept as 64-bit floats. */
  #widen(): void {
    this.#total = Float64Array.from(this.#total);
    this.#self = Float64Array.from(this.#self);
  }

  /** The table, or undefined when no frame was added. */
  finish(): FrameTable | undefined {
    if (this.#count === 0) return undefined;
    const count = this.#count;
    // views of exactly `count` rows (no copy)
    return {
      count,
      maxDepth: this.#maxDepth,
      parent: this.#parent.subarray(0, count),
      nameId: this.#nameId.subarray(0, count),
      type: this.#type.subarray(0, count),
      total: this.#total.subarray(0, count),
      self: this.#self.subarray(0, count),
      names: this.#names.names,
    };
  }
}

/** Builds the `FrameNode` tree of a table (every frame becomes an object). */
export function materialize(table: FrameTable): FrameNode {
  const nodes: FrameNode[] = new Array<FrameNode>(table.count);
  const { parent, nameId, type, total, self, names } = table;
  for (let row = 0; row < table.count; row++) {
    const node: FrameNode = { name: names[nameId[row]!]!, type: FRAME_TYPES[type[row]!]!, total: total[row]!, self: self[row]!, children: [] };
    nodes[row] = node;
    const up = parent[row]!;
    if (up >= 0) nodes[up]!.children.push(node);
  }
  return nodes[0]!;
}

/** The table of a `FrameNode` tree (for graphs that were built as objects); nodes keep their own self. */
export function tableFromRoot(root: FrameNode): FrameTable {
  const order: FrameNode[] = [];
  const parentRows: number[] = [];
  const depths: number[] = [];
  // pre-order without recursion: children pushed in reverse so the first child comes out first
  const pending: Array<[FrameNode, number, number]> = [[root, -1, 0]];
  while (pending.length > 0) {
    const [node, up, depth] = pending.pop()!;
    const row = order.length;
    order.push(node);
    parentRows.push(up);
    depths.push(depth);
    for (let i = node.children.length - 1; i >= 0; i--) pending.push([node.children[i]!, row, depth + 1]);
  }
  const count = order.length;
  const names = new NameTable();
  const parent = Int32Array.from(parentRows);
  const nameId = new Int32Array(count);
  const type = new Uint8Array(count);
  const total = new Float64Array(count);
  const self = new Float64Array(count);
  let maxDepth = 0;
  for (let row = 0; row < count; row++) {
    const node = order[row]!;
    nameId[row] = names.id(node.name);
    type[row] = Math.max(0, FRAME_TYPES.indexOf(node.type));
    total[row] = node.total;
    self[row] = node.self;
    maxDepth = Math.max(maxDepth, depths[row]! + 1);
  }
  return { count, maxDepth, parent, nameId, type, total, self, names: names.names };
}
