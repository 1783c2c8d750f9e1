// A differential flame graph as one self-contained HTML page: widths from NEW, red where a frame
// grew against BASE, blue where it shrank (by the normalised rate both sides are compared in),
// click to zoom, search to highlight. Frame names are data: they go in as JSON and are shown
// with textContent, so no name can become markup.
import { escapeHtml, scriptJson } from '../../text/html.ts';
import type { DiffNode } from '../diff-tree.ts';
import { DIFF_COLOUR_SCRIPT } from './diff-colour.ts';

export interface DiffPageMeta {
  title: string;
  baseLabel: string;
  newLabel: string;
  /** multiply samples by these to get each side's comparable rate */
  baseScale: number;
  newScale: number;
  unit: string;
}

/** The tree as nested arrays [nameIndex, new, base, children], names once. */
function pack(root: DiffNode): { names: string[]; tree: unknown[] } {
  const names: string[] = [];
  const index = new Map<string, number>();
  const go = (node: DiffNode): unknown[] => {
    let id = index.get(node.name);
    if (id === undefined) {
      id = names.length;
      names.push(node.name);
      index.set(node.name, id);
    }
    return [id, node.new, node.base, node.children.map(go)];
  };
  return { names, tree: go(root) };
}

export function diffPage(root: DiffNode, meta: DiffPageMeta): string {
  const data = { ...pack(root), meta };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(meta.title)}</title>
<style>
body{font:12px ui-monospace,Menlo,Consolas,monospace;margin:0;background:#fff;color:#222}
header{padding:8px 12px;border-bottom:1px solid #ddd;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
h1{font-size:14px;margin:0}
#graph{position:relative;margin:8px 12px}
.f{position:absolute;height:17px;line-height:17px;overflow:hidden;white-space:nowrap;border-radius:2px;padding:0 3px;box-sizing:border-box;cursor:pointer;border:1px solid #fff}
.f.hit{outline:2px solid #c0a000;outline-offset:-2px}
#tip{position:fixed;pointer-events:none;background:#ffe;border:1px solid #aa8;padding:4px 6px;display:none;max-width:60em;white-space:pre-wrap}
.key span{display:inline-block;width:12px;height:12px;vertical-align:middle;margin:0 4px 0 10px}
</style></head><body>
<header><h1>${escapeHtml(meta.title)}</h1>
<span class="key"><span style="background:rgb(230,70,60)"></span>grew<span style="background:rgb(70,110,230)"></span>shrank<span style="background:rgb(220,220,220)"></span>same · width: NEW</span>
<label>search <input id="q" size="30" placeholder="regular expression"></label><span id="matched"></span>
<button id="reset">reset zoom</button></header>
<div id="graph"></div><div id="tip"></div>
<script>
const D = ${scriptJson(data)};
const names = D.names, m = D.meta;
const graph = document.getElementById('graph'), tip = document.getElementById('tip');
const ROW = 18;
let focus = D.tree, query = null;
function rate(n, side) { return side === 'new' ? n[1] * m.newScale : n[2] * m.baseScale; }
${DIFF_COLOUR_SCRIPT}
function colour(n) { return diffColour(rate(n, 'new'), rate(n, 'base')); }
function fmt(x) { return x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(2); }
function draw() {
  graph.textContent = '';
  const width = graph.clientWidth, total = focus[1] || 1;
  let depthMax = 0, hits = 0;
  function place(n, x, depth, inHit) {
    const w = (n[1] / total) * width;
    if (w < 1) return;
    depthMax = Math.max(depthMax, depth);
    const el = document.createElement('div');
    el.className = 'f';
    el.style.left = x + 'px'; el.style.top = depth * ROW + 'px'; el.style.width = w + 'px';
    el.style.background = colour(n);
    const name = names[n[0]];
    const hit = query !== null && query.test(name);
    if (hit) { el.classList.add('hit'); if (!inHit) hits += n[1]; }
    if (w > 30) el.textContent = name;
    el.onmousemove = (e) => {
      const a = rate(n, 'new'), b = rate(n, 'base');
      tip.textContent = name + '\\nNEW ' + fmt(a) + '  BASE ' + fmt(b) + ' ' + m.unit + (b > 0 ? '  (' + (a >= b ? '+' : '') + ((a / b - 1) * 100).toFixed(1) + '%)' : '  (new)');
      tip.style.display = 'block'; tip.style.left = (e.clientX + 12) + 'px'; tip.style.top = (e.clientY + 12) + 'px';
    };
    el.onmouseleave = () => { tip.style.display = 'none'; };
    el.onclick = () => { focus = n; draw(); };
    graph.appendChild(el);
    let cx = x;
    for (const c of n[3]) { place(c, cx, depth + 1, inHit || hit); cx += (c[1] / total) * width; }
  }
  place(focus, 0, 0, false);
  graph.style.height = (depthMax + 1) * ROW + 'px';
  document.getElementById('matched').textContent = query ? 'matched ' + ((hits / total) * 100).toFixed(1) + '% of the view' : '';
}
document.getElementById('q').oninput = (e) => { try { query = e.target.value ? new RegExp(e.target.value) : null; } catch { query = null; } draw(); };
document.getElementById('reset').onclick = () => { focus = D.tree; draw(); };
window.onresize = draw;
draw();
</script>
<noscript>This differential flame graph needs JavaScript.</noscript>
</body></html>
`;
}
