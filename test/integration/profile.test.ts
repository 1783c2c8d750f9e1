// `kubectl squirrly profile` end to end against the simulated cluster: the real CLI in a child
// process, real client-node over HTTPS/WebSocket, the Flink REST simulator behind the port-forward.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ScenarioSpec } from '../sim/types.ts';
import { startScenario, type TestScenario as Scenario } from '../support/cluster.ts';
import { pluginCommand, repoRoot, runCli, runCommand, type CliOptions, type CliResult } from '../support/cli.ts';

const FAST = 20; // simulated profiler clock speed-up

interface Env {
  scenario: Scenario;
  out: string;
  profile(args: string[], options?: CliOptions): Promise<CliResult>;
  cleanup(): Promise<void>;
}

/** A scenario plus an output dir. Inside a test the cleanup is registered on it; a suite calls cleanup itself. */
async function withScenario(spec: ScenarioSpec, t?: { after(fn: () => Promise<void>): void }): Promise<Env> {
  const scenario = await startScenario({ clockSpeed: FAST, ...spec });
  const out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-out-'));
  const cleanup = async (): Promise<void> => {
    await scenario.stop();
    await rm(out, { recursive: true, force: true });
  };
  t?.after(cleanup);
  return {
    scenario,
    out,
    cleanup,
    profile: (args, options = {}) =>
      runCli(['profile', ...args, '--output-dir', out], { ...options, env: { KUBECONFIG: scenario.kubeconfigPath, ...options.env } }),
  };
}

const sampleJob = (extra: Partial<NonNullable<ScenarioSpec['deployments']>[number]> = {}): ScenarioSpec => ({
  deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 2, ...extra }],
});

/** The opener runs detached, so its effect may land just after the plugin exits. */
async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function htmlFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.html')) : [];
}

/** every file below dir, to prove nothing landed elsewhere */
function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('profile on a healthy deployment', () => {
  let env: Env;
  before(async () => {
    env = await withScenario(sampleJob());
  });
  after(() => env.cleanup());

  it('saves one flame graph per TaskManager and exits 0 (ALLOC, 2 s)', async () => {
    const r = await env.profile(['sample-job', '--type', 'ALLOC', '--duration', '2']);
    assert.equal(r.code, 0, r.stderr);
    const dir = path.join(env.out, 'squirrly', 'sample-job');
    const files = htmlFiles(dir);
    const tms = env.scenario.pods('squirrly').filter((p) => p.labels.component === 'taskmanager').map((p) => p.name).sort();
    assert.deepEqual(files.map((f) => f.split('_ALLOC_')[0]).sort(), tms);
    for (const f of files) {
      assert.match(f, /^sample-job-taskmanager-1-\d_ALLOC_\d{4}-\d{2}-\d{2}_\d{2}_\d{2}_\d{2}\.html$/);
      assert.match(readFileSync(path.join(dir, f), 'utf8'), /f\(0,0,\d+,3,'all'\)/);
    }
    assert.match(r.stdout, /ALLOC profile of sample-job \(2s, 2\/2 saved\)/);
    assert.match(r.stdout, /kubectl squirrly artifacts sample-job -n squirrly/);
    // plain timestamped progress on stderr when not a TTY
    assert.match(r.stderr, /^\d{2}:\d{2}:\d{2} /m);
    assert.doesNotMatch(r.stderr, /\u001b\[/);
  });

  it('-o json leaves exactly one JSON document on stdout', async () => {
    const r = await env.profile(['sample-job', '-t', 'itimer', '-d', '1', '-o', 'json', '--taskmanager', 'sample-job-taskmanager-1-1']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.deployment, 'sample-job');
    assert.equal(doc.mode, 'ITIMER');
    assert.equal(doc.targets.length, 1);
    assert.equal(doc.targets[0].target, 'sample-job-taskmanager-1-1');
    assert.equal(doc.targets[0].status, 'saved');
    assert.equal(doc.targets[0].via, 'rest');
    assert.ok(existsSync(doc.targets[0].file));
  });

  it('--progress json writes one event per stderr line, in workflow order', async () => {
    const r = await env.profile(['sample-job', '-d', '1', '--provider', 'builtin', '--progress', 'json', '--taskmanager', 'sample-job-taskmanager-1-2']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.trim().split('\n');
    const events = lines.map((line) => JSON.parse(line) as { type: string; time: string; state?: string; label?: string });
    for (const e of events) assert.ok(!Number.isNaN(Date.parse(e.time)), `a time on ${JSON.stringify(e)}`);
    const order = (match: (e: (typeof events)[number]) => boolean): number => events.findIndex(match);
    const plan = order((e) => e.type === 'plan');
    const running = order((e) => e.type === 'target' && e.state === 'running');
    const saved = order((e) => e.type === 'saved' && e.label === 'sample-job-taskmanager-1-2');
    const provider = order((e) => e.type === 'provider');
    assert.ok(plan >= 0 && plan < running && running < saved && saved < provider, events.map((e) => e.type).join(' '));
    // the answer stays on stdout
    assert.match(r.stdout, /Analysis \(builtin\)/);
  });

  it('--open hands the run\'s report to the desktop opener', async () => {
    const bin = path.join(env.out, 'fake-bin');
    const log = path.join(env.out, 'opened.log');
    mkdirSync(bin);
    // A stand-in for xdg-open: records what it was asked to open.
    writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\necho "$1" >> '${log}'\n`, { mode: 0o755 });
    const r = await env.profile(['sample-job', '-d', '1', '--no-analysis', '--open', '-o', 'json'], { env: { PATH: [bin, path.join(repoRoot, 'node_modules', '.bin'), process.env.PATH].join(path.delimiter) } });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { report: string; targets: Array<{ file: string }> };
    assert.equal(path.dirname(doc.report), path.join(path.dirname(doc.targets[0]!.file), 'reports'));
    await waitFor(() => existsSync(log) && readFileSync(log, 'utf8').trim() !== '');
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), [doc.report]);
  });

  it('takes defaults from the old Job environment variables', async () => {
    const r = await env.profile(['-o', 'json', '--jobmanager'], { env: { FLINK_DEPLOYMENT_NAME: 'sample-job', PROFILER_TYPE: 'wall', PROFILER_DURATION: '1', NAMESPACE: 'squirrly' } });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.mode, 'WALL');
    assert.equal(doc.duration, 1);
    assert.deepEqual(doc.targets.map((t: { target: string }) => t.target), ['JobManager']);
  });

  it('an unknown TaskManager lists the known ones (exit 2)', async () => {
    const r = await env.profile(['sample-job', '--taskmanager', 'nope', '-d', '1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown TaskManager "nope"/);
    assert.match(r.stderr, /known TaskManagers: sample-job-taskmanager-1-1, sample-job-taskmanager-1-2/);
  });

  it('an unknown deployment lists the ones that exist', async () => {
    const r = await env.profile(['nope-job', '-d', '1']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /FlinkDeployment "nope-job" not found in namespace "squirrly"/);
    assert.match(r.stderr, /FlinkDeployments in "squirrly": sample-job/);
  });

  it('an unknown namespace is named', async () => {
    const r = await env.profile(['sample-job', '-n', 'nowhere', '-d', '1']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /namespace "nowhere" does not exist/);
  });

  it('an unknown context lists the known ones (exit 2)', async () => {
    const r = await env.profile(['sample-job', '--context', 'prod']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /context "prod" does not exist.*\n.*known contexts: squirrly-sim/);
  });

  it('bad flags: unknown type, duration out of range, unknown flag — exit 2 before anything is triggered', async () => {
    const before = env.scenario.flink('sample-job')!.requests.filter((q) => q.method === 'POST').length;
    const type = await env.profile(['sample-job', '--type', 'memory']);
    assert.equal(type.code, 2);
    assert.match(type.stderr, /unknown profiling type "memory".*\n.*CPU, ITIMER, ALLOC, LOCK, WALL/);
    const long = await env.profile(['sample-job', '--duration', '301']);
    assert.equal(long.code, 2);
    assert.match(long.stderr, /--duration 301 is out of range: Flink accepts 1 to 300 seconds/);
    const flag = await env.profile(['sample-job', '--bogus']);
    assert.equal(flag.code, 2);
    assert.equal(env.scenario.flink('sample-job')!.requests.filter((q) => q.method === 'POST').length, before);
  });

  it('refuses a TaskManager that is already being profiled, saying until when', async () => {
    const sim = env.scenario.flink('sample-job')!;
    const res = await fetch(`${sim.url}/taskmanagers/sample-job-taskmanager-1-2/profiler`, { method: 'POST', body: JSON.stringify({ mode: 'WALL', duration: 200 }), headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 200);
    const r = await env.profile(['sample-job', '-d', '1']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /sample-job-taskmanager-1-2 is already being profiled \(WALL run since \d\d:\d\d:\d\d UTC, until about \d\d:\d\d:\d\d UTC\)/);
    assert.match(r.stderr, /kubectl squirrly artifacts sample-job -n squirrly --latest/);
  });
});

describe('profile explains deployments it cannot profile', () => {
  const cases: Array<[string, ScenarioSpec, RegExp, RegExp]> = [
    ['JobManager not ready', sampleJob({ jobManagerStatus: 'DEPLOYING' }), /JobManager of sample-job is not ready: jobManagerDeploymentStatus is DEPLOYING/, /kubectl get flinkdeployment sample-job -n squirrly -w/],
    ['job not running', sampleJob({ jobState: 'FAILED' }), /job of sample-job is not running \(state FAILED\)/, /jobStatus/],
    ['Flink older than 1.19', sampleJob({ flinkVersion: '1.18.1' }), /runs Flink 1\.18\.1; the profiler REST API needs Flink 1\.19/, /upgrade/],
    ['profiling disabled', sampleJob({ profiling: false }), /profiling is not enabled on sample-job/, /kubectl patch flinkdeployment sample-job -n squirrly --type merge -p '\{"spec":\{"flinkConfiguration":\{"rest.profiling.enabled":"true"\}\}\}'/],
  ];
  for (const [name, spec, message, hint] of cases) {
    it(name, async (t) => {
      const env = await withScenario(spec, t);
      const r = await env.profile(['sample-job', '-d', '1']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, hint);
      assert.equal(r.stderr.trim().split('\n').filter((l) => l.startsWith('error:')).length, 1);
    });
  }

  it('CPU without perf events fails at once and suggests ITIMER', async (t) => {
    const env = await withScenario(sampleJob({ failingModes: ['CPU'] }), t);
    const r = await env.profile(['sample-job', '--type', 'CPU', '-d', '1']);
    assert.equal(r.code, 1);
    assert.match(r.stdout + r.stderr, /No access to perf events/);
    assert.match(r.stderr, /use --type ITIMER/);
  });
});

describe('profile against an unhealthy cluster', () => {
  it('401: says the credentials were rejected', async (t) => {
    const env = await withScenario(sampleJob(), t);
    const bad = path.join(env.out, 'bad-token.yaml');
    writeFileSync(bad, readFileSync(env.scenario.kubeconfigPath, 'utf8').replace(env.scenario.token, 'expired-token'));
    const r = await runCli(['profile', 'sample-job', '-d', '1', '--kubeconfig', bad]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /rejected your credentials \(401 Unauthorized\)/);
    assert.ok(!r.stderr.includes('expired-token'), 'the token never appears in output');
  });

  it('403: names the missing permission', async (t) => {
    const env = await withScenario({ ...sampleJob(), rbac: [{ apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list'] }] }, t);
    const r = await env.profile(['sample-job', '-d', '1']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /permission denied: you may not get flinkdeployments in namespace "squirrly"/);
    assert.match(r.stderr, /rbac\.yaml/);
  });

  it('missing and malformed kubeconfig', async (t) => {
    const missing = await runCli(['profile', 'sample-job', '--kubeconfig', '/nonexistent/config']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /kubeconfig file \/nonexistent\/config does not exist/);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'squirrly-kc-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const bad = path.join(dir, 'config');
    writeFileSync(bad, 'apiVersion: v1\nclusters: [ {');
    const malformed = await runCli(['profile', 'sample-job', '--kubeconfig', bad]);
    assert.equal(malformed.code, 1);
    assert.match(malformed.stderr, /is not valid/);
  });

  it('an API server that never answers times out instead of hanging', async (t) => {
    const env = await withScenario(sampleJob(), t);
    const silent = net.createServer((socket) => socket.resume()); // reads, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const port = (silent.address() as net.AddressInfo).port;
    const cfg = path.join(env.out, 'silent.yaml');
    writeFileSync(cfg, readFileSync(env.scenario.kubeconfigPath, 'utf8').replace(env.scenario.server, `https://127.0.0.1:${port}`));
    const r = await runCli(['profile', 'sample-job', '-d', '1', '--kubeconfig', cfg, '--request-timeout', '2s'], { timeoutMs: 60_000 });
    assert.equal(r.signal, null, 'exited by itself');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /timed out after 2s/);
  });

  it('an API server that is down is reported with the address', async (t) => {
    const env = await withScenario(sampleJob(), t);
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const cfg = path.join(env.out, 'down.yaml');
    writeFileSync(cfg, readFileSync(env.scenario.kubeconfigPath, 'utf8').replace(env.scenario.server, `https://127.0.0.1:${port}`));
    const r = await runCli(['profile', 'sample-job', '-d', '1', '--kubeconfig', cfg]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`cannot reach the API server at https://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  });
});

describe('profile survives Flink REST faults', () => {
  it('retries a 5xx on an idempotent GET', async (t) => {
    const env = await withScenario(sampleJob(), t);
    env.scenario.flink('sample-job')!.faults.add({ path: '/taskmanagers', method: 'GET', times: 2, kind: { type: 'status', status: 503 } });
    const r = await env.profile(['sample-job', '-d', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(htmlFiles(path.join(env.out, 'squirrly', 'sample-job')).length, 2);
  });

  it('a download cut midway is retried and leaves no partial file', async (t) => {
    const env = await withScenario(sampleJob({ taskManagers: 1 }), t);
    env.scenario.flink('sample-job')!.faults.add({ path: /\/profiler\/.+\.html$/, times: 1, kind: { type: 'truncate', bytes: 100 } });
    const r = await env.profile(['sample-job', '-d', '1', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /retrying download/);
    const all = allFiles(env.out);
    assert.equal(all.filter((f) => f.includes('.partial')).length, 0);
    const doc = JSON.parse(r.stdout);
    assert.equal(readFileSync(doc.targets[0].file).length, doc.targets[0].bytes);
  });

  it('when the REST download keeps failing, the file is read from the pod with exec', async (t) => {
    const env = await withScenario(sampleJob({ taskManagers: 1 }), t);
    env.scenario.flink('sample-job')!.faults.add({ path: /\/profiler\/.+\.html$/, kind: { type: 'drop' } });
    const r = await env.profile(['sample-job', '-d', '1', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.targets[0].via, 'exec');
    const name = path.basename(doc.targets[0].file);
    const inPod = readFileSync(path.join(env.scenario.podFsRoot('squirrly', 'sample-job-taskmanager-1-1'), 'tmp', name));
    assert.deepEqual(readFileSync(doc.targets[0].file), inPod);
  });

  it('a hostile outputFile from the server is refused and nothing is written outside the output dir', async (t) => {
    const env = await withScenario(sampleJob({ taskManagers: 1 }), t);
    env.scenario.flink('sample-job')!.faults.add({ path: /profiler/, kind: { type: 'outputFile', name: '../../escaped.html' } });
    const r = await env.profile(['sample-job', '-d', '1']);
    assert.equal(r.code, 1);
    assert.match(r.stdout + r.stderr, /refusing the file name "\.\.\/\.\.\/escaped\.html"/);
    assert.equal(existsSync(path.join(env.out, '..', 'escaped.html')), false);
    assert.deepEqual(allFiles(env.out), []);
  });
});

/** What a terminal would show, without colour and cursor control sequences. */
function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}

describe('on a terminal', () => {
  it('shows one spinner with the countdown and each target, then the result', async (t) => {
    if (!existsSync('/usr/bin/script')) return t.skip('util-linux script(1) is not installed');
    const env = await withScenario({ ...sampleJob(), clockSpeed: 1 }, t);
    const { command, args } = pluginCommand();
    const line = [command, ...args, 'profile', 'sample-job', '-d', '2', '--no-analysis', '--output-dir', env.out].map((w) => `'${w}'`).join(' ');
    // script(1) gives the plugin a pseudo-terminal, as a user's shell would; stty gives it a size.
    const r = await runCommand('script', ['-q', '-e', '-c', `stty cols 120 rows 40; ${line}`, '/dev/null'], { KUBECONFIG: env.scenario.kubeconfigPath, TERM: 'xterm' });
    assert.equal(r.code, 0, r.stdout.slice(-2000));
    const screen = stripAnsi(r.stdout);
    assert.match(r.stdout, /\u001b\[\?25l/, 'the spinner hides the cursor');
    assert.match(screen, /ITIMER for 2s │ \ds left │ ● sample-job-taskmanager-1-1  ● sample-job-taskmanager-1-2/);
    assert.match(screen, /ITIMER profile of sample-job \(2s, 2\/2 saved\)/);
    assert.doesNotMatch(screen, /^\d\d:\d\d:\d\d /m, 'no log lines on a terminal');
  });

  it('a terminal without a size gets plain lines instead of a spinner that cannot measure itself', async (t) => {
    if (!existsSync('/usr/bin/script')) return t.skip('util-linux script(1) is not installed');
    const env = await withScenario(sampleJob({ taskManagers: 1 }), t);
    const { command, args } = pluginCommand();
    const line = [command, ...args, 'profile', 'sample-job', '-d', '1', '--no-analysis', '--output-dir', env.out].map((w) => `'${w}'`).join(' ');
    const r = await runCommand('script', ['-q', '-e', '-c', `stty cols 0 rows 0; ${line}`, '/dev/null'], { KUBECONFIG: env.scenario.kubeconfigPath, TERM: 'xterm' }, 60_000);
    assert.equal(r.code, 0, r.stdout.slice(-2000));
    assert.match(stripAnsi(r.stdout), /^\d\d:\d\d:\d\d sample-job-taskmanager-1-1: saved/m);
    assert.doesNotMatch(r.stdout, /\u001b\[\?25l/, 'no spinner');
    assert.ok(r.stdout.length < 20_000, `bounded output (${r.stdout.length} bytes)`);
  });
});

describe('Ctrl-C', () => {
  it('stops waiting, exits 130 and prints the artifacts command', async (t) => {
    const env = await withScenario({ ...sampleJob(), clockSpeed: 1 }, t);
    let sent = false;
    const r = await env.profile(['sample-job', '-d', '60'], {
      onSpawn: (child) => {
        child.stderr!.on('data', (d: Buffer) => {
          if (!sent && /: running/.test(d.toString())) {
            sent = true;
            child.kill('SIGINT');
          }
        });
      },
    });
    assert.ok(sent, 'the run started');
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /interrupted/);
    assert.match(r.stderr, /kubectl squirrly artifacts sample-job -n squirrly --latest/);
  });
});

describe('through the real kubectl', () => {
  it('kubectl squirrly profile runs the plugin with the user kubeconfig', async (t) => {
    if (!process.env.CI && !existsSync('/usr/bin/kubectl')) return t.skip('kubectl is not installed');
    const env = await withScenario(sampleJob({ taskManagers: 1 }), t);
    const help = await runCli(['--help'], { viaKubectl: true });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^kubectl squirrly <command>/m);
    const r = await runCli(['profile', 'sample-job', '-d', '1', '--output-dir', env.out], { viaKubectl: true, env: { KUBECONFIG: env.scenario.kubeconfigPath } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(htmlFiles(path.join(env.out, 'squirrly', 'sample-job')).length, 1);
  });
});
