// Ctrl-C and SIGTERM in every phase of `profile`: the real CLI in a child process against the
// simulated cluster, each phase held open by a fault so the signal lands inside it. Each case
// checks the exit code, the message and hint, what was kept on disk, and that the process ended
// by itself (a hung call would be killed by the harness and fail the code check).
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { startScenario, type Scenario } from '../sim/scenario.ts';
import { repoRoot, runCli, type CliResult } from '../support/cli.ts';
import { startOpenAIServer } from '../support/openai-server.ts';

const KEY = 'sk-test-signals-0123456789abcdef';

interface Env {
  scenario: Scenario;
  out: string;
  /** runs profile and sends `signal` once `when` matches the output so far */
  profile(args: string[], when: RegExp, signal: NodeJS.Signals, env?: NodeJS.ProcessEnv): Promise<CliResult & { sent: boolean }>;
}

async function withScenario(t: { after(fn: () => Promise<void>): void }, clockSpeed = 20): Promise<Env> {
  const scenario = await startScenario({ clockSpeed, deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 1 }] });
  const out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-out-'));
  t.after(async () => {
    await scenario.stop();
    await rm(out, { recursive: true, force: true });
  });
  return {
    scenario,
    out,
    async profile(args, when, signal, env = {}) {
      let sent = false;
      let seen = '';
      const r = await runCli(['profile', 'sample-job', '--output-dir', out, ...args], {
        env: { KUBECONFIG: scenario.kubeconfigPath, ...env },
        // far below every fault's hold: a call that ignored the signal would be killed here
        timeoutMs: 45_000,
        onSpawn: (child) => {
          const watch = (d: Buffer): void => {
            seen += d.toString();
            if (!sent && when.test(seen)) {
              sent = true;
              child.kill(signal);
            }
          };
          child.stdout!.on('data', watch);
          child.stderr!.on('data', watch);
        },
      });
      return { ...r, sent };
    },
  };
}

function files(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)) : [];
}

/** temp files of the atomic writes start with a dot: none may be left */
const leftovers = (dir: string): string[] => files(dir).filter((f) => path.basename(f).startsWith('.'));
const HOLD = 120_000;
const FLAME_GRAPH = /\/profiler\/.+\.html$/;
const ARTIFACTS_HINT = /^hint: .*kubectl squirrly artifacts sample-job -n squirrly/m;

describe('Ctrl-C and SIGTERM in every phase of profile', () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} while an API call hangs during discovery exits ${code} at once`, async (t) => {
      const env = await withScenario(t);
      env.scenario.kube.addDelay(/flinkdeployments\/sample-job$/, HOLD);
      // a deadline past the hold: only the signal can end the call in time
      const r = await env.profile(['-d', '1', '--no-analysis', '--request-timeout', '10m'], /reading FlinkDeployment/, signal);
      assert.ok(r.sent);
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, /^error: interrupted/m);
      assert.match(r.stderr, ARTIFACTS_HINT);
      assert.deepEqual(files(env.out), []);
    });
  }

  it('SIGTERM while the trigger is in flight exits 143', async (t) => {
    const env = await withScenario(t);
    env.scenario.flink('sample-job')!.faults.add({ path: /\/profiler$/, method: 'POST', kind: { type: 'delay', ms: HOLD } });
    const r = await env.profile(['-d', '1', '--no-analysis', '--request-timeout', '10m'], /profiling 1 target/, 'SIGTERM');
    assert.ok(r.sent);
    assert.equal(r.code, 143, r.stderr);
    assert.match(r.stderr, ARTIFACTS_HINT);
  });

  it('SIGTERM during the wait exits 143 and prints the artifacts command', async (t) => {
    const env = await withScenario(t, 1);
    const r = await env.profile(['-d', '60', '--no-analysis'], /: running/, 'SIGTERM');
    assert.ok(r.sent);
    assert.equal(r.code, 143, r.stderr);
    assert.match(r.stderr, /kubectl squirrly artifacts sample-job -n squirrly --latest/);
  });

  it('Ctrl-C during a download exits 130 and leaves no partial file', async (t) => {
    const env = await withScenario(t);
    // a few bytes a second: the download is still going when the signal comes
    env.scenario.flink('sample-job')!.faults.add({ path: FLAME_GRAPH, kind: { type: 'trickle', bytes: 16, everyMs: 100 } });
    const r = await env.profile(['-d', '1', '--no-analysis'], /: downloading/, 'SIGINT');
    assert.ok(r.sent);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, ARTIFACTS_HINT);
    assert.deepEqual(leftovers(env.out), []);
    assert.deepEqual(files(env.out).filter((f) => f.endsWith('.html')), []);
  });

  it('Ctrl-C during the analysis keeps the flame graph and the partial answer, marked partial, and exits 130', async (t) => {
    const env = await withScenario(t);
    const ai = await startOpenAIServer({ fallback: { kind: 'stream', pieces: ['## Verdict\nThe first half ', 'and never the rest'], stallAfter: 1 } });
    t.after(() => ai.close());
    const r = await env.profile(['-d', '1', '--base-url', ai.baseUrl], /The first half/, 'SIGINT', { OPENAI_API_KEY: KEY });
    assert.ok(r.sent);
    assert.equal(r.code, 130, r.stderr);
    const saved = files(env.out);
    assert.equal(saved.filter((f) => f.endsWith('.html')).length, 1, 'the flame graph stays');
    const analysis = saved.find((f) => f.endsWith('.analysis.md'));
    assert.ok(analysis, `the partial answer is saved (${saved.join(', ')})`);
    const text = readFileSync(analysis, 'utf8');
    assert.match(text, /The first half/);
    assert.match(text, /\*\*\(partial: interrupted; the answer above is what arrived\)\*\*/);
    assert.doesNotMatch(text, /never the rest/);
    assert.match(r.stderr, new RegExp(`^error: analysis interrupted; the partial answer is saved in .*${path.basename(analysis).replaceAll('.', '\\.')}; the flame graphs are saved$`, 'm'));
    assert.match(r.stderr, ARTIFACTS_HINT);
    assert.deepEqual(leftovers(env.out), []);
  });

  it('SIGTERM during `analyze` saves the partial answer beside the input and exits 143', async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'squirrly-analyze-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const input = path.join(dir, 'tm-1_ITIMER_2026-01-01_00_00_00.html');
    copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'flamegraphs', 'real-flink1.20-ITIMER.html'), input);
    const ai = await startOpenAIServer({ fallback: { kind: 'stream', pieces: ['## Verdict\nSo far ', 'and no further'], stallAfter: 1 } });
    t.after(() => ai.close());
    let sent = false;
    const r = await runCli(['analyze', input, '--base-url', ai.baseUrl], {
      env: { OPENAI_API_KEY: KEY },
      timeoutMs: 45_000,
      onSpawn: (child) => {
        child.stdout!.on('data', (d: Buffer) => {
          if (!sent && d.toString().includes('So far')) {
            sent = true;
            child.kill('SIGTERM');
          }
        });
      },
    });
    assert.ok(sent);
    assert.equal(r.code, 143, r.stderr);
    const analysis = path.join(dir, 'tm-1_ITIMER_2026-01-01_00_00_00.analysis.md');
    assert.match(readFileSync(analysis, 'utf8'), /So far\n\n\*\*\(partial: interrupted; the answer above is what arrived\)/);
    assert.match(r.stderr, /^error: analysis interrupted; the partial answer is saved in /m);
    assert.deepEqual(leftovers(dir), []);
  });
});
