// Rebuilds the frame tree from frames given in depth-first pre-order, as both HTML formats emit
// them: the parent of a frame is the last frame seen one level up. Self is total minus the
// children's totals, kept up to date as children arrive so each frame costs O(1).
import { FlameGraphDataError } from './data-error.ts';
import type { FrameNode, FrameType } from './types.ts';

/** One frame as the HTML describes it, after decoding. */
export interface DecodedFrame {
  level: number;
  /** total samples of the frame */
  width: number;
  name: string;
  type: FrameType;
}

export class FrameTreeBuilder {
  /** open frames, index = level: the path from the root to the last frame */
  readonly #openPath: FrameNode[] = [];
  /** one string per distinct name: names repeat across the tree, and a 2.x name is a slice of its whole line */
  readonly #names = new Map<string, string>();
  #root: FrameNode | undefined;
  #frameCount = 0;
  #maxDepth = 0;

  add({ level, width, name, type }: DecodedFrame): void {
    const node: FrameNode = { name: this.#intern(name), type, total: width, self: width, children: [] };
    if (level === 0) {
      if (this.#root !== undefined) throw new FlameGraphDataError('inconsistent', 'a second root frame at level 0');
      this.#root = node;
    } else {
      const parent = this.#openPath[level - 1];
      if (parent === undefined) {
        const from = this.#openPath.length - 1;
        const detail = from < 0 ? `the first frame is at level ${level}, not 0` : `level jumps from ${from} to ${level}`;
        throw new FlameGraphDataError('inconsistent', detail);
      }
      parent.self -= width;
      if (parent.self < 0) {
        throw new FlameGraphDataError('inconsistent', `the children of "${parent.name}" add up to more than its ${parent.total} samples`);
      }
      parent.children.push(node);
    }
    this.#openPath.length = level;
    this.#openPath.push(node);
    this.#frameCount++;
    if (level + 1 > this.#maxDepth) this.#maxDepth = level + 1;
  }

  #intern(name: string): string {
    const known = this.#names.get(name);
    if (known !== undefined) return known;
    this.#names.set(name, name);
    return name;
  }

  /** The root, or undefined when no frame was added. */
  finish(): { root: FrameNode; frameCount: number; maxDepth: number } | undefined {
    if (this.#root === undefined) return undefined;
    return { root: this.#root, frameCount: this.#frameCount, maxDepth: this.#maxDepth };
  }
}
