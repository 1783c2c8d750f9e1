// `profile` against a hostile or slow Flink REST API and a full or read-only disk: the real CLI in
// a child process against the simulated cluster, the faults staged by the Flink simulator and by
// real small file systems.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ScenarioSpec } from '../sim/types.ts';
import { startScenario, type Scenario } from '../sim/scenario.ts';
import { runCli, type CliResult } from '../support/cli.ts';
import { mountTinyDisk, NO_MOUNT } from '../support/tiny-disk.ts';

const FAST = 20; // simulated profiler clock speed-up

interface Env {
  scenario: Scenario;
  out: string;
  profile(args: string[], out?: string): Promise<CliResult>;
}

async function withScenario(t: { after(fn: () => Promise<void>): void }, spec: ScenarioSpec = { deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 1 }] }): Promise<Env> {
  const scenario = await startScenario({ clockSpeed: FAST, ...spec });
  const out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-out-'));
  t.after(async () => {
    await scenario.stop();
    await rm(out, { recursive: true, force: true });
  });
  return {
    scenario,
    out,
    profile: (args, dir = out) => runCli(['profile', 'sample-job', '-d', '1', '--no-analysis', '--output-dir', dir, ...args], { env: { KUBECONFIG: scenario.kubeconfigPath }, timeoutMs: 90_000 }),
  };
}

function files(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)) : [];
}

const execs = (scenario: Scenario): number => scenario.requests.filter((r) => r.path.endsWith('/exec')).length;
const triggers = (scenario: Scenario): number => scenario.flink('sample-job')!.requests.filter((r) => r.method === 'POST').length;
const FLAME_GRAPH = /\/profiler\/.+\.html$/;

describe('bounded reads from Flink', () => {
  it('an endless flame graph stops at --max-artifact-size with one line, and exec is not tried', async (t) => {
    const env = await withScenario(t);
    env.scenario.flink('sample-job')!.faults.add({ path: FLAME_GRAPH, kind: { type: 'endless' } });
    const r = await env.profile(['--max-artifact-size', '1Mi']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^error: no flame graph was saved: sample-job-taskmanager-1-1: \S+\.html from \S+ is larger than 1 MiB \(--max-artifact-size\); stopped there$/m);
    assert.match(r.stderr, /hint: if the flame graph is really that big, raise --max-artifact-size/);
    assert.equal(execs(env.scenario), 0, 'the same file is as big over exec');
    assert.deepEqual(files(env.out), [], 'no partial file is left');
  });

  it('the cap holds on the exec fallback too', async (t) => {
    const env = await withScenario(t);
    // REST never answers the file, so it comes from the pod with cat: 9.5 KB against a 4 KiB cap
    env.scenario.flink('sample-job')!.faults.add({ path: FLAME_GRAPH, kind: { type: 'drop' } });
    const r = await env.profile(['--max-artifact-size', '4Ki']);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(execs(env.scenario) > 0, 'exec was tried');
    assert.match(r.stderr, /^error: no flame graph was saved: sample-job-taskmanager-1-1: \S+\.html from \S+ is larger than 4 KiB \(--max-artifact-size\); stopped there$/m);
    assert.deepEqual(files(env.out), []);
  });

  it('a bad --max-artifact-size is a usage error before anything is called', async (t) => {
    const env = await withScenario(t);
    const r = await env.profile(['--max-artifact-size', '1 GB']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--max-artifact-size "1 GB" is not a size/);
    assert.equal(env.scenario.requests.length, 0);
  });

  it('a flame graph that takes longer than --request-timeout to transfer still comes over REST while it flows', async (t) => {
    const env = await withScenario(t);
    // 256 bytes every 100 ms: the whole file takes several times the 1 s deadline, no gap comes near it
    env.scenario.flink('sample-job')!.faults.add({ path: FLAME_GRAPH, kind: { type: 'trickle', bytes: 256, everyMs: 100 } });
    const r = await env.profile(['--request-timeout', '1s', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.targets[0].via, 'rest');
    assert.ok(doc.targets[0].bytes > 256 * 10 * 3, `the file (${doc.targets[0].bytes} bytes) took more than 3 s to come`);
  });

  it('a /config that trickles past the deadline is blamed on Flink, not on the tunnel', async (t) => {
    const env = await withScenario(t);
    env.scenario.flink('sample-job')!.faults.add({ path: '/config', kind: { type: 'trickle', bytes: 1, everyMs: 200 } });
    const r = await env.profile(['--request-timeout', '1s']);
    assert.equal(r.code, 1);
    const error = r.stderr.split('\n').filter((line) => /^(error|hint):/.test(line));
    assert.match(error[0] ?? '', /^error: Flink REST GET \/config answered, then its body stalled past the 1s deadline \(\d+ B arrived\)$/);
    assert.match(error[1] ?? '', /^hint: the JobManager answers too slowly/);
    assert.equal(triggers(env.scenario), 0);
  });

  it('an endless /taskmanagers answer fails naming the cap instead of filling memory', async (t) => {
    const env = await withScenario(t);
    env.scenario.flink('sample-job')!.faults.add({ path: '/taskmanagers', method: 'GET', kind: { type: 'endless' } });
    const r = await env.profile([]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: Flink REST GET \/taskmanagers answered more than 16 MiB, the cap for one JSON answer; refusing to read it$/m);
    assert.equal(triggers(env.scenario), 0);
  });
});

describe('disks', () => {
  it('a read-only output folder is refused before any run is triggered', async (t) => {
    const disk = mountTinyDisk({ sizeBytes: 1024 * 1024, readOnly: true });
    if (!disk) return t.skip(NO_MOUNT);
    t.after(() => disk.cleanup());
    const env = await withScenario(t);
    const r = await env.profile([], disk.dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^error: cannot write ${disk.dir}/squirrly/sample-job: the file system is read-only \\(EROFS\\)$`, 'm'));
    assert.match(r.stderr, /hint: pass --output-dir with a folder you can write to/);
    assert.equal(triggers(env.scenario), 0);
  });

  it('a disk that fills up during the download fails with one line, is not retried over exec, and leaves no partial file', async (t) => {
    // one page: room for the folder check, not for a flame graph
    const disk = mountTinyDisk({ sizeBytes: 4096 });
    if (!disk) return t.skip(NO_MOUNT);
    t.after(() => disk.cleanup());
    const env = await withScenario(t);
    const r = await env.profile([], disk.dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^error: no flame graph was saved: sample-job-taskmanager-1-1: cannot write ${disk.dir}/squirrly/sample-job: the disk is full \\(ENOSPC\\)$`, 'm'));
    assert.match(r.stderr, /hint: free some space there, or pass --output-dir on a disk with room/);
    assert.doesNotMatch(r.stderr, /retrying|unexpected failure/);
    assert.equal(execs(env.scenario), 0, 'exec would fill the same disk');
    assert.deepEqual(files(disk.dir), []);
  });

  it('a disk that fills up during the analysis exits 3: the flame graph stays, the error names the path', async (t) => {
    // 32 KiB: the simulator's flame graph (9.5 KB) and job metrics fit, its 48 KB summary does not
    const disk = mountTinyDisk({ sizeBytes: 32 * 1024 });
    if (!disk) return t.skip(NO_MOUNT);
    t.after(() => disk.cleanup());
    const env = await withScenario(t);
    const r = await runCli(['profile', 'sample-job', '-d', '1', '--provider', 'builtin', '--output-dir', disk.dir], { env: { KUBECONFIG: env.scenario.kubeconfigPath }, timeoutMs: 90_000 });
    assert.equal(r.code, 3, r.stderr);
    const dir = `${disk.dir}/squirrly/sample-job`;
    assert.match(r.stderr, new RegExp(`^error: the flame graphs are saved, but the analysis failed: cannot write ${dir}: the disk is full \\(ENOSPC\\)$`, 'm'));
    assert.match(r.stderr, /^hint: free some space there, or pass --output-dir on a disk with room$/m);
    const left = files(disk.dir).map((f) => path.basename(f));
    assert.equal(left.filter((f) => f.endsWith('.html')).length, 1);
    assert.deepEqual(left.filter((f) => f.startsWith('.')), [], 'no temp file is left');
  });

  it('artifacts refuses a read-only output folder before downloading, in one line', async (t) => {
    const disk = mountTinyDisk({ sizeBytes: 64 * 1024, readOnly: true });
    if (!disk) return t.skip(NO_MOUNT);
    t.after(() => disk.cleanup());
    const env = await withScenario(t);
    const first = await env.profile([]);
    assert.equal(first.code, 0, first.stderr);
    const downloads = (): number => env.scenario.flink('sample-job')!.requests.filter((q) => FLAME_GRAPH.test(q.path)).length;
    const before = downloads();
    const r = await runCli(['artifacts', 'sample-job', '--latest', '--output-dir', disk.dir], { env: { KUBECONFIG: env.scenario.kubeconfigPath }, timeoutMs: 90_000 });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^error: cannot write ${disk.dir}/squirrly/sample-job: the file system is read-only \\(EROFS\\)$`, 'm'));
    assert.equal(downloads(), before, 'nothing was downloaded');
  });
});
