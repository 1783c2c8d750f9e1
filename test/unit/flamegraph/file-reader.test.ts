// The file parser reads bytes and decodes frame lines without making strings; it must give exactly
// what the text parser gives, whatever the line breaks, characters or sizes of counts.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SquirrlyError } from '../../../src/errors.ts';
import { toCollapsedLines } from '../../../src/flamegraph/collapsed.ts';
import { parseFlameGraph, parseFlameGraphFile } from '../../../src/flamegraph/parse.ts';
import { summarize } from '../../../src/flamegraph/summary.ts';
import type { FlameGraph } from '../../../src/flamegraph/types.ts';
import { renderV2, renderV3, type Stack } from './render-html.ts';
import { FLINK_LIKE_STACKS, randomStacks } from './stacks.ts';

const META = { source: 'tm-1_ITIMER_2024-03-05_14_03_27.html', target: 'tm-1' };

/** Outcome of parsing: the graph's fields, tree, summary and folded stacks, or the error message. */
async function outcome(parse: () => FlameGraph | Promise<FlameGraph>): Promise<unknown> {
  try {
    const graph = await parse();
    return { graph, summary: summarize(graph, META), folded: [...toCollapsedLines(graph)] };
  } catch (error) {
    assert.ok(error instanceof SquirrlyError, `expected a SquirrlyError, got ${String(error)}`);
    return error.message;
  }
}

describe('parseFlameGraphFile (byte reader)', () => {
  const dir = mkdtemp(join(tmpdir(), 'squirrly-file-reader-'));
  after(async () => rm(await dir, { recursive: true, force: true }));

  /** `file`: what is written, when it differs from the page given to the text parser only in line breaks */
  const sameAsText = async (html: string, file = html): Promise<void> => {
    const path = join(await dir, 'page.html');
    await writeFile(path, file);
    assert.deepEqual(await outcome(() => parseFlameGraphFile(path)), await outcome(() => parseFlameGraph(html, 'page.html')));
  };

  it('reads \\n, \\r\\n and lone \\r line breaks like readline', async () => {
    for (const html of [renderV2(FLINK_LIKE_STACKS), renderV3(randomStacks('breaks', 80))]) {
      await sameAsText(html);
      await sameAsText(html, html.replaceAll('\n', '\r\n'));
      await sameAsText(html, html.replaceAll('\n', '\r'));
      await sameAsText(html.trimEnd());
    }
  });

  it('keeps non-ASCII names, escaped quotes and odd spacing', async () => {
    const stacks: Stack[] = [
      { frames: ['com/example/Größe.run', "it's", 'naïve\\'], samples: 5 },
      { frames: ['com/example/Größe.run', '名前.call'], samples: 3 },
      { frames: ['x\u00a0y'], samples: 2, type: 3 },
    ];
    for (const html of [renderV2(stacks), renderV3(stacks)]) {
      await sameAsText(html);
      await sameAsText(html.replace(/^([fun])\((\d+),/gm, '$1( $2 ,\t'));
      await sameAsText(html.replace(/^([fun]\(.*)$/gm, '\u00a0$1 ;'));
    }
  });

  it('keeps counts beyond 32 bits exact', async () => {
    const stacks: Stack[] = [
      { frames: ['byte[]'], samples: 6_000_000_000 },
      { frames: ['java.lang.String'], samples: 5 },
    ];
    for (const html of [renderV2(stacks, 'Allocation profile'), renderV3(stacks, 'Allocation profile')]) {
      await sameAsText(html);
      const graph = parseFlameGraph(html);
      assert.equal(graph.root.total, 6_000_000_005);
      assert.deepEqual(graph.root.children.map((child) => child.self).sort(), [5, 6_000_000_000]);
      assert.equal(summarize(graph, META).topSelf[0]?.samples, 6_000_000_000);
    }
  });

  it('reports damaged lines with the same error as the text parser', async () => {
    const html = renderV2(FLINK_LIKE_STACKS);
    const lines = html.split('\n');
    const frameAt = lines.findIndex((line) => line.startsWith('f(1,'));
    for (const damaged of ["f(1,0,x,1,'a')", "f(1,0,1,9,'a')", "f(1,0,1,1,'a", "f(99999999999999999999,0,1,1,'a')", 'f(1,0,1,1,\u00e9a\u00e9)']) {
      await sameAsText([...lines.slice(0, frameAt), damaged, ...lines.slice(frameAt)].join('\n'));
      await sameAsText([...lines.slice(0, frameAt), damaged].join('\n'));
    }
    const v3 = renderV3(FLINK_LIKE_STACKS).split('\n');
    const callAt = v3.findIndex((line) => /^[un]\(/.test(line));
    for (const damaged of ['u(-1)', 'n(8000000)', 'u(1,-4)', 'u(1,2,3,4,5,6)', 'f(1)', 'u(1 2)', 'u()']) {
      await sameAsText([...v3.slice(0, callAt), damaged, ...v3.slice(callAt)].join('\n'));
    }
  });
});
