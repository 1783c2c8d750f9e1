// `export`, and `--export` on profile and artifacts, as a user runs them: real flame graphs in,
// files other tools read out (checked with the real `go tool pprof`), bad input refused in one line.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startScenario } from '../sim/scenario.ts';
import { repoRoot, runCli } from '../support/cli.ts';

const run = promisify(execFile);
const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'flamegraphs');
const ALLOC = 'tm-1_ALLOC_2026-01-01_00_00_00.html';

async function pprofType(file: string): Promise<string> {
  const { stdout } = await run('go', ['tool', 'pprof', '-top', file]);
  return /^Type: (\S+)/m.exec(stdout)?.[1] ?? stdout;
}

describe('export', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'squirrly-export-cli-'));
    copyFileSync(path.join(FIXTURES, 'real-flink1.20-ALLOC.html'), path.join(dir, ALLOC));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('writes every format into --output-dir, lists them in -o json, and pprof reads the mode from the file name', async () => {
    const out = path.join(dir, 'out');
    const r = await runCli(['export', path.join(dir, ALLOC), '--format', 'pprof,speedscope,collapsed', '--output-dir', out, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { exported: Array<{ format: string; file: string; bytes: number }> };
    assert.deepEqual(doc.exported.map((e) => e.format), ['pprof', 'speedscope', 'collapsed']);
    for (const e of doc.exported) assert.equal(path.dirname(e.file), out);
    assert.deepEqual(readdirSync(out).sort(), ['tm-1_ALLOC_2026-01-01_00_00_00.collapsed', 'tm-1_ALLOC_2026-01-01_00_00_00.pb.gz', 'tm-1_ALLOC_2026-01-01_00_00_00.speedscope.json']);
    assert.equal(await pprofType(path.join(out, 'tm-1_ALLOC_2026-01-01_00_00_00.pb.gz')), 'alloc_samples');
    const speedscope = JSON.parse(readFileSync(path.join(out, 'tm-1_ALLOC_2026-01-01_00_00_00.speedscope.json'), 'utf8'));
    assert.equal(speedscope.profiles[0].name, 'tm-1_ALLOC_2026-01-01_00_00_00.html (ALLOC)');
  });

  it('refuses what is not a flame graph, a cut-off file, a folder and an unknown format, each in one line', async () => {
    const notHtml = path.join(dir, 'notes.html');
    writeFileSync(notHtml, '<html><body>hello</body></html>\n');
    const cut = path.join(dir, 'cut_ITIMER_2026-01-01_00_00_00.html');
    const whole = readFileSync(path.join(FIXTURES, 'real-flink1.20-ITIMER.html'), 'utf8');
    writeFileSync(cut, whole.slice(0, Math.floor(whole.length / 3)));
    const cases: Array<[string[], number, RegExp]> = [
      [['export', notHtml], 1, /notes\.html is not an async-profiler flame graph/],
      [['export', cut], 1, /cut_ITIMER_2026-01-01_00_00_00\.html/],
      [['export', dir], 2, /is a folder/],
      [['export', path.join(dir, ALLOC), '--format', 'jfr'], 2, /--format "jfr" is not one of pprof, speedscope, collapsed/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1, r.stderr);
    }
    assert.ok(!existsSync(path.join(dir, 'cut_ITIMER_2026-01-01_00_00_00.pb.gz')), 'nothing written for a cut-off file');
  });
});

describe('--export on profile and artifacts', () => {
  it('profile writes each saved flame graph as pprof beside it; artifacts --latest does the same for what it fetched', async (t) => {
    const scenario = await startScenario({ clockSpeed: 20, deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 2 }] });
    const out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-out-'));
    const again = await mkdtemp(path.join(os.tmpdir(), 'squirrly-out-'));
    t.after(async () => {
      await scenario.stop();
      await rm(out, { recursive: true, force: true });
      await rm(again, { recursive: true, force: true });
    });
    const env = { KUBECONFIG: scenario.kubeconfigPath };
    const r = await runCli(['profile', 'sample-job', '-n', 'squirrly', '-d', '2', '-t', 'ALLOC', '--no-analysis', '--export', 'pprof', '--output-dir', out, '-o', 'json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { targets: Array<{ file: string }>; exports: Array<{ source: string; format: string; file: string }> };
    assert.equal(doc.exports.length, 2);
    for (const target of doc.targets) {
      const exported = doc.exports.find((e) => e.source === target.file);
      assert.ok(exported, `no export of ${target.file}`);
      assert.equal(exported.file, target.file.replace(/\.html$/, '.pb.gz'));
      assert.equal(await pprofType(exported.file), 'alloc_samples');
    }

    const a = await runCli(['artifacts', 'sample-job', '-n', 'squirrly', '--latest', '--export', 'speedscope', '--output-dir', again], { env });
    assert.equal(a.code, 0, a.stderr);
    const fetched = readdirSync(path.join(again, 'squirrly', 'sample-job'));
    assert.equal(fetched.filter((f) => f.endsWith('.speedscope.json')).length, 2, fetched.join(' '));
    assert.match(a.stdout, /speedscope: .*\.speedscope\.json/);

    const bad = await runCli(['profile', '--export', 'pprof', 'sample-job', '-n', 'squirrly'], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--export "sample-job" is not one of pprof, speedscope, collapsed/);
    assert.match(bad.stderr, /put the deployment before --export/);
  });
});
