import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadPromptFile, loadPromptTemplate, loadSystemPrompt, promptFileForMode, renderPrompt } from '../../../src/analysis/prompts.ts';
import { SquirrlyError } from '../../../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'squirrly-prompts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const vars = { mode: 'ALLOC', targets: 'tm-1', summary: 'SUMMARY $& $1', findings: 'FINDINGS' };

describe('prompts', () => {
  it('has one template per mode with the placeholders', () => {
    assert.equal(promptFileForMode('CPU'), 'cpu.md');
    assert.equal(promptFileForMode('ITIMER'), 'cpu.md');
    assert.equal(promptFileForMode('ALLOC'), 'alloc.md');
    assert.equal(promptFileForMode('LOCK'), 'lock.md');
    assert.equal(promptFileForMode('WALL'), 'wall.md');
    for (const mode of ['CPU', 'ALLOC', 'LOCK', 'WALL'] as const) {
      const t = loadPromptTemplate(mode);
      for (const p of ['{{mode}}', '{{summary}}', '{{findings}}']) assert.ok(t.includes(p), `${mode} lacks ${p}`);
    }
    assert.match(loadSystemPrompt(), /Apache Flink/);
  });

  it('fills placeholders literally, once', () => {
    const out = renderPrompt('{{mode}} / {{summary}} / {{findings}} / {{other}}', vars);
    assert.equal(out, 'ALLOC / SUMMARY $& $1 / FINDINGS / {{other}}');
  });

  it('appends the data to a prompt without placeholders, like the old Job prompt.md', () => {
    const out = renderPrompt('Analyse this flame graph.', vars);
    assert.match(out, /^Analyse this flame graph\.\n\n## Profile summary\nSUMMARY \$& \$1\n\n## Builtin findings\nFINDINGS\n$/);
  });

  it('reads a prompt file', () => {
    const p = join(dir, 'prompt.md');
    writeFileSync(p, 'custom {{summary}}');
    assert.equal(loadPromptFile(p), 'custom {{summary}}');
  });

  it('a missing prompt file is a usage error with a hint', () => {
    const p = join(dir, 'missing.md');
    assert.throws(
      () => loadPromptFile(p),
      (err: unknown) =>
        err instanceof SquirrlyError && err.message === `prompt file ${p} not found` && err.exitCode === 2 && /--prompt-file/.test(err.hint ?? ''),
    );
  });
});
