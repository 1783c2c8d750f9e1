import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { lineFormatters, plainProgress } from '../../../../src/cli/render/progress-lines.ts';
import { handleEvent, type WorkflowEvent } from '../../../../src/workflow/events.ts';

const chalk = new Chalk({ level: 0 });

function collect(): { stream: Writable & { isTTY?: boolean }; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('progress as lines', () => {
  it('one timestamped line per shown event, the hint on its own line', () => {
    const out = collect();
    const progress = plainProgress({ stream: out.stream, verbose: false, chalk });
    progress.emit({ type: 'step', message: 'reading FlinkDeployment x' });
    progress.emit({ type: 'warning', message: 'no key', hint: 'export OPENAI_API_KEY' });
    progress.emit({ type: 'wrote', kind: 'summary', path: '/tmp/a.summary.json' });
    const lines = out.text().split('\n').filter(Boolean);
    assert.equal(lines.length, 3);
    for (const line of lines) assert.match(line, /^\d\d:\d\d:\d\d /);
    assert.match(lines[0]!, / reading FlinkDeployment x$/);
    assert.match(lines[1]!, / warning: no key$/);
    assert.match(lines[2]!, / hint: export OPENAI_API_KEY$/);
  });

  it('a countdown line at most every 10 s, never at zero', () => {
    const format = lineFormatters(chalk, false);
    const shown = [60, 59, 51, 50, 49, 40, 0].map((remainingSeconds) =>
      handleEvent(format, { type: 'countdown', remainingSeconds, running: 1, done: 0, total: 1 }),
    );
    assert.deepEqual(shown.map((s) => (s === undefined ? '-' : s.split('s ')[0])), ['60', '-', '-', '50', '-', '40', '-']);
  });

  it('request sizes only with --verbose', () => {
    const event: WorkflowEvent = { type: 'request', tokens: 1200, budget: 8000, selfCoveragePercent: 90, shrunk: false };
    assert.equal(handleEvent(lineFormatters(chalk, false), event), undefined);
    assert.equal(handleEvent(lineFormatters(chalk, true), event), 'request: 1200 tokens (budget 8000)');
  });
});
