// `kubectl squirrly analyze` as a user runs it: real fixtures in, files and an exit code out;
// bad input gets one line with the fix.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

  it('--output-dir takes every written file, says where, and leaves a read-only input folder alone', async () => {
    const inputs = path.join(dir, 'read-only');
    const out = path.join(dir, 'out', 'nested');
    mkdirSync(inputs);
    const a = path.join(inputs, 'tm-1_LOCK_2026-01-01_00_00_00.html');
    const b = path.join(inputs, 'tm-2_WALL_2026-01-01_00_00_00.html');
    copyFileSync(path.join(FIXTURES, 'real-flink1.20-LOCK.html'), a);
    copyFileSync(path.join(FIXTURES, 'real-flink1.20-WALL.html'), b);
    chmodSync(inputs, 0o555);
    try {
      const r = await runCli(['analyze', a, b, '--provider', 'builtin', '--output-dir', out]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(readdirSync(inputs).sort(), [path.basename(a), path.basename(b)]);
      const written = readdirSync(out).sort();
      for (const stem of ['tm-1_LOCK_2026-01-01_00_00_00', 'tm-2_WALL_2026-01-01_00_00_00']) {
        assert.ok(written.includes(`${stem}.summary.json`), written.join(' '));
        assert.ok(written.includes(`${stem}.collapsed`), written.join(' '));
      }
      const analysis = written.find((f) => /^combined-.*\.analysis\.md$/.test(f));
      assert.ok(analysis, written.join(' '));
      assert.match(r.stdout, new RegExp(`analysis saved to ${path.join(out, analysis).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.match(r.stdout, /summaries and folded stacks of 2 flame graph\(s\) written to .*out\/nested/);
    } finally {
      chmodSync(inputs, 0o755);
    }
  });

  it('--output-dir refuses two inputs that would overwrite each other', async () => {
    mkdirSync(path.join(dir, 'x'));
    mkdirSync(path.join(dir, 'y'));
    for (const d of ['x', 'y']) copyFileSync(path.join(FIXTURES, 'real-flink1.20-LOCK.html'), path.join(dir, d, 'tm_LOCK.html'));
    const r = await runCli(['analyze', path.join(dir, 'x', 'tm_LOCK.html'), path.join(dir, 'y', 'tm_LOCK.html'), '--provider', 'builtin', '--output-dir', path.join(dir, 'xy')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /two inputs are named tm_LOCK\.html/);
    assert.equal(existsSync(path.join(dir, 'xy')), false);
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
