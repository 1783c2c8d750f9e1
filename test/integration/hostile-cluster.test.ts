// A cluster (and a model endpoint) that tries to attack the terminal, leak the key or clobber
// files: escape sequences in Flink errors, TaskManager ids, CR status and file names; an endpoint
// that echoes the Authorization header. The real CLI in a child process against the simulator.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { startScenario as startSimScenario, type Scenario } from '../sim/scenario.ts';
import type { ScenarioSpec } from '../sim/types.ts';
import { pluginCommand, runCli, runCommand, type CliOptions, type CliResult } from '../support/cli.ts';
import { startOpenAIServer } from '../support/openai-server.ts';

/** Retitles the window, clears the screen, rewrites the line, opens a CSI by C1, reverses text. */
const PAYLOAD = '\u001b]0;owned\u0007\u001b[2J\r✔ saved fake\u009b31m\u202egnp.exe';
/** the payload's bytes that must never reach the screen raw */
const RAW_PIECES = ['\u001b]0;owned', '\u001b[2J', '\r✔ saved fake', '\u009b', '\u202e'];
const KEY = 'sk-hostile-0123456789abcdefghij';

interface Env {
  scenario: Scenario;
  out: string;
  run(args: string[], options?: CliOptions): Promise<CliResult>;
}

async function withScenario(spec: ScenarioSpec, t: { after(fn: () => Promise<void>): void }): Promise<Env> {
  const scenario = await startSimScenario({ clockSpeed: 20, ...spec });
  const out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-hostile-'));
  t.after(async () => {
    await scenario.stop();
    await rm(out, { recursive: true, force: true });
  });
  return { scenario, out, run: (args, options = {}) => runCli(args, { ...options, env: { KUBECONFIG: scenario.kubeconfigPath, ...options.env } }) };
}

const job = (taskManagers = 1): ScenarioSpec => ({ deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers }] });

function assertNoRawPayload(text: string, where: string): void {
  for (const piece of RAW_PIECES) assert.ok(!text.includes(piece), `${where} shows ${JSON.stringify(piece)} raw`);
}

function filesBelow(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort() : [];
}

describe('a hostile cluster cannot write to the terminal', () => {
  it('a Flink error text: escaped in the text output, exact in -o json', async (t) => {
    const env = await withScenario(job(), t);
    env.scenario.flink('sample-job')!.faults.add({ path: /\/profiler$/, method: 'POST', kind: { type: 'status', status: 500, body: JSON.stringify({ errors: [PAYLOAD] }) } });
    const text = await env.run(['profile', 'sample-job', '-d', '1', '--no-analysis', '--output-dir', env.out]);
    assert.equal(text.code, 1);
    assertNoRawPayload(text.stdout + text.stderr, 'profile');
    assert.match(text.stdout + text.stderr, /\\x1b\]0;owned\\x07\\x1b\[2J\\r✔ saved fake\\u009b31m\\u202egnp\.exe/);
    const json = await env.run(['profile', 'sample-job', '-d', '1', '--no-analysis', '-o', 'json', '--output-dir', env.out]);
    assertNoRawPayload(json.stdout + json.stderr, 'profile -o json');
    const doc = JSON.parse(json.stdout);
    assert.ok(doc.targets[0].message.includes(PAYLOAD), 'JSON keeps the exact text');
  });

  it('TaskManager ids from /taskmanagers: escaped in progress lines and messages', async (t) => {
    const env = await withScenario(job(), t);
    const hostileId = `tm-1${PAYLOAD}`;
    env.scenario.flink('sample-job')!.faults.add({
      path: /^\/taskmanagers$/,
      method: 'GET',
      kind: { type: 'status', status: 200, body: JSON.stringify({ taskmanagers: [{ id: hostileId, path: 'pekko.tcp://flink@10.0.0.9:6122/user/rpc/taskmanager_0', dataPort: 1, jmxPort: -1, timeSinceLastHeartbeat: 0, slotsNumber: 1, freeSlots: 0 }] }) },
    });
    const r = await env.run(['profile', 'sample-job', '-d', '1', '--no-analysis', '--progress', 'plain', '--output-dir', env.out]);
    assertNoRawPayload(r.stdout + r.stderr, 'profile');
    assert.match(r.stdout + r.stderr, /tm-1\\x1b\]0;owned/);
  });

  it('a FlinkDeployment status message from the operator', async (t) => {
    const env = await withScenario(job(), t);
    env.scenario.updateDeployment('squirrly', 'sample-job', (d) => {
      const status = (d as { status: Record<string, unknown> }).status;
      status.jobManagerDeploymentStatus = 'ERROR';
      status.error = PAYLOAD;
    });
    const r = await env.run(['profile', 'sample-job', '-d', '1', '--output-dir', env.out]);
    assert.equal(r.code, 1);
    assertNoRawPayload(r.stderr, 'the error');
    assert.match(r.stderr, /operator: \\x1b\]0;owned/);
    const doctor = await env.run(['doctor', 'sample-job']);
    assertNoRawPayload(doctor.stdout + doctor.stderr, 'doctor');
  });

  it('file names with C1 or bidi controls, or too long for the temp name, are refused before any download', async (t) => {
    for (const [name, why] of [
      ['tm\u009b2J_ITIMER_2026-01-01_00_00_00.html', /a C1 control character \(\\u009b\)/],
      ['evil\u202elmth.exe_ITIMER.html', /a bidi control \(\\u202e\)/],
      [`${'a'.repeat(240)}.html`, /245 bytes long; at most 220/],
    ] as const) {
      const env = await withScenario(job(), t);
      const flink = env.scenario.flink('sample-job')!;
      flink.faults.add({ path: /profiler/, kind: { type: 'outputFile', name } });
      const r = await env.run(['profile', 'sample-job', '-d', '1', '--no-analysis', '--output-dir', env.out]);
      assert.equal(r.code, 1, r.stderr);
      assertNoRawPayload(r.stdout + r.stderr, 'profile');
      assert.match(r.stdout + r.stderr, why);
      assert.match(r.stdout + r.stderr, /refusing the file name "/);
      assert.deepEqual(filesBelow(env.out), []);
      assert.equal(flink.requests.filter((q) => q.method === 'GET' && /\/profiler\/.+/.test(q.path)).length, 0, 'nothing was downloaded');
    }
  });

  it('a deployment name of 100,000 characters never reaches the API server', async (t) => {
    const env = await withScenario(job(), t);
    const before = env.scenario.requests.length;
    const r = await env.run(['profile', 'a'.repeat(100_000), '--output-dir', env.out]);
    assert.equal(r.code, 2);
    assert.ok(r.stderr.length < 400, `one short line (${r.stderr.length} bytes)`);
    assert.match(r.stderr, /100000 characters, at most 253/);
    assert.equal(env.scenario.requests.length, before);
    for (const flags of [['--duration', '0x10'], ['--duration', '1e3'], ['--duration', ' 5'], ['--output-dir', '']]) {
      const bad = await env.run(['profile', 'sample-job', ...flags]);
      assert.equal(bad.code, 2, `${flags.join(' ')}: ${bad.stderr}`);
    }
    assert.equal(env.scenario.requests.length, before);
  });
});

describe('files are never lost to a name', () => {
  it('two TaskManagers reporting one file name keep both, and the output says so', async (t) => {
    const env = await withScenario(job(2), t);
    env.scenario.flink('sample-job')!.faults.add({ path: /profiler/, kind: { type: 'outputFile', name: 'same_ITIMER_2026-01-01_00_00_00.html' } });
    const r = await env.run(['profile', 'sample-job', '-d', '1', '--no-analysis', '-o', 'json', '--output-dir', env.out]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    const names = doc.targets.map((tgt: { file: string }) => path.basename(tgt.file)).sort();
    assert.deepEqual(names, ['same_ITIMER_2026-01-01_00_00_00-1.html', 'same_ITIMER_2026-01-01_00_00_00.html']);
    assert.deepEqual(doc.targets.map((tgt: { existing: string | null }) => tgt.existing).sort(), ['kept-both', null].sort());
    const dir = path.join(env.out, 'squirrly', 'sample-job');
    assert.notDeepEqual(readFileSync(path.join(dir, names[0]!)), readFileSync(path.join(dir, names[1]!)), 'each TaskManager has its own profile');
  });

  it('an existing different artifact is kept and the download goes beside it; a symlink at the name is not followed', async (t) => {
    const env = await withScenario(job(1), t);
    const first = await env.run(['profile', 'sample-job', '-d', '1', '--no-analysis', '-o', 'json', '--output-dir', env.out]);
    assert.equal(first.code, 0, first.stderr);
    const saved = JSON.parse(first.stdout).targets[0].file as string;
    const original = readFileSync(saved);
    writeFileSync(saved, 'edited by the user');
    const victim = path.join(env.out, 'victim.txt');
    writeFileSync(victim, 'precious');
    const again = await env.run(['artifacts', 'sample-job', '--all', '--output-dir', env.out]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /the name was taken by a different file; both kept/);
    assert.equal(readFileSync(saved, 'utf8'), 'edited by the user');
    const copy = saved.replace(/\.html$/, '-1.html');
    assert.deepEqual(readFileSync(copy), original);
    // the collapsed stacks beside it: a planted link is replaced, its target untouched
    mkdirSync(path.dirname(saved), { recursive: true });
    const collapsed = copy.replace(/\.html$/, '.collapsed');
    const { symlinkSync } = await import('node:fs');
    symlinkSync(victim, collapsed);
    const analysed = await env.run(['analyze', copy, '--provider', 'builtin']);
    assert.equal(analysed.code, 0, analysed.stderr);
    assert.equal(readFileSync(victim, 'utf8'), 'precious');
    assert.match(readFileSync(collapsed, 'utf8'), / \d+\n/);
  });
});

describe('a hostile model endpoint', () => {
  it('echoing the Authorization header (split across chunks) puts the key neither on stdout nor on disk', async (t) => {
    const server = await startOpenAIServer();
    t.after(() => server.close());
    const half = Math.floor(KEY.length / 2);
    server.fallback = { kind: 'stream', pieces: ['you sent: Bearer ', KEY.slice(0, half), KEY.slice(half), ` ${PAYLOAD}\nline two`] };
    const out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-hostile-model-'));
    t.after(() => rm(out, { recursive: true, force: true }));
    const input = path.join(out, 'tm-1_ITIMER_2026-01-01_00_00_00.html');
    writeFileSync(input, readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'flamegraphs', 'synthetic-v3-itimer.html')));
    const env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl };
    const r = await runCli(['analyze', input, '--provider', 'openai'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests[0]?.headers.authorization, `Bearer ${KEY}`, 'the key was sent to the endpoint');
    assert.match(r.stdout, /you sent: Bearer \[redacted\]/);
    assertNoRawPayload(r.stdout, 'the answer');
    const md = readFileSync(input.replace(/\.html$/, '.analysis.md'), 'utf8');
    assert.match(md, /you sent: Bearer \[redacted\] \\x1b\]0;owned/);
    assert.match(md, /\nline two/);
    for (const text of [r.stdout, r.stderr, md]) assert.ok(!text.includes(KEY) && !text.includes(KEY.slice(half)), 'no part of the key');
    const json = await runCli(['analyze', input, '--provider', 'openai', '-o', 'json'], { env });
    assert.ok(!json.stdout.includes(KEY.slice(half)));
    const progress = await runCli(['analyze', input, '--provider', 'openai', '--progress', 'json'], { env });
    assert.ok(!(progress.stdout + progress.stderr).includes(KEY.slice(half)));
  });

  it('credentials in --base-url are never shown', async (t) => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-hostile-url-'));
    t.after(() => rm(out, { recursive: true, force: true }));
    const input = path.join(out, 'tm-1_ITIMER_2026-01-01_00_00_00.html');
    writeFileSync(input, readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'flamegraphs', 'synthetic-v3-itimer.html')));
    const r = await runCli(['analyze', input, '--provider', 'openai', '--base-url', 'http://alice:s3cr3t-passw0rd@127.0.0.1:9/v1'], { env: { OPENAI_API_KEY: KEY } });
    assert.equal(r.code, 3);
    const md = readFileSync(input.replace(/\.html$/, '.analysis.md'), 'utf8');
    for (const text of [r.stdout, r.stderr, md]) {
      assert.ok(!text.includes('s3cr3t-passw0rd'), text);
      assert.ok(!text.includes(KEY));
    }
    assert.match(r.stderr, /127\.0\.0\.1:9/);
  });
});

describe('under a pseudo-terminal', () => {
  it('no escape sequence from the cluster or the model reaches the screen; the plugin keeps its colours', async (t) => {
    if (!existsSync('/usr/bin/script')) return t.skip('util-linux script(1) is not installed');
    const env = await withScenario({ ...job(2), clockSpeed: 5 }, t);
    const flink = env.scenario.flink('sample-job')!;
    // one TaskManager fails with a hostile error; the other's profile is analysed by a hostile model
    flink.faults.add({ path: /taskmanagers\/[^/]+-1\/profiler$/, method: 'POST', times: 1, kind: { type: 'status', status: 500, body: JSON.stringify({ errors: [PAYLOAD] }) } });
    const server = await startOpenAIServer();
    t.after(() => server.close());
    server.fallback = { kind: 'stream', pieces: ['## Verdict\n', `echo ${KEY.slice(0, 7)}`, `${KEY.slice(7)} ${PAYLOAD}`, '\nend'] };
    const { command, args } = pluginCommand();
    const line = [command, ...args, 'profile', 'sample-job', '-d', '2', '--provider', 'openai', '--output-dir', env.out].map((w) => `'${w}'`).join(' ');
    const r = await runCommand('script', ['-q', '-f', '-e', '-c', `stty cols 120 rows 40; ${line}`, '/dev/null'], {
      KUBECONFIG: env.scenario.kubeconfigPath,
      TERM: 'xterm-256color',
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: server.baseUrl,
    });
    const screen = r.stdout;
    assertNoRawPayload(screen, 'the terminal');
    assert.ok(!screen.includes(KEY.slice(7)), 'no part of the key');
    assert.match(screen, /\\x1b\]0;owned/, 'the payload is shown, escaped');
    assert.match(screen, /\u001b\[3\dm/, "the plugin's own colours are there");
    const words = screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
    assert.match(words, /echo \[redacted\] \\x1b\]0;owned/, words.slice(-1500));
    // the spinner is gone once the answer streams: nothing redraws over its lines
    assert.doesNotMatch(screen.slice(screen.indexOf('## Verdict')), /\u001b\[1A/);
  });
});
