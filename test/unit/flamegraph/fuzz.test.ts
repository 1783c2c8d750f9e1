// Damaged input must end in a tree or a SquirrlyError: never another exception, never a hang.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SquirrlyError } from '../../../src/errors.ts';
import { toCollapsedLines } from '../../../src/flamegraph/collapsed.ts';
import { parseFlameGraph } from '../../../src/flamegraph/parse.ts';
import { summarize } from '../../../src/flamegraph/summary.ts';
import { builtinFindings } from '../../../src/analysis/builtin.ts';
import type { FlameGraph, FrameNode } from '../../../src/flamegraph/types.ts';
import { seededRandom } from '../../sim/flink/seeded-random.ts';
import { renderV2, renderV3 } from './render-html.ts';
import { FLINK_LIKE_STACKS, randomStacks } from './stacks.ts';

const ITERATIONS_PER_INPUT = 250;
const FIXTURES = new URL('../../fixtures/flamegraphs/', import.meta.url);

type Mutation = (bytes: Buffer, random: () => number) => Buffer;

const pick = (random: () => number, length: number): number => Math.floor(random() * length);

const MUTATIONS: Record<string, Mutation> = {
  flipBits(bytes, random) {
    const copy = Buffer.from(bytes);
    for (let i = 1 + pick(random, 8); i > 0; i--) copy[pick(random, copy.length)]! ^= 1 << pick(random, 8);
    return copy;
  },
  replaceWithSyntax(bytes, random) {
    const copy = Buffer.from(bytes);
    const syntax = Buffer.from("0123456789(),'\\\n[]fun-;");
    for (let i = 1 + pick(random, 4); i > 0; i--) copy[pick(random, copy.length)] = syntax[pick(random, syntax.length)]!;
    return copy;
  },
  deleteLines(bytes, random) {
    const lines = bytes.toString('latin1').split('\n');
    for (let i = 1 + pick(random, 3); i > 0; i--) lines.splice(pick(random, lines.length), 1 + pick(random, 3));
    return Buffer.from(lines.join('\n'), 'latin1');
  },
  duplicateLines(bytes, random) {
    const lines = bytes.toString('latin1').split('\n');
    const at = pick(random, lines.length);
    lines.splice(pick(random, lines.length), 0, ...lines.slice(at, at + 1 + pick(random, 4)));
    return Buffer.from(lines.join('\n'), 'latin1');
  },
  swapLines(bytes, random) {
    const lines = bytes.toString('latin1').split('\n');
    const a = pick(random, lines.length);
    const b = pick(random, lines.length);
    [lines[a], lines[b]] = [lines[b]!, lines[a]!];
    return Buffer.from(lines.join('\n'), 'latin1');
  },
  truncate(bytes, random) {
    return bytes.subarray(0, pick(random, bytes.length));
  },
};

/** Invariants every returned tree keeps, checked without recursion. */
function assertConsistent(graph: FlameGraph): void {
  const pending: FrameNode[] = [graph.root];
  let frames = 0;
  while (pending.length > 0) {
    const node = pending.pop()!;
    frames++;
    const childTotal = node.children.reduce((sum, child) => sum + child.total, 0);
    assert.ok(node.self >= 0, `negative self in ${node.name}`);
    assert.equal(node.self + childTotal, node.total);
    pending.push(...node.children);
  }
  assert.equal(frames, graph.frameCount);
  assert.ok(graph.root.total > 0);
}

function inputs(): Array<[string, Buffer]> {
  const real = readdirSync(FIXTURES).filter((name) => name.startsWith('real-') && name.endsWith('.html'));
  return [
    ['rendered v2', Buffer.from(renderV2(FLINK_LIKE_STACKS))],
    ['rendered v3', Buffer.from(renderV3(randomStacks('fuzz', 60)))],
    ...real.slice(0, 2).map((name): [string, Buffer] => [name, readFileSync(new URL(name, FIXTURES))]),
  ];
}

describe('parser fuzzing', () => {
  for (const [label, original] of inputs()) {
    it(`survives ${ITERATIONS_PER_INPUT} mutations of ${label}`, { timeout: 120_000 }, () => {
      const random = seededRandom(label);
      const names = Object.keys(MUTATIONS);
      const outcomes = { parsed: 0, rejected: 0 };
      for (let i = 0; i < ITERATIONS_PER_INPUT; i++) {
        const name = names[pick(random, names.length)]!;
        const html = MUTATIONS[name]!(original, random).toString('utf8');
        let graph: FlameGraph;
        try {
          graph = parseFlameGraph(html, 'fuzz.html');
        } catch (error) {
          assert.ok(error instanceof SquirrlyError, `iteration ${i} (${name}) threw ${String(error)}`);
          assert.ok(error.message.length > 0 && !error.message.includes('\n'), 'one-line message');
          outcomes.rejected++;
          continue;
        }
        assertConsistent(graph);
        builtinFindings({ summaries: [summarize(graph, { source: 'fuzz.html', target: 'fuzz' })] });
        for (const line of toCollapsedLines(graph)) assert.match(line, / \d+$/);
        outcomes.parsed++;
      }
      // both outcomes occur, so the mutations neither always break nor never touch the frames
      assert.ok(outcomes.parsed > 0 && outcomes.rejected > 0, JSON.stringify(outcomes));
    });
  }
});
