// `kubectl squirrly analyze` as a user runs it: real fixtures in, files and an exit code out;
// bad input gets one line with the fix.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, runCli } from '../support/cli.ts';

const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'flamegraphs');

describe('analyze', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'squirrly-analyze-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('compares two real flame graphs offline and writes the summaries beside them', async () => {
    const a = path.join(dir, 'tm-1_ITIMER_2026-01-01_00_00_00.html');
    const b = path.join(dir, 'tm-2_CPU_2026-01-01_00_00_00.html');
    copyFileSync(path.join(FIXTURES, 'real-flink1.20-ITIMER.html'), a);
    copyFileSync(path.join(FIXTURES, 'real-flink1.20-CPU.html'), b);
    const r = await runCli(['analyze', a, b, '--provider', 'builtin', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.analysis.provider, 'builtin');
    assert.match(path.basename(doc.analysis.file), /^combined-.*\.analysis\.md$/);
    assert.ok(doc.analysis.findings.length > 0);
    for (const stem of ['tm-1_ITIMER_2026-01-01_00_00_00', 'tm-2_CPU_2026-01-01_00_00_00']) {
      const summary = JSON.parse(readFileSync(path.join(dir, `${stem}.summary.json`), 'utf8'));
      assert.ok(summary.totalSamples > 0);
      assert.ok(existsSync(path.join(dir, `${stem}.collapsed`)));
    }
  });

  it('bad input: one line with the fix and a non-zero exit', async () => {
    const notFlame = path.join(dir, 'notes.html');
    writeFileSync(notFlame, '<html><body>not a profile</body></html>');
    const cases: Array<[string[], number, RegExp]> = [
      [[path.join(dir, 'missing.html')], 2, /missing\.html does not exist/],
      [[dir], 2, /is a folder\n.*hint: pass the flame graphs inside it/],
      [[notFlame], 1, /notes\.html is not an async-profiler flame graph/],
      [[], 2, /Not enough non-option arguments|no flame graph given/],
    ];
    for (const [files, code, message] of cases) {
      const r = await runCli(['analyze', ...files, '--provider', 'builtin']);
      assert.equal(r.code, code, `${files.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1);
    }
  });
});
