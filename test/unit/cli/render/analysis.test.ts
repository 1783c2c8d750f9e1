import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { analysisText } from '../../../../src/cli/render/analysis.ts';

function sink(): { stream: Writable; text(): string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer, _e, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    text: () => chunks.join(''),
  };
}

describe('the analysis on stdout', () => {
  it('a header naming the provider, the streamed answer, then where it was saved', () => {
    const out = sink();
    const answer = analysisText(out.stream, new Chalk({ level: 0 }), true);
    answer.emit({ type: 'provider', provider: 'openai', model: 'gpt-4o-mini' });
    answer.text('## Findings');
    answer.text('\nKryo.');
    answer.emit({ type: 'wrote', kind: 'summary', path: '/o/a.summary.json' });
    answer.emit({ type: 'wrote', kind: 'analysis', path: '/o/a.analysis.md' });
    answer.end();
    assert.equal(out.text(), '\nAnalysis (openai, gpt-4o-mini)\n\n## Findings\nKryo.\n\nanalysis saved to /o/a.analysis.md\n');
  });
  it('silent for -o json', () => {
    const out = sink();
    const answer = analysisText(out.stream, new Chalk({ level: 0 }), false);
    answer.emit({ type: 'provider', provider: 'builtin' });
    answer.text('x');
    answer.emit({ type: 'wrote', kind: 'analysis', path: '/o/a.analysis.md' });
    answer.end();
    assert.equal(out.text(), '');
  });
});
