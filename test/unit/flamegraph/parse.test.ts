import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SquirrlyError } from '../../../src/errors.ts';
import { parseFlameGraph, parseFlameGraphFile } from '../../../src/flamegraph/parse.ts';
import { FRAME_TYPES, type FlameGraph, type FrameNode } from '../../../src/flamegraph/types.ts';
import { renderV2, renderV3, type Stack } from './render-html.ts';
import { FLINK_LIKE_STACKS, randomStacks, referenceTotals, type PathTotals } from './stacks.ts';

const FIXTURES = new URL('../../fixtures/flamegraphs/', import.meta.url);

function flatten(graph: FlameGraph): Map<string, PathTotals> {
  const totals = new Map<string, PathTotals>();
  const visit = (node: FrameNode, names: string[], types: number[]): void => {
    const key = names.map((name, i) => `${name}#${types[i]}`).join('\u0001');
    assert.equal(totals.has(key), false, `path ${key} appears twice`);
    totals.set(key, { total: node.total, self: node.self });
    for (const child of node.children) visit(child, [...names, child.name], [...types, FRAME_TYPES.indexOf(child.type)]);
  };
  visit(graph.root, [], []);
  return totals;
}

function assertMatchesStacks(graph: FlameGraph, stacks: Stack[]): void {
  assert.deepEqual(flatten(graph), referenceTotals(stacks));
}

function expectError(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof SquirrlyError, `expected a SquirrlyError, got ${String(error)}`);
    assert.match(error.message, pattern);
    assert.ok(error.hint, 'every parse error carries a hint');
    return true;
  });
}

describe('parseFlameGraph', () => {
  it('rebuilds total and self of every path of a Flink-like profile, in both formats', () => {
    const v2 = parseFlameGraph(renderV2(FLINK_LIKE_STACKS));
    const v3 = parseFlameGraph(renderV3(FLINK_LIKE_STACKS));
    assertMatchesStacks(v2, FLINK_LIKE_STACKS);
    assertMatchesStacks(v3, FLINK_LIKE_STACKS);
    assert.equal(v2.format, 'v2');
    assert.equal(v3.format, 'v3');
    assert.deepEqual(v2.root, v3.root);
    assert.equal(v2.root.total, 800);
    assert.equal(v2.frameCount, flatten(v2).size);
    assert.equal(v2.maxDepth, 7);
    assert.equal(v3.maxDepth, 7);
  });

  it('matches the reference for random stacks with shared prefixes, recursion and mixed types', () => {
    for (const seed of ['one', 'two', 'three', 'four']) {
      const stacks = randomStacks(seed, 300);
      const v2 = parseFlameGraph(renderV2(stacks));
      const v3 = parseFlameGraph(renderV3(stacks));
      assertMatchesStacks(v2, stacks);
      assertMatchesStacks(v3, stacks);
      assert.deepEqual(v2.root, v3.root);
    }
  });

  it('unescapes quotes and keeps backslashes in names', () => {
    const stacks: Stack[] = [
      { frames: ["it's", 'ends\\'], samples: 2 },
      { frames: ["it's", "\\'both"], samples: 3 },
    ];
    for (const html of [renderV2(stacks), renderV3(stacks)]) {
      const quoted = parseFlameGraph(html).root.children[0]!;
      assert.equal(quoted.name, "it's");
      assert.deepEqual(quoted.children.map((child) => child.name).sort(), ["\\'both", 'ends\\'].sort());
    }
  });

  it('reads the title from <h1>, with HTML entities decoded', () => {
    const graph = parseFlameGraph(renderV2(FLINK_LIKE_STACKS, 'Allocation profile &amp; more'));
    assert.equal(graph.title, 'Allocation profile & more');
  });

  it('accepts CRLF line ends and the 2.x trailing inlined/c1/interpreted counts', () => {
    const html = renderV2([{ frames: ['a', 'b'], samples: 4 }]).replace("f(1,0,4,1,'a')", "f(1,0,4,1,'a',1,2,1)").replaceAll('\n', '\r\n');
    const graph = parseFlameGraph(html);
    assert.equal(graph.root.children[0]!.name, 'a');
    assert.equal(graph.root.children[0]!.children[0]!.total, 4);
  });

  it('decodes 3.x calls with omitted widths and explicit extra counts', () => {
    const html = renderV3([{ frames: ['x', 'y'], samples: 6 }, { frames: ['z'], samples: 6 }]);
    assert.match(html, /\nu\(\d+\)\n/, 'the fixture exercises a width repeated from the previous frame');
    const graph = parseFlameGraph(html.replace(/\nn\((\d+)\)\n/, '\nn($1,6,0,0,6)\n'));
    assert.deepEqual(
      graph.root.children.map((child) => [child.name, child.total, child.self]),
      [['x', 6, 0], ['z', 6, 6]],
    );
  });

  it('reads a string pool written on one line', () => {
    const html = renderV3(FLINK_LIKE_STACKS);
    const start = html.indexOf('const cpool = [');
    const end = html.indexOf('];', start) + 2;
    const oneLine = html.slice(0, start) + html.slice(start, end).replaceAll(',\n', ', ').replace('[\n', '[') + html.slice(end);
    assert.match(oneLine, /const cpool = \['all', ' /);
    assert.deepEqual(parseFlameGraph(oneLine).root, parseFlameGraph(html).root);
  });

  it('names the source in errors', () => {
    expectError(() => parseFlameGraph('<html><body>hello</body></html>', 'x.html'), /^x\.html is not an async-profiler flame graph \(no frame data found\)$/);
  });

  it('rejects empty input and pages without frames', () => {
    expectError(() => parseFlameGraph(''), /not an async-profiler flame graph/);
    const v2 = renderV2([{ frames: ['a'], samples: 1 }]);
    expectError(() => parseFlameGraph(v2.replace(/^f\(.*\n/gm, '')), /contains no frames/);
    const v3 = renderV3([{ frames: ['a'], samples: 1 }]);
    expectError(() => parseFlameGraph(v3.replace(/^[fun]\(.*\n/gm, '')), /contains no frames/);
  });

  it('accepts a profile with 0 samples, as async-profiler writes it when nothing was sampled', () => {
    const graph = parseFlameGraph(renderV2([]));
    assert.equal(graph.root.total, 0);
    assert.equal(graph.root.children.length, 0);
  });

  it('reports truncation: end marker missing, last line cut, string pool cut', () => {
    for (const html of [renderV2(FLINK_LIKE_STACKS), renderV3(FLINK_LIKE_STACKS)]) {
      const withoutEnd = html.slice(0, html.indexOf('search();'));
      expectError(() => parseFlameGraph(withoutEnd), /is truncated: the frame data stops at line \d+ without the end marker/);
      const cutMidLine = withoutEnd.slice(0, withoutEnd.trimEnd().length - 3);
      expectError(() => parseFlameGraph(cutMidLine), /is truncated: its last frame line \(\d+\) is cut off/);
    }
    const v3 = renderV3(FLINK_LIKE_STACKS);
    expectError(() => parseFlameGraph(v3.slice(0, v3.indexOf('];'))), /is truncated: it ends inside the string pool/);
  });

  it('reports a damaged line in the middle with its line number', () => {
    const html = renderV2(FLINK_LIKE_STACKS);
    const lines = html.split('\n');
    const index = lines.findIndex((line) => line.startsWith('f(3,'));
    lines[index] = 'f(3,0,oops';
    expectError(() => parseFlameGraph(lines.join('\n')), new RegExp(`: line ${index + 1}: not a valid frame record`));
  });

  it('reports inconsistent levels and widths', () => {
    const html = renderV2(FLINK_LIKE_STACKS);
    expectError(() => parseFlameGraph(html.replace("f(1,", 'f(3,')), /inconsistent frame data: level jumps from 0 to 3/);
    expectError(() => parseFlameGraph(html.replace(/f\(0,0,800,3,'all'\)/, "f(0,0,800,3,'all')\nf(0,0,1,3,'all')")), /a second root/);
    expectError(() => parseFlameGraph(html.replace(/f\(0,0,800,/, 'f(0,0,700,')), /children of "all" add up to more than its 700 samples/);
    expectError(() => parseFlameGraph(html.replace(/f\(0,0,800,3,'all'\)\n/, '')), /the first frame is at level 1, not 0/);
  });

  it('rejects unknown frame types and pool indexes', () => {
    expectError(() => parseFlameGraph(renderV2(FLINK_LIKE_STACKS).replace(/f\(1,(\d+),(\d+),1,/, 'f(1,$1,$2,9,')), /unknown frame type 9/);
    const v3 = renderV3([{ frames: ['a'], samples: 1 }]);
    expectError(() => parseFlameGraph(v3.replace(/\nu\(\d+\)/, '\nu(8000)').replace('search();', 'u(9)\nsearch();')), /not in the string pool/);
  });
});

describe('parseFlameGraphFile', () => {
  const dir = mkdtemp(join(tmpdir(), 'squirrly-parse-'));
  after(async () => rm(await dir, { recursive: true, force: true }));

  it('streams a file into the same tree as the in-memory parser', async () => {
    const html = renderV3(randomStacks('file', 500));
    const path = join(await dir, 'tm-1_ITIMER_2024-03-05_14_03_27.html');
    await writeFile(path, html);
    assert.deepEqual(await parseFlameGraphFile(path), parseFlameGraph(html));
  });

  it('names the file in errors and reports unreadable files as SquirrlyError', async () => {
    const path = join(await dir, 'notes.html');
    await writeFile(path, '<html>not a profile</html>\n');
    await assert.rejects(parseFlameGraphFile(path), (error: unknown) => error instanceof SquirrlyError && /^notes\.html is not an async-profiler/.test(error.message));
    await assert.rejects(parseFlameGraphFile(join(await dir, 'missing.html')), (error: unknown) => error instanceof SquirrlyError && /cannot read missing\.html/.test(error.message));
  });

  it('parses the synthetic fixtures of both formats into the same tree', async () => {
    const v2 = await parseFlameGraphFile(new URL('synthetic-v2-itimer.html', FIXTURES).pathname);
    const v3 = await parseFlameGraphFile(new URL('synthetic-v3-itimer.html', FIXTURES).pathname);
    assert.deepEqual(v2.root, v3.root);
    assert.equal(v2.title, 'CPU profile');
    assert.ok(v2.root.total > 0);
  });
});
