// Depth-first traversal without recursion: real stacks are thousands of frames deep and damaged
// input must not overflow the call stack.
import type { FrameNode } from './types.ts';

export interface FrameVisitor {
  /** called before the children; depth 0 is the root */
  enter(node: FrameNode, depth: number): void;
  /** called after the children */
  leave?(node: FrameNode, depth: number): void;
}

export function walkFrames(root: FrameNode, visitor: FrameVisitor): void {
  const path: FrameNode[] = [root];
  const nextChild: number[] = [0];
  visitor.enter(root, 0);
  while (path.length > 0) {
    const depth = path.length - 1;
    const node = path[depth]!;
    const index = nextChild[depth]!;
    const child = node.children[index];
    if (child !== undefined) {
      nextChild[depth] = index + 1;
      path.push(child);
      nextChild.push(0);
      visitor.enter(child, depth + 1);
    } else {
      path.pop();
      nextChild.pop();
      visitor.leave?.(node, depth);
    }
  }
}

/** The same pre-order as a lazy sequence of (node, depth), for consumers that stream their output. */
export function* preorder(root: FrameNode): Generator<[FrameNode, number]> {
  const path: FrameNode[] = [root];
  const nextChild: number[] = [0];
  yield [root, 0];
  while (path.length > 0) {
    const depth = path.length - 1;
    const index = nextChild[depth]!;
    const child = path[depth]!.children[index];
    if (child !== undefined) {
      nextChild[depth] = index + 1;
      path.push(child);
      nextChild.push(0);
      yield [child, depth + 1];
    } else {
      path.pop();
      nextChild.pop();
    }
  }
}
