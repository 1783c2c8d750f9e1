import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { writeAtomicallyWith } from '../../../src/artifacts/atomic-file.ts';
import { toCollapsedLines, writeCollapsed } from '../../../src/flamegraph/collapsed.ts';
import { parseFlameGraph } from '../../../src/flamegraph/parse.ts';
import { renderV2, renderV3, type Stack } from './render-html.ts';
import { FLINK_LIKE_STACKS, randomStacks } from './stacks.ts';

/** Folded lines expected from a stack set: identical stacks (same names and type) add up. */
function expectedFolded(stacks: Stack[]): string[] {
  const sums = new Map<string, number>();
  for (const stack of stacks) {
    if (stack.frames.length === 0) continue;
    const key = `${stack.frames.join(';')}\u0000${stack.type ?? 1}`;
    sums.set(key, (sums.get(key) ?? 0) + stack.samples);
  }
  return [...sums].map(([key, samples]) => `${key.split('\u0000')[0]} ${samples}`).sort();
}

describe('collapsed stacks', () => {
  const dir = mkdtemp(join(tmpdir(), 'squirrly-collapsed-'));
  after(async () => rm(await dir, { recursive: true, force: true }));

  it('turns the tree back into the stacks it was rendered from (both formats)', () => {
    for (const stacks of [FLINK_LIKE_STACKS, randomStacks('fold', 200)]) {
      for (const html of [renderV2(stacks), renderV3(stacks)]) {
        assert.deepEqual([...toCollapsedLines(parseFlameGraph(html))].sort(), expectedFolded(stacks));
      }
    }
  });

  it('round-trips: folded lines rendered again give the same lines', () => {
    const first = [...toCollapsedLines(parseFlameGraph(renderV3(FLINK_LIKE_STACKS)))];
    const again: Stack[] = first.map((line) => {
      const at = line.lastIndexOf(' ');
      return { frames: line.slice(0, at).split(';'), samples: Number(line.slice(at + 1)) };
    });
    assert.deepEqual([...toCollapsedLines(parseFlameGraph(renderV2(again)))].sort(), [...first].sort());
  });

  it('writes one line per stack to a file, across several write batches', async () => {
    const stacks = randomStacks('write', 3000).map((stack) => ({ ...stack, frames: stack.frames.map((name) => `${name}/${'x'.repeat(40)}`) }));
    const graph = parseFlameGraph(renderV2(stacks));
    const path = join(await dir, 'out.collapsed');
    await writeAtomicallyWith(path, (out) => writeCollapsed(graph, out));
    const text = await readFile(path, 'utf8');
    assert.ok(text.length > 64 * 1024, 'the output spans more than one batch');
    assert.ok(text.endsWith('\n'));
    assert.deepEqual(text.trimEnd().split('\n'), [...toCollapsedLines(graph)]);
  });

  it('rejects when the stream fails', async () => {
    const graph = parseFlameGraph(renderV2(FLINK_LIKE_STACKS));
    const failing = new Writable({ write: (_chunk, _enc, done) => done(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })) });
    await assert.rejects(writeCollapsed(graph, failing), /ENOSPC|no space/);
  });
});
