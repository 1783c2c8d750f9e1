// The analysis on a terminal: no raw Markdown reaches the reader, streamed or whole, and colour only
// when asked; what came from the model cannot become a terminal sequence.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { markdownRenderer, MarkdownStream } from '../../../src/cli/render/markdown.ts';

const ANSWER = [
  '# Squirrly analysis: tm-1',
  '',
  '### Kryo fallback in ToEvent',
  '',
  '**What to do:** make `KryoRecord$Event` a POJO (public no-arg constructor, public fields).',
  '',
  '- the record crosses keyBy, so every record is serialised',
  '- 19.5% of samples are in Kryo',
  '',
  '| operator | share |',
  '|---|---|',
  '| ToEvent | 19.5% |',
  '',
  '```java',
  'public class Event {',
  '',
  '  public String user;',
  '}',
  '```',
  '',
  'Done.',
  '',
].join('\n');

const ESC = '\u001b';

describe('markdown on a terminal', () => {
  it('renders headings, emphasis, lists, tables and code without their Markdown marks, and no colour at level 0', async () => {
    const render = await markdownRenderer({ width: 80, chalk: new Chalk({ level: 0 }) });
    const out = render(ANSWER);
    assert.ok(!out.includes(ESC), 'no escape sequence without colour');
    for (const mark of ['###', '# Squirrly', '**', '|---|', '```']) assert.ok(!out.includes(mark), `${mark} in:\n${out}`);
    assert.match(out, /Squirrly analysis: tm-1/);
    assert.match(out, /What to do: make KryoRecord\$Event a POJO/);
    assert.match(out, /│ ToEvent +│ 19\.5% │/);
    assert.match(out, /public String user;/);
    // fitted to the width
    assert.ok(out.split('\n').every((line) => line.length <= 80), out);
  });

  it('styles with colour when the chalk has it, and only with colour codes', async () => {
    const out = (await markdownRenderer({ width: 80, chalk: new Chalk({ level: 1 }) }))(ANSWER);
    assert.match(out, /\u001b\[1mWhat to do:\u001b\[22m/);
    const sequences = out.match(/\u001b[^m]*m|\u001b./g) ?? [];
    assert.ok(sequences.length > 0 && sequences.every((s) => /^\u001b\[[0-9;]*m$/.test(s)), sequences.join(' '));
  });

  it('a streamed answer comes out block by block, the same as rendering it whole, whatever the chunk size', async () => {
    const render = await markdownRenderer({ width: 80, chalk: new Chalk({ level: 0 }) });
    const whole = render(ANSWER);
    for (const size of [1, 7, 64]) {
      const stream = new MarkdownStream(render);
      const pieces: string[] = [];
      for (let i = 0; i < ANSWER.length; i += size) pieces.push(stream.push(ANSWER.slice(i, i + size)));
      pieces.push(stream.end());
      const joined = pieces.join('');
      // blocks render alone, so only the blank lines between them may differ
      assert.equal(joined.replace(/\n+/g, '\n').trim(), whole.replace(/\n+/g, '\n').trim(), `chunk size ${size}`);
      // a fenced block with a blank line inside is one block: never drawn before it closes
      assert.ok(pieces.filter((p) => p.includes('public class Event')).every((p) => p.includes('public String user;')));
    }
  });
});
