// A tiny, independent renderer of both async-profiler HTML formats, used by the tests to turn a
// known set of stacks into pages. It follows the emission rules of the reference (pre-order,
// children in name order, 2.x absolute lefts, 3.x prefix-compressed pool and f/u/n deltas).

export interface Stack {
  /** root-first frame names, without 'all' */
  frames: string[];
  samples: number;
  /** frame type id of every frame (0..6); default 1 (JIT) */
  type?: number;
  /** type id of the leaf frame only (ALLOC/LOCK write the allocated or locked class as 2 or 5) */
  leafType?: number;
}

interface Trie {
  name: string;
  type: number;
  total: number;
  self: number;
  children: Map<string, Trie>;
}

function buildTrie(stacks: Stack[]): Trie {
  const root: Trie = { name: 'all', type: 3, total: 0, self: 0, children: new Map() };
  for (const stack of stacks) {
    let node = root;
    node.total += stack.samples;
    for (const [depth, name] of stack.frames.entries()) {
      const type = depth === stack.frames.length - 1 && stack.leafType !== undefined ? stack.leafType : (stack.type ?? 1);
      const key = `${name}\u0000${type}`;
      let child = node.children.get(key);
      if (child === undefined) {
        child = { name, type, total: 0, self: 0, children: new Map() };
        node.children.set(key, child);
      }
      child.total += stack.samples;
      node = child;
    }
    node.self += stack.samples;
  }
  return root;
}

function sortedChildren(node: Trie): Trie[] {
  return [...node.children.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.type - b.type));
}

function page(title: string, script: string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><title>Flame Graph</title></head>',
    '<body>',
    `<h1>${title}</h1>`,
    '<canvas id="canvas"></canvas>',
    '<script>',
    ...script,
    '</script></body></html>',
    '',
  ].join('\n');
}

export function renderV2(stacks: Stack[], title = 'CPU profile'): string {
  const lines: string[] = [];
  const visit = (node: Trie, level: number, left: number): void => {
    lines.push(`f(${level},${left},${node.total},${node.type},'${node.name.replaceAll("'", "\\'")}')`);
    let x = left + node.self;
    for (const child of sortedChildren(node)) {
      visit(child, level + 1, x);
      x += child.total;
    }
  };
  visit(buildTrie(stacks), 0, 0);
  return page(title, [
    'const levels = Array(8);',
    'function f(level, left, width, type, title, inln, c1, int) {',
    '  levels[level].push({left, width, type, title});',
    '}',
    'function search(r) {}',
    'search(true);',
    '',
    ...lines,
    'search();',
  ]);
}

export function renderV3(stacks: Stack[], title = 'CPU profile'): string {
  const root = buildTrie(stacks);
  const names = new Set<string>();
  const collect = (node: Trie): void => {
    for (const child of node.children.values()) {
      names.add(child.name);
      collect(child);
    }
  };
  collect(root);
  const sorted = [...names].sort();
  const index = new Map(sorted.map((name, i) => [name, i + 1]));
  const escape = (text: string): string => text.replaceAll('\\', '\\\\').replaceAll("'", "\\'");
  const pool = ["'all'"];
  let previous = '';
  for (const name of sorted) {
    let shared = 0;
    while (shared < previous.length && shared < name.length && previous[shared] === name[shared]) shared++;
    shared = Math.min(shared, 95);
    pool.push(`'${escape(String.fromCharCode(shared + 32) + name.slice(shared))}'`);
    previous = name;
  }
  const lines: string[] = [];
  let lastLevel = -1;
  let lastX = -1;
  let lastTotal = 0;
  const visit = (node: Trie, level: number, x: number): void => {
    const key = ((node === root ? 0 : index.get(node.name)!) << 3) | node.type;
    let call: string;
    if (level === lastLevel + 1 && x === lastX) call = `u(${key}`;
    else if (level === lastLevel && x === lastX + lastTotal) call = `n(${key}`;
    else call = `f(${key},${level},${x - Math.max(lastX, 0)}`;
    if (node.total !== lastTotal) call += `,${node.total}`;
    lines.push(`${call})`);
    lastLevel = level;
    lastX = x;
    lastTotal = node.total;
    let childX = x + node.self;
    for (const child of sortedChildren(node)) {
      visit(child, level + 1, childX);
      childX += child.total;
    }
  };
  visit(root, 0, 0);
  return page(title, [
    'let level0 = 0, left0 = 0, width0 = 0;',
    'function f(key, level, left, width) { level0 = level; left0 += left; width0 = width || width0; }',
    'function u(key, width) { f(key, level0 + 1, 0, width); }',
    'function n(key, width) { f(key, level0, width0, width); }',
    'function unpack(cpool) {}',
    'function search(r) {}',
    'const cpool = [',
    pool.join(',\n'),
    '];',
    'unpack(cpool);',
    '',
    ...lines,
    'search();',
  ]);
}
