// `profile --every` end to end against the simulated cluster: the real CLI in a child process
// runs a series of whole single runs. Checks what each run saves, the NDJSON lines, skipped slots
// (a run longer than --every, a TaskManager Flink says is busy), a failed run in the middle, the
// trend between runs whose flame graphs really differ, real signals between and during runs, and
// the flag combinations refused before anything runs. The simulated profiler runs 20 times faster
// than real time; the schedule itself runs on the real clock, so --every is a few seconds.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { startScenario, type Scenario } from '../sim/scenario.ts';
import { pluginCommand, repoRoot, runCli, runCommand, type CliResult } from '../support/cli.ts';

/**
 * -d 1 needs --every 6s at least (1 s of profiling and the 5 s margin); 10 s leaves a run room on a
 * loaded machine, so no slot is skipped unless a test makes a run long
 */
const EVERY = ['-d', '1', '--every', '10s'];
const FLAME_GRAPH = /\/profiler\/.+\.html$/;
const KRYO = path.join(repoRoot, 'test', 'fixtures', 'diagnosis', 'kryo-record');
const KRYO_FIXED = path.join(repoRoot, 'test', 'fixtures', 'diagnosis', 'kryo-record-fixed');

interface Env {
  scenario: Scenario;
  out: string;
  dir: string;
  /** runs profile; `onOutput` sees the output so far after each chunk and may act on the child */
  profile(args: string[], onOutput?: (seen: string, child: import('node:child_process').ChildProcess) => void): Promise<CliResult>;
}

async function withScenario(t: { after(fn: () => Promise<void>): void }): Promise<Env> {
  const scenario = await startScenario({ clockSpeed: 20, deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 1 }] });
  const out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-series-'));
  t.after(async () => {
    await scenario.stop();
    await rm(out, { recursive: true, force: true });
  });
  return {
    scenario,
    out,
    dir: path.join(out, 'squirrly', 'sample-job'),
    profile(args, onOutput) {
      let seen = '';
      return runCli(['profile', 'sample-job', '--output-dir', out, ...args], {
        env: { KUBECONFIG: scenario.kubeconfigPath },
        timeoutMs: 90_000,
        onSpawn: (child) => {
          const watch = (d: Buffer): void => {
            seen += d.toString();
            onOutput?.(seen, child);
          };
          child.stdout!.on('data', watch);
          child.stderr!.on('data', watch);
        },
      });
    },
  };
}

function flameGraphs(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.html')).sort() : [];
}

function reports(dir: string): string[] {
  const folder = path.join(dir, 'reports');
  return existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.html')) : [];
}

interface SeriesLine {
  series: { run: number; slot: number; slots: number; everySeconds: number; due: string };
  trend: null | { first: { against: { run: number }; rateChangePercent: number | null; categories: Array<{ key: string; basePercent: number; newPercent: number }>; appeared: Array<{ id: string }>; gone: Array<{ id: string }> }; previous?: { against: { run: number } } };
  error: null | { message: string };
  targets: Array<{ status: string; file: string }>;
  jobMetrics: string | null;
  report: string | null;
  analysis: unknown;
}

function lines(stdout: string): SeriesLine[] {
  return stdout.trim().split('\n').map((line) => JSON.parse(line) as SeriesLine);
}

function page(folder: string): string {
  return readFileSync(path.join(folder, readdirSync(folder).find((f) => f.endsWith('.html'))!), 'utf8');
}

describe('profile --every', () => {
  it('--count 3 saves three whole runs and writes one JSON line per run, each with its position and trend', async (t) => {
    const env = await withScenario(t);
    const r = await env.profile([...EVERY, '--count', '3', '--provider', 'builtin', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const docs = lines(r.stdout);
    assert.equal(docs.length, 3);
    assert.deepEqual(docs.map((d) => [d.series.run, d.series.slot, d.series.slots, d.series.everySeconds]), [[1, 1, 3, 10], [2, 2, 3, 10], [3, 3, 3, 10]]);
    // fixed rate from the first start
    const due = docs.map((d) => Date.parse(d.series.due));
    assert.deepEqual([due[1]! - due[0]!, due[2]! - due[0]!], [10_000, 20_000]);
    // each line is a whole single run's document: its flame graph, job metrics, analysis and report
    const files = new Set<string>();
    for (const d of docs) {
      assert.equal(d.error, null);
      assert.equal(d.targets.length, 1);
      assert.equal(d.targets[0]!.status, 'saved');
      assert.ok(existsSync(d.targets[0]!.file));
      files.add(d.targets[0]!.file);
      assert.ok(d.jobMetrics && existsSync(d.jobMetrics), 'job metrics per run');
      assert.ok(d.report && existsSync(d.report), 'a report per run');
      assert.ok(d.analysis !== null);
    }
    assert.equal(files.size, 3, 'three flame graphs, none overwritten');
    assert.equal(flameGraphs(env.dir).length, 3);
    assert.equal(readdirSync(env.dir).filter((f) => f.endsWith('.summary.json')).length, 3);
    assert.equal(reports(env.dir).length, 3);
    assert.equal(docs[0]!.trend, null);
    assert.equal(docs[1]!.trend!.first.against.run, 1);
    assert.equal(docs[1]!.trend!.previous, undefined, 'run 2: the previous run is the first');
    // the simulator writes the same profile each time: per target nothing moved, however long each
    // run's job-metrics window took
    assert.deepEqual([docs[1]!.trend!.first.rateChangePercent, docs[1]!.trend!.first.categories], [0, []]);
    assert.equal(docs[2]!.trend!.first.against.run, 1);
    assert.equal(docs[2]!.trend!.previous!.against.run, 2);
    assert.match(r.stderr, /series: run 3, slot 3 of 3/);
    assert.match(r.stderr, /series: next run \(slot 2 of 3\) at \d\d:\d\d:\d\d UTC/);
  });

  it('the trend names the category and the finding that changed between runs that differ', async (t) => {
    const env = await withScenario(t);
    const flink = env.scenario.flink('sample-job')!;
    // the first run records the Kryo fallback, the second the fixed job
    flink.faults.add({ path: /\/profiler$/, method: 'POST', times: 1, kind: { type: 'flameGraph', html: page(KRYO) } });
    flink.faults.add({ path: /\/profiler$/, method: 'POST', times: 1, kind: { type: 'flameGraph', html: page(KRYO_FIXED) } });
    const r = await env.profile([...EVERY, '-t', 'ITIMER', '--count', '2', '--provider', 'builtin']);
    assert.equal(r.code, 0, r.stderr);
    const trend = /^Trend\n {2}vs run 1 \(first and previous\): (.*)$/m.exec(r.stdout);
    assert.ok(trend, r.stdout);
    assert.match(trend[1]!, /serialization \d+\.\d% → \d+\.\d%/);
    assert.match(trend[1]!, /gone: [^;]*Kryo/i);
    // the share really fell
    const [, before, after] = /serialization (\d+\.\d)% → (\d+\.\d)%/.exec(trend[1]!)!;
    assert.ok(Number(before) > Number(after) + 5, trend[1]);
    assert.match(r.stdout, /── run 2, slot 2 of 2 ──/);
    assert.match(r.stdout, /Series: 2 run\(s\), 0 failed, 0 slot\(s\) skipped/);
  });

  it('a run longer than --every skips the slot it overlaps, with a line saying so, and the series goes on', async (t) => {
    const env = await withScenario(t);
    // the first download is held past the second slot
    env.scenario.flink('sample-job')!.faults.add({ path: FLAME_GRAPH, times: 1, kind: { type: 'delay', ms: 11_000 } });
    const r = await env.profile([...EVERY, '--count', '3', '--no-analysis', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /series: skipped slot 2 of 3 \(due \d\d:\d\d:\d\d UTC\): run 1 was still going/);
    const docs = lines(r.stdout);
    assert.deepEqual(docs.map((d) => [d.series.run, d.series.slot]), [[1, 1], [2, 3]]);
    assert.equal(flameGraphs(env.dir).length, 2);
  });

  it('a slot while Flink says the TaskManager is busy is skipped with Flink\'s reason, and the series ends cleanly', async (t) => {
    const env = await withScenario(t);
    const sim = env.scenario.flink('sample-job')!;
    let started = false;
    const r = await env.profile([...EVERY, '--count', '2', '--no-analysis'], (seen) => {
      if (started || !/series: next run \(slot 2/.test(seen)) return;
      started = true;
      // someone else's run, 250 simulated seconds: longer than the wait for slot 2
      void fetch(`${sim.url}/taskmanagers/sample-job-taskmanager-1-1/profiler`, { method: 'POST', body: JSON.stringify({ mode: 'WALL', duration: 250 }), headers: { 'content-type': 'application/json' } });
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /series: skipped slot 2 of 2 \(due [^)]*\): sample-job-taskmanager-1-1 is already being profiled \(WALL run/);
    assert.match(r.stdout, /Series: 1 run\(s\), 0 failed, 1 slot\(s\) skipped/);
    assert.equal(flameGraphs(env.dir).filter((f) => f.includes('_ITIMER_')).length, 1);
  });

  it('a failed run is one line, the series goes on, and the exit code says a run failed', async (t) => {
    const env = await withScenario(t);
    const flink = env.scenario.flink('sample-job')!;
    let armed = false;
    const r = await env.profile([...EVERY, '--count', '3', '--no-analysis', '-o', 'json'], (seen) => {
      if (armed || !/series: next run \(slot 2/.test(seen)) return;
      armed = true;
      // the second run's trigger is refused
      flink.faults.add({ path: /\/profiler$/, method: 'POST', times: 1, kind: { type: 'status', status: 400, body: '{"errors":["refused for the test"]}' } });
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /series: run 2 \(slot 2\) failed: no flame graph was saved/);
    const docs = lines(r.stdout);
    assert.deepEqual(docs.map((d) => [d.series.run, d.targets[0]!.status]), [[1, 'saved'], [2, 'failed'], [3, 'saved']]);
    assert.match(docs[1]!.error!.message, /^no flame graph was saved/);
    assert.deepEqual([docs[0]!.error, docs[2]!.error], [null, null]);
    assert.equal(flameGraphs(env.dir).length, 2);
    // run 3 is compared with run 1, the last run that saved flame graphs
    assert.equal(docs[2]!.trend!.first.against.run, 1);
  });

  it('a run that cannot start (the job stopped) is its own line and JSON line with the error, and the next run works', async (t) => {
    const env = await withScenario(t);
    const flink = env.scenario.flink('sample-job')!;
    let stopped = false;
    let restarted = false;
    const r = await env.profile([...EVERY, '--count', '3', '--no-analysis', '-o', 'json'], (seen) => {
      if (!stopped && /series: next run \(slot 2/.test(seen)) {
        stopped = true;
        flink.setJobState('FAILED');
      }
      if (!restarted && /series: next run \(slot 3/.test(seen)) {
        restarted = true;
        flink.setJobState('RUNNING');
      }
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /series: run 2 \(slot 2\) failed: Flink reports no RUNNING job on sample-job \(sample-job: FAILED\)/);
    const docs = lines(r.stdout);
    assert.deepEqual(docs.map((d) => d.series.slot), [1, 2, 3]);
    const failed = docs[1]! as SeriesLine & { deployment: string; namespace: string };
    assert.match(failed.error!.message, /no RUNNING job/);
    assert.deepEqual([failed.deployment, failed.namespace, failed.trend], ['sample-job', 'squirrly', null]);
    assert.equal(docs[2]!.targets[0]!.status, 'saved');
    assert.equal(flameGraphs(env.dir).length, 2);
  });

  it('--for runs the slots that start within it', async (t) => {
    const env = await withScenario(t);
    // slots at 0 s and 10 s start within 11 s; the next would be at 20 s
    const r = await env.profile([...EVERY, '--for', '11s', '--no-analysis', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout).map((d) => [d.series.run, d.series.slot, d.series.slots]), [[1, 1, 2], [2, 2, 2]]);
    assert.equal(flameGraphs(env.dir).length, 2);
  });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} between runs stops at once, keeps the saved run and exits ${code}`, async (t) => {
      const env = await withScenario(t);
      let sent = false;
      const r = await env.profile(['-d', '1', '--every', '10m', '--count', '3', '--no-analysis'], (seen, child) => {
        if (sent || !/series: next run/.test(seen)) return;
        sent = true;
        child.kill(signal);
      });
      assert.ok(sent);
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, /^error: interrupted between runs; 1 run\(s\) of the series done, their files are kept/m);
      assert.match(r.stderr, /^hint: look at the runs with: kubectl squirrly artifacts sample-job -n squirrly$/m);
      assert.equal(flameGraphs(env.dir).length, 1);
      assert.doesNotMatch(r.stderr, /series: run 2/);
    });
  }

  it('SIGTERM during the second run stops that run like a single profile and ends the series (143)', async (t) => {
    const env = await withScenario(t);
    // the second run's download is held until the signal ends it
    let sent = false;
    let held = false;
    const r = await env.profile([...EVERY, '--count', '3', '--no-analysis'], (seen, child) => {
      if (!held && /series: next run \(slot 2/.test(seen)) {
        held = true;
        env.scenario.flink('sample-job')!.faults.add({ path: FLAME_GRAPH, times: 1, kind: { type: 'trickle', bytes: 16, everyMs: 100 } });
      }
      if (sent || !/series: run 2[\s\S]*: downloading/.test(seen)) return;
      sent = true;
      child.kill('SIGTERM');
    });
    assert.ok(sent);
    assert.equal(r.code, 143, r.stderr);
    assert.match(r.stderr, /^error: interrupted; runs already triggered finish on their own in Flink/m);
    assert.match(r.stderr, /kubectl squirrly artifacts sample-job -n squirrly --latest/);
    assert.equal(flameGraphs(env.dir).length, 1, 'the first run is kept, the second left no partial file');
    assert.deepEqual(readdirSync(env.dir).filter((f) => f.startsWith('.')), []);
    assert.doesNotMatch(r.stderr, /series: run 3/);
  });

  it('on a terminal each run gets its spinner and its drawn analysis again', { skip: existsSync('/usr/bin/script') ? false : 'util-linux script(1) is not installed' }, async (t) => {
    const env = await withScenario(t);
    const { command, args } = pluginCommand();
    // four slots: on a loaded machine the drawn first run may overrun a slot or two, and the
    // second run is whichever slot comes next
    const line = [command, ...args, 'profile', 'sample-job', '--output-dir', env.out, ...EVERY, '--count', '4', '--provider', 'builtin'].map((w) => `'${w}'`).join(' ');
    const r = await runCommand('script', ['-q', '-f', '-e', '-c', `stty cols 100 rows 40; ${line}`, '/dev/null'], { TERM: 'xterm-256color', KUBECONFIG: env.scenario.kubeconfigPath });
    assert.equal(r.code, 0, r.stdout);
    const screen = r.stdout.replace(/\r/g, '');
    const secondRun = /series: run 2, slot \d of 4/.exec(screen);
    assert.ok(secondRun, screen);
    const second = screen.slice(secondRun.index, screen.search(/series: run 3|Series: /));
    // the first run's answer stopped the spinner: the second run starts it again (ora's dots)
    const words = second.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
    assert.match(words, /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] reading FlinkDeployment sample-job/);
    assert.match(words, /Analysis \(builtin\)[\s\S]*Trend\n {2}vs run 1 \(first and previous\)/);
    assert.ok(flameGraphs(env.dir).length >= 2);
  });

  it('without --every, -o json is still one pretty document without series fields', async (t) => {
    const env = await withScenario(t);
    const r = await env.profile(['-d', '1', '--no-analysis', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.trim().split('\n').length > 1, 'indented as before');
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal('series' in doc, false);
    assert.equal('trend' in doc, false);
    assert.equal('error' in doc, false);
  });
});

describe('profile --every refuses what cannot work, before any call (exit 2)', () => {
  const cases: Array<[string, string[], RegExp, RegExp]> = [
    ['--every alone', ['--every', '10m'], /--every needs --count N or --for DURATION/, /--every 10m --count 6/],
    ['--count and --for', ['--every', '10m', '--count', '2', '--for', '1h'], /--count and --for both bound the series; give one of them/, /--every 10m --count 6/],
    ['--count without --every', ['--count', '2'], /--count needs --every/, /--every 10m/],
    ['--for without --every', ['--for', '1h'], /--for needs --every/, /--every 10m/],
    ['--every shorter than a run', ['-d', '30', '--every', '20s', '--count', '2'], /--every 20s is shorter than a run: each profiles for --duration 30s and needs about 5s more/, /use --every 35s or longer, or a shorter --duration/],
    ['--every not a duration', ['--every', '10x', '--count', '2'], /--every must be a duration of at least 1s, got "10x"/, /--every 10m/],
    ['--count zero', ['--every', '10m', '--count', '0'], /--count must be a whole number of at least 1, got "0"/, /--count 6/],
  ];
  for (const [name, args, message, hint] of cases) {
    it(name, async () => {
      // no cluster at all: the check comes before the kubeconfig is even read
      const r = await runCli(['profile', 'sample-job', ...args], { env: { KUBECONFIG: '/nonexistent/kubeconfig' } });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, hint);
      assert.equal(r.stdout, '');
    });
  }
});
