// The HTML page around the frame calls of an async-profiler flame graph, for the 2.x layout
// (f(level,left,width,type,title...)) and the 3.x/4.x compact layout (cpool + f/u/n).
// The page is a small self-contained viewer: it draws the frames on a canvas.

export type FlameGraphFormat = 'v2' | 'v3';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function pageStart(title: string): string {
  return `<!DOCTYPE html>
<html lang='en'>
<head>
<meta charset='utf-8'>
<style>
\tbody {margin: 0; padding: 10px; background-color: #ffffff}
\th1 {margin: 5px 0 0 0; font-size: 18px; font-weight: normal; text-align: center}
\t#canvas {width: 100%; height: 100%}
</style>
</head>
<body style='font: 12px Verdana, sans-serif'>
<h1>${escapeHtml(title)}</h1>
<canvas id='canvas'></canvas>
<script>
\t'use strict';
\tconst palette = ['#b2e1b2', '#50e150', '#50cccc', '#e15a5a', '#c8c83c', '#e17d00', '#cce880'];
`;
}

/** Draws every level, deepest last; shared by both layouts. */
const RENDER = `
\tfunction search() {
\t\tconst canvas = document.getElementById('canvas');
\t\tconst total = levels[0][0].width;
\t\tconst scale = (canvas.offsetWidth || 1200) / total;
\t\tcanvas.width = canvas.offsetWidth || 1200;
\t\tcanvas.height = levels.length * 16;
\t\tconst c = canvas.getContext('2d');
\t\tc.font = '12px Verdana, sans-serif';
\t\tlevels.forEach((level, depth) => level.forEach((frame) => {
\t\t\tc.fillStyle = palette[frame.type];
\t\t\tc.fillRect(frame.left * scale, depth * 16, frame.width * scale, 15);
\t\t\tif (frame.width * scale > 30) {
\t\t\t\tc.fillStyle = '#000000';
\t\t\t\tc.fillText(frame.title.substring(0, Math.floor(frame.width * scale / 7)), frame.left * scale + 3, depth * 16 + 12);
\t\t\t}
\t\t}));
\t}
`;

/** Everything before the first frame call of a 2.x page. */
export function v2PageHead(title: string, depth: number): string {
  return `${pageStart(title)}\tconst levels = Array(${depth});
\tfor (let h = 0; h < levels.length; h++) {
\t\tlevels[h] = [];
\t}

\tfunction f(level, left, width, type, title, inln, c1, int) {
\t\tlevels[level].push({left: left, width: width, type: type, title: title, inln: inln, c1: c1, int: int});
\t}
${RENDER}
`;
}

/** Everything before the string pool of a 3.x/4.x page. */
export function v3PageHead(title: string, depth: number): string {
  return `${pageStart(title)}\tconst levels = Array(${depth});
\tfor (let h = 0; h < levels.length; h++) {
\t\tlevels[h] = [];
\t}
\tlet level0 = 0, left0 = 0, width0 = 0;

\tfunction unpack(pool) {
\t\tfor (let i = 1; i < pool.length; i++) {
\t\t\tpool[i] = pool[i - 1].substring(0, pool[i].charCodeAt(0) - 32) + pool[i].substring(1);
\t\t}
\t}

\tfunction f(key, level, left, width, inln, c1, int) {
\t\tlevel0 = level;
\t\tleft0 += left;
\t\tif (width !== undefined) width0 = width;
\t\tlevels[level0].push({left: left0, width: width0, type: key & 7, title: cpool[key >>> 3], inln: inln, c1: c1, int: int});
\t}

\tfunction u(key, width, inln, c1, int) {
\t\tf(key, level0 + 1, 0, width, inln, c1, int);
\t}

\tfunction n(key, width, inln, c1, int) {
\t\tf(key, level0, width0, width, inln, c1, int);
\t}
${RENDER}
`;
}

/** Everything after the last frame call, for both layouts. */
export const PAGE_TAIL = `search();
</script></body></html>
`;
