// Flame graphs written by real async-profiler runs (Flink's bundled 2.9 and a 4.x agent).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { builtinFindings } from '../../../src/analysis/builtin.ts';
import { toCollapsedLines } from '../../../src/flamegraph/collapsed.ts';
import { modeFromTitle } from '../../../src/flamegraph/mode.ts';
import { parseFlameGraphFile } from '../../../src/flamegraph/parse.ts';
import { summarize } from '../../../src/flamegraph/summary.ts';
import type { FrameNode } from '../../../src/flamegraph/types.ts';

const FIXTURES = new URL('../../fixtures/flamegraphs/', import.meta.url);
const REAL = readdirSync(FIXTURES).filter((name) => name.startsWith('real-') && name.endsWith('.html') && !name.includes('-empty'));

function sumSelf(root: FrameNode): number {
  let sum = 0;
  const pending = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    sum += node.self;
    pending.push(...node.children);
  }
  return sum;
}

describe('real async-profiler flame graphs', () => {
  for (const name of REAL) {
    it(`parses and summarises ${name}`, async () => {
      const graph = await parseFlameGraphFile(new URL(name, FIXTURES).pathname);
      assert.equal(graph.format, name.includes('ap4') ? 'v3' : 'v2');
      assert.equal(graph.root.name, 'all');
      assert.equal(sumSelf(graph.root), graph.root.total, 'self samples add up to the total');
      assert.ok(graph.frameCount > 10 && graph.maxDepth > 5);
      const mode = /-(CPU|ITIMER|ALLOC|LOCK|WALL)\.html$/.exec(name)?.[1];
      // CPU and ITIMER share the title "CPU profile"
      assert.equal(modeFromTitle(graph.title), mode === 'ITIMER' ? 'CPU' : mode);

      const summary = summarize(graph, { source: name, target: name });
      const categoryTotal = Object.values(summary.categories).reduce((sum, percent) => sum + percent, 0);
      assert.ok(Math.abs(categoryTotal - 100) < 0.1, `categories add up to ${categoryTotal}`);
      assert.ok(summary.topSelf.length > 0 && summary.hotPaths.length > 0);
      assert.ok(summary.signals?.['task-thread'] !== undefined || summary.signals?.jit !== undefined, 'a Flink task thread or the JIT is visible');
      const folded = [...toCollapsedLines(graph)].reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
      assert.equal(folded, graph.root.total);
    });
  }

  it('reads a real run that sampled nothing (LOCK without contention) as 0 samples', async () => {
    const graph = await parseFlameGraphFile(new URL('real-flink1.20-LOCK-empty.html', FIXTURES).pathname);
    assert.equal(graph.root.total, 0);
    assert.equal(graph.frameCount, 1);
    const summary = summarize(graph, { source: 'x_LOCK_2024-01-01_00_00_00.html', target: 'tm' });
    assert.equal(summary.totalSamples, 0);
    assert.equal(summary.mode, 'LOCK');
    assert.deepEqual(summary.topSelf, []);
    const findings = builtinFindings({ summaries: [summary] });
    assert.deepEqual(findings.map((f) => f.id), ['no-samples']);
    assert.match(findings[0]!.advice, /locking is not the bottleneck/);
  });
});
