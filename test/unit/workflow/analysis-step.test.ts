// The analysis step in-process: its events in order, its text stream, and where it writes.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAnalysisStep } from '../../../src/workflow/analysis-step.ts';
import type { WorkflowEvent } from '../../../src/workflow/events.ts';

const FIXTURE = path.join(import.meta.dirname, '..', '..', 'fixtures', 'flamegraphs', 'real-flink1.20-LOCK.html');

describe('runAnalysisStep', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'squirrly-step-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('emits parsed, wrote, findings and provider in order and streams the answer', async () => {
    const input = path.join(dir, 'in', 'tm-1_LOCK_2026-01-01_00_00_00.html');
    mkdirSync(path.dirname(input), { recursive: true });
    copyFileSync(FIXTURE, input);
    const events: WorkflowEvent[] = [];
    let text = '';
    const out = path.join(dir, 'out');
    const outcome = await runAnalysisStep(
      { files: [{ path: input, target: 'tm-1' }], settings: { provider: 'builtin', redact: false }, env: {}, requestTimeoutMs: 30_000, outputDir: out },
      (e) => events.push(e),
      (chunk) => (text += chunk),
    );
    const kinds = events.map((e) => (e.type === 'wrote' ? `wrote:${e.kind}` : e.type));
    assert.deepEqual(kinds, ['parsed', 'wrote:summary', 'wrote:collapsed', 'findings', 'provider', 'wrote:analysis']);
    assert.equal(outcome.analysisFailed, false);
    assert.match(text, /LinkedHashMap/);
    assert.deepEqual(readdirSync(path.dirname(input)), [path.basename(input)], 'nothing beside the input');
    assert.ok(existsSync(path.join(out, 'tm-1_LOCK_2026-01-01_00_00_00.analysis.md')));
  });

  it('--provider openai without a key: a warning event, the builtin answer, and a failed analysis', async () => {
    const input = path.join(dir, 'tm-2_LOCK.html');
    copyFileSync(FIXTURE, input);
    const events: WorkflowEvent[] = [];
    const outcome = await runAnalysisStep(
      { files: [{ path: input }], settings: { provider: 'openai', redact: false }, env: {}, requestTimeoutMs: 30_000 },
      (e) => events.push(e),
      () => {},
    );
    const warning = events.find((e) => e.type === 'warning');
    assert.match(warning?.type === 'warning' ? warning.message : '', /needs an API key/);
    assert.equal(outcome.provider, 'builtin');
    assert.equal(outcome.analysisFailed, true);
    assert.ok(existsSync(path.join(dir, 'tm-2_LOCK.analysis.md')), 'written beside the input by default');
  });
});
