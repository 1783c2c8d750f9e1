import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { jsonProgress } from '../../../../src/cli/render/progress-json.ts';

describe('--progress json', () => {
  it('one parseable object per line with the time, control characters escaped', () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    const progress = jsonProgress(stream, () => new Date('2026-01-01T00:00:00Z'));
    progress.emit({ type: 'target', label: 'tm\u001b[2J-1', state: 'running' });
    progress.emit({ type: 'saved', label: 'tm-1', path: '/out/a.html', bytes: 12, via: 'rest' });
    const text = chunks.join('');
    assert.doesNotMatch(text, /\u001b/);
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.deepEqual(JSON.parse(lines[0]!), { time: '2026-01-01T00:00:00.000Z', type: 'target', label: 'tm\u001b[2J-1', state: 'running' });
    assert.equal(JSON.parse(lines[1]!).bytes, 12);
  });
});
