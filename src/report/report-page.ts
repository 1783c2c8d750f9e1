// One run's report as one self-contained HTML page: no network resource, no framework. The data
// goes in as JSON (safe inside <script>) and the script builds every element with textContent
// and attributes, so a frame name or a message from the cluster can never become markup.
import { escapeHtml, scriptJson } from '../text/html.ts';
import { DIFF_COLOUR_SCRIPT } from '../flamegraph/export/diff-colour.ts';
import type { ReportData } from './report-data.ts';

const STYLE = `
body{font:13px system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{padding:12px 20px;background:#fff;border-bottom:1px solid #ddd}
h1{font-size:17px;margin:0 0 4px}h2{font-size:15px;margin:20px 0 8px}
.sub{color:#666}
main{padding:0 20px 40px}
section{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:10px 14px;margin-top:14px}
.finding{border-left:4px solid #999;padding:6px 10px;margin:8px 0;background:#fcfcfc}
.finding.high{border-color:#d0342c}.finding.medium{border-color:#e08a00}.finding.low{border-color:#3a7bd5}.finding.info{border-color:#aaa}
.sev{font-weight:600;text-transform:uppercase;font-size:11px;margin-right:6px}
.finding ul{margin:4px 0 4px 18px;padding:0}.advice{margin-top:4px}
.controls{display:flex;gap:10px;align-items:center;flex-wrap:wrap;margin-bottom:8px}
#flame{width:100%;display:block;font:11px ui-monospace,Menlo,Consolas,monospace}
#flame rect{stroke:#fff;stroke-width:.5;cursor:pointer}
#flame rect.hit{fill:#b620e0 !important}
#tip{position:fixed;pointer-events:none;background:#ffffe8;border:1px solid #bba;padding:4px 6px;display:none;max-width:60em;white-space:pre-wrap;font:11px ui-monospace,Menlo,monospace}
table{border-collapse:collapse}td,th{padding:3px 10px;text-align:left;border-bottom:1px solid #eee}th{font-weight:600}
.bar{display:flex;height:16px;width:420px;border:1px solid #ddd}.bar span{display:block;height:100%}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;vertical-align:middle}
.num{text-align:right;font-variant-numeric:tabular-nums}
`;

const SCRIPT = `
const D = JSON.parse(document.getElementById('report-data').textContent);
const names = D.names;
const el = (tag, attrs, text) => { const e = document.createElement(tag); for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v); if (text !== undefined) e.textContent = text; return e; };
const pct = (x, total) => total > 0 ? (100 * x / total).toFixed(1) + '%' : '0%';
const COLORS = { user: '#e4572e', 'flink-runtime': '#4f86c6', serialization: '#f3a712', 'state-backend': '#7d5ba6', network: '#29a19c', 'gc-jit-vm': '#9e9e9e', kernel: '#6d6d6d', logging: '#c45ab3', jdk: '#8cb369', waiting: '#cfd8dc', other: '#d7ccc8' };

// findings
const list = document.getElementById('findings');
if (D.findings.length === 0) list.append(el('p', {}, 'No findings.'));
for (const f of D.findings) {
  const box = el('div', { class: 'finding ' + f.severity, 'data-finding': f.id });
  const head = el('div');
  head.append(el('span', { class: 'sev' }, f.severity), el('strong', {}, f.title));
  box.append(head);
  if (f.evidence.length) { const ul = el('ul'); for (const e of f.evidence) ul.append(el('li', {}, e)); box.append(ul); }
  box.append(el('div', { class: 'advice' }, f.advice));
  list.append(box);
}

// flame graph: one view per target, all targets merged, and the difference against a base run
const select = document.getElementById('view');
const views = [];
if (D.targets.length > 1) views.push({ label: 'all targets (merged)', tree: D.merged, diff: false });
for (const t of D.targets) views.push({ label: t.label, tree: t.tree, diff: false });
if (D.diff) views.push({ label: 'difference against ' + D.diff.baseLabel, tree: D.diff.tree, diff: true });
views.forEach((v, i) => select.append(el('option', { value: String(i) }, v.label)));
const svg = document.getElementById('flame');
const tip = document.getElementById('tip');
const ROW = 17;
let view = views[0], focus = view.tree, query = null;
const hue = (name) => { let h = 0; for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0; return h; };
function fill(n, name) {
  if (view.diff) return diffColour(n[1] * D.diff.newScale, n[2] * D.diff.baseScale);
  const h = hue(name);
  return 'hsl(' + (10 + h % 40) + ',' + (60 + h % 30) + '%,' + (55 + h % 15) + '%)';
}
function draw() {
  while (svg.firstChild) svg.firstChild.remove();
  const width = svg.clientWidth || 1000, total = focus[1] || 1;
  let depthMax = 0, hits = 0;
  const NS = 'http://www.w3.org/2000/svg';
  function place(n, x, depth, inHit) {
    const w = n[1] / total * width;
    if (w < 0.5) return;
    depthMax = Math.max(depthMax, depth);
    const name = names[n[0]];
    const g = document.createElementNS(NS, 'g');
    const r = document.createElementNS(NS, 'rect');
    r.setAttribute('x', x); r.setAttribute('y', depth * ROW); r.setAttribute('width', Math.max(w - 0.5, 0.5)); r.setAttribute('height', ROW - 1);
    r.setAttribute('fill', fill(n, name)); r.setAttribute('data-depth', String(depth)); r.setAttribute('data-name', name);
    const hit = query !== null && query.test(name);
    if (hit) { r.classList.add('hit'); if (!inHit) hits += n[1]; }
    g.append(r);
    if (w > 40) {
      const t = document.createElementNS(NS, 'text');
      t.setAttribute('x', x + 3); t.setAttribute('y', depth * ROW + 12);
      const chars = Math.floor((w - 6) / 6.6);
      t.textContent = name.length > chars ? name.slice(0, Math.max(chars - 1, 1)) + '…' : name;
      t.setAttribute('pointer-events', 'none');
      g.append(t);
    }
    r.addEventListener('mousemove', (e) => {
      tip.textContent = view.diff
        ? name + '\\nNEW ' + n[1] + ' samples · BASE ' + n[2] + ' samples (' + D.diff.unit + ' compared)'
        : name + '\\n' + n[1] + ' samples (' + pct(n[1], view.tree[1]) + '), self ' + n[2];
      tip.style.display = 'block'; tip.style.left = (e.clientX + 12) + 'px'; tip.style.top = (e.clientY + 12) + 'px';
    });
    r.addEventListener('mouseleave', () => { tip.style.display = 'none'; });
    r.addEventListener('click', () => { focus = n; draw(); });
    svg.append(g);
    let cx = x;
    for (const c of n[3]) { place(c, cx, depth + 1, inHit || hit); cx += c[1] / total * width; }
  }
  place(focus, 0, 0, false);
  svg.setAttribute('height', String((depthMax + 1) * ROW));
  document.getElementById('matched').textContent = query ? 'matched ' + pct(hits, total) + ' of the view' : '';
}
select.addEventListener('change', () => { view = views[Number(select.value)]; focus = view.tree; draw(); });
document.getElementById('search').addEventListener('input', (e) => { try { query = e.target.value ? new RegExp(e.target.value) : null; } catch { query = null; } draw(); });
document.getElementById('reset').addEventListener('click', () => { focus = view.tree; draw(); });
window.addEventListener('resize', draw);
draw();

// where the time goes: categories per target
const cats = document.getElementById('categories');
const legend = el('div', { class: 'legend' });
for (const [k, c] of Object.entries(COLORS)) { const s = el('span'); s.style.background = c; legend.append(s, document.createTextNode(k)); }
cats.append(legend);
const ctable = el('table');
for (const t of D.targets) {
  const row = el('tr', { 'data-target': t.label });
  row.append(el('td', {}, t.label));
  const cell = el('td'); const bar = el('div', { class: 'bar' });
  for (const [k, v] of Object.entries(t.categories)) { if (!v) continue; const s = el('span', { title: k + ' ' + v + '%' }); s.style.width = v + '%'; s.style.background = COLORS[k] || '#ccc'; bar.append(s); }
  cell.append(bar); row.append(cell, el('td', { class: 'num' }, String(t.totalSamples) + ' samples'));
  ctable.append(row);
}
cats.append(ctable);

// skew between targets
const skew = document.getElementById('skew');
if (D.skew) {
  skew.append(el('p', {}, 'samples on the busiest target ÷ the median: ' + D.skew.sampleSkew + ' (busiest: ' + D.skew.hottest + ')'));
  const t = el('table'); const h = el('tr'); for (const c of ['target', 'samples', 'hottest frame']) h.append(el('th', {}, c)); t.append(h);
  for (const r of D.skew.rows) { const tr = el('tr'); tr.append(el('td', {}, r.target), el('td', { class: 'num' }, String(r.totalSamples)), el('td', {}, r.topFrame || '')); t.append(tr); }
  skew.append(t);
} else skew.parentElement.style.display = 'none';

// the job graph: busy and back-pressured time per vertex
const job = document.getElementById('vertices');
if (D.vertices.length) {
  const t = el('table'); const h = el('tr'); for (const c of ['vertex', 'parallelism', 'busy · back-pressured · idle (ms/s)', '']) h.append(el('th', {}, c)); t.append(h);
  for (const v of D.vertices) {
    const tr = el('tr', { 'data-vertex': v.name });
    const bar = el('div', { class: 'bar' });
    for (const [k, c] of [['busy', '#e4572e'], ['backPressured', '#7d5ba6'], ['idle', '#cfd8dc']]) { const s = el('span', { title: k }); s.style.width = ((v[k] || 0) / 10) + '%'; s.style.background = c; bar.append(s); }
    const b = el('td'); b.append(bar);
    tr.append(el('td', {}, v.name), el('td', { class: 'num' }, String(v.parallelism)), el('td', { class: 'num' }, [v.busy, v.backPressured, v.idle].map((x) => x === null ? '–' : String(x)).join(' · ')), b);
    t.append(tr);
  }
  job.append(t);
} else job.parentElement.style.display = 'none';

// what changed against the base run
const notes = document.getElementById('diff-notes');
if (D.diff) { const ul = el('ul'); for (const n of D.diff.notes) ul.append(el('li', {}, n)); notes.append(ul); } else notes.parentElement.style.display = 'none';
`;

export function reportPage(data: ReportData): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(data.title)}</title>
<style>${STYLE}</style></head><body>
<header><h1>${escapeHtml(data.title)}</h1><div class="sub">${escapeHtml(`${data.mode} · ${data.targets.length} target(s) · written ${data.generatedAt} by kubectl squirrly`)}</div></header>
<main>
<section><h2>Findings</h2><div id="findings"></div></section>
<section><h2>Flame graph</h2>
<div class="controls"><label>view <select id="view"></select></label><label>search <input id="search" size="32" placeholder="regular expression"></label><span id="matched"></span><button id="reset">reset zoom</button></div>
<svg id="flame" xmlns="http://www.w3.org/2000/svg" height="20"></svg></section>
<section><h2>Where the time goes</h2><div id="categories"></div></section>
<section><h2>Skew between targets</h2><div id="skew"></div></section>
<section><h2>Job graph</h2><div id="vertices"></div></section>
<section><h2>What changed against the base run</h2><div id="diff-notes"></div></section>
</main><div id="tip"></div>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${DIFF_COLOUR_SCRIPT}${SCRIPT}</script>
</body></html>
`;
}
