// Writes a frame tree as an async-profiler HTML flame graph, in the 2.x layout Flink bundles
// (async-profiler 2.9) or the 3.x/4.x compact layout, following the emission rules of both.
import type { ProfilingMode } from '../../../src/flamegraph/types.ts';
import { PAGE_TAIL, v2PageHead, v3PageHead, type FlameGraphFormat } from './flamegraph-html.ts';
import { buildProfileTree, type ProfileModelOptions, type ProfileNode } from './stack-model.ts';

const TITLES: Record<ProfilingMode, string> = {
  CPU: 'CPU profile',
  ITIMER: 'CPU profile',
  ALLOC: 'Allocation profile',
  LOCK: 'Lock profile',
  WALL: 'Wall clock profile',
};

export function profileTitle(mode: ProfilingMode): string {
  return TITLES[mode];
}

/**
 * async-profiler's type choice: mostly-inlined, C1 or interpreted Java frames show as such. A
 * frame without samples (only the root of an empty profile) passes the inlined test, 0 * 3 >= 0,
 * so an empty profile's root line is f(0,0,0,2,'all').
 */
export function displayedType(node: ProfileNode): number {
  if (node.total === 0) return 2;
  if (!node.java) return node.fixedType;
  if (node.inlined * 3 >= node.total && node.inlined > 0) return 2;
  if (node.c1 * 2 >= node.total && node.c1 > 0) return 6;
  if (node.interpreted * 2 >= node.total && node.interpreted > 0) return 0;
  return 1;
}

function countsSuffix(node: ProfileNode): string {
  const any = node.inlined > 0 || node.c1 > 0 || node.interpreted > 0;
  return any ? `,${node.inlined},${node.c1},${node.interpreted}` : '';
}

function sortedChildren(node: ProfileNode): ProfileNode[] {
  return [...node.children.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export type FrameVisitor = (node: ProfileNode, level: number, left: number) => void;

/** Depth-first pre-order, children by name; the first child starts after the parent's self samples. */
export function visitFrames(node: ProfileNode, level: number, left: number, visit: FrameVisitor): void {
  visit(node, level, left);
  let childLeft = left + node.self;
  for (const child of sortedChildren(node)) {
    visitFrames(child, level + 1, childLeft, visit);
    childLeft += child.total;
  }
}

/** Number of levels, i.e. the argument of `Array(...)` in the page. */
export function levelCount(node: ProfileNode): number {
  let deepest = 0;
  for (const child of node.children.values()) deepest = Math.max(deepest, levelCount(child));
  return deepest + 1;
}

/** One 2.x call: f(level,left,width,type,'title'[,inln,c1,int]); only `'` is escaped. */
export function v2FrameLine(node: ProfileNode, level: number, left: number): string {
  const title = node.name.replace(/'/g, "\\'");
  return `f(${level},${left},${node.total},${displayedType(node)},'${title}'${countsSuffix(node)})\n`;
}

function escapeJsString(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

/** The 3.x string pool: 'all' first, then every name sorted and prefix-compressed. */
export function v3StringPool(names: Iterable<string>): { text: string; indexOf: Map<string, number> } {
  const sorted = [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const indexOf = new Map<string, number>([['all', 0]]);
  const lines = ["const cpool = [\n'all',\n"];
  let previous = 'all';
  sorted.forEach((name, i) => {
    indexOf.set(name, i + 1);
    let shared = 0;
    const limit = Math.min(95, name.length, previous.length);
    while (shared < limit && name.charCodeAt(shared) === previous.charCodeAt(shared)) shared++;
    lines.push(`'${escapeJsString(String.fromCharCode(32 + shared) + name.slice(shared))}',\n`);
    previous = name;
  });
  lines.push('];\nunpack(cpool);\n\n');
  return { text: lines.join(''), indexOf };
}

/** Encodes frames as 3.x f/u/n calls, which depend on the previous frame's level, left and width. */
export class V3FrameEncoder {
  private readonly indexOf: Map<string, number>;
  private lastLevel = 0;
  private lastLeft = 0;
  private lastWidth = 0;

  constructor(indexOf: Map<string, number>) {
    this.indexOf = indexOf;
  }

  line(node: ProfileNode, level: number, left: number): string {
    const index = level === 0 ? 0 : (this.indexOf.get(node.name) ?? 0);
    const key = index * 8 + displayedType(node);
    const counts = countsSuffix(node);
    const width = node.total !== this.lastWidth || counts !== '' ? `,${node.total}${counts}` : '';
    let call: string;
    // the root is written with an absolute f(...) call, as async-profiler does
    if (level === 0) call = `f(${key},0,0,${node.total}${counts})`;
    else if (level === this.lastLevel + 1 && left === this.lastLeft) call = `u(${key}${width})`;
    else if (level === this.lastLevel && left === this.lastLeft + this.lastWidth) call = `n(${key}${width})`;
    else call = `f(${key},${level},${left - this.lastLeft}${width})`;
    this.lastLevel = level;
    this.lastLeft = left;
    this.lastWidth = node.total;
    return call + '\n';
  }
}

function collectNames(node: ProfileNode, into: Set<string>): Set<string> {
  for (const child of node.children.values()) {
    into.add(child.name);
    collectNames(child, into);
  }
  return into;
}

/** The whole page for a frame tree whose root is `all`. */
export function renderFlameGraph(root: ProfileNode, options: { title: string; format: FlameGraphFormat }): string {
  const depth = levelCount(root);
  const parts: string[] = [];
  if (options.format === 'v2') {
    parts.push(v2PageHead(options.title, depth));
    visitFrames(root, 0, 0, (node, level, left) => parts.push(v2FrameLine(node, level, left)));
  } else {
    const pool = v3StringPool(collectNames(root, new Set()));
    const encoder = new V3FrameEncoder(pool.indexOf);
    parts.push(v3PageHead(options.title, depth), pool.text);
    visitFrames(root, 0, 0, (node, level, left) => parts.push(encoder.line(node, level, left)));
  }
  parts.push(PAGE_TAIL);
  return parts.join('');
}

/** The flame graph a profiling run of this role, mode and duration produces. */
export function profileFlameGraph(options: ProfileModelOptions & { format?: FlameGraphFormat }): string {
  return renderFlameGraph(buildProfileTree(options), { title: profileTitle(options.mode), format: options.format ?? 'v2' });
}
