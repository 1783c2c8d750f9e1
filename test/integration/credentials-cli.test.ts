// Credentials through the real CLI in a child process, as a user meets them: an interactive exec
// login on a pseudo-terminal (script(1)), a helper still running when the plugin is interrupted,
// doctor's credential line, kubectl's flags, and kubeconfig paths that are not files.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { allowEverything } from '../sim/kube/rbac.ts';
import { startScenario, type Scenario } from '../sim/scenario.ts';
import { pluginCommand, repoRoot, runCli } from '../support/cli.ts';
import { execKubeconfig, writeExecPlugin, type ExecUserOptions } from '../support/exec-plugin.ts';

const NS = 'squirrly';
const SPINNER_FRAMES = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('credentials through the CLI', () => {
  let scenario: Scenario;
  let dir: string;
  let helper: string;
  let token: string;
  before(async () => {
    scenario = await startScenario({ clockSpeed: 20, deployments: [{ name: 'sample-job', namespace: NS, taskManagers: 1 }] });
    token = scenario.kube.addUser('device-login', allowEverything);
    dir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-creds-cli-'));
    helper = writeExecPlugin(path.join(dir, 'bin'));
  });
  after(async () => {
    await scenario.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let n = 0;
  function kubeconfigWith(exec: Partial<ExecUserOptions>, env: Record<string, string>): { file: string; runsFile: string } {
    const runsFile = path.join(dir, `runs-${++n}.jsonl`);
    const file = path.join(dir, `kubeconfig-${n}.yaml`);
    writeFileSync(file, execKubeconfig({
      server: scenario.server, caPem: scenario.kube.caPem, namespace: NS,
      exec: { command: helper, interactiveMode: 'IfAvailable', ...exec, env: { HELPER_RUNS: runsFile, HELPER_TOKEN: token, ...env } },
    }));
    return { file, runsFile };
  }
  const runsOf = (file: string): Array<{ pid: number; info: string; stdinIsTTY: boolean }> =>
    existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];

  it('an interactive login on a terminal: the prompt reaches the terminal with the spinner paused, the typed answer reaches the helper', async (t) => {
    if (!existsSync('/usr/bin/script')) return t.skip('util-linux script(1) is not installed');
    const { file, runsFile } = kubeconfigWith({}, { HELPER_PROMPT: 'Enter the code shown at https://login.example: ' });
    const out = path.join(dir, 'out-pty');
    const { command, args } = pluginCommand();
    const line = [command, ...args, 'profile', 'sample-job', '-d', '1', '--no-analysis', '--output-dir', out].map((w) => `'${w}'`).join(' ');
    const child = spawn('script', ['-q', '-f', '-e', '-c', `stty cols 120 rows 40; ${line}`, '/dev/null'], {
      cwd: repoRoot,
      env: { PATH: `${path.join(repoRoot, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`, HOME: process.env.HOME, KUBECONFIG: file, TERM: 'xterm' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    t.after(() => child.kill('SIGKILL'));
    await until(() => screen.includes('Enter the code shown at https://login.example: '), 30_000);
    // long enough for a spinner that was not paused to draw a few frames over the prompt
    await new Promise((r) => setTimeout(r, 500));
    const whilePrompting = screen.slice(screen.indexOf('Enter the code'));
    child.stdin.write(`${token}\r`);
    const code = await exited;
    assert.equal(code, 0, screen.slice(-2000));
    assert.doesNotMatch(whilePrompting, SPINNER_FRAMES, 'no spinner frame drawn while the helper had the terminal');
    assert.match(screen, /helper: thanks/);
    assert.match(screen, /ITIMER profile of sample-job/);
    const [run] = runsOf(runsFile);
    assert.equal(run?.stdinIsTTY, true, 'the helper read the terminal');
    assert.equal(JSON.parse(run?.info ?? '{}').spec.interactive, true);
  });

  it('without a terminal an IfAvailable helper gets no stdin and spec.interactive is false', async () => {
    const { file, runsFile } = kubeconfigWith({}, {});
    const r = await runCli(['doctor', 'sample-job'], { env: { KUBECONFIG: file } });
    assert.match(r.stdout, /✔ API server/);
    const [run] = runsOf(runsFile);
    assert.deepEqual([run?.stdinIsTTY, JSON.parse(run?.info ?? '{}').spec.interactive], [false, false]);
  });

  it('a helper still running when the plugin is interrupted is ended with it', async () => {
    const { file, runsFile } = kubeconfigWith({}, { HELPER_SLEEP_MS: '120000' });
    let pid = 0;
    const r = await runCli(['doctor', 'sample-job'], {
      env: { KUBECONFIG: file },
      timeoutMs: 60_000,
      onSpawn: (child) => {
        void (async () => {
          await until(() => runsOf(runsFile).length > 0);
          pid = runsOf(runsFile)[0]!.pid;
          child.kill('SIGINT');
          await new Promise((res) => setTimeout(res, 300));
          if (child.exitCode === null) child.kill('SIGINT');
        })();
      },
    });
    assert.equal(r.code, 130, r.stderr);
    assert.ok(pid > 0);
    await until(() => !alive(pid), 5_000);
  });

  it('doctor names the credential source and the impersonation, never the token', async () => {
    const { file } = kubeconfigWith({}, {});
    const r = await runCli(['doctor', 'sample-job', '--as', 'alice', '--as-group', 'devs', '--as-group', 'ops', '-o', 'json'], { env: { KUBECONFIG: file } });
    const report = JSON.parse(r.stdout) as { checks: Array<{ id: string; status: string; detail: string }> };
    const check = report.checks.find((c) => c.id === 'credentials');
    assert.deepEqual(check && { status: check.status, detail: check.detail }, { status: 'pass', detail: `exec credential plugin ${helper}; impersonating alice, groups devs, ops` });

    const withToken = await runCli(['doctor', 'sample-job', '--token', scenario.token], { env: { KUBECONFIG: file } });
    assert.match(withToken.stdout, /✔ credentials +bearer token from the kubeconfig or --token/);
    assert.ok(!withToken.stdout.includes(scenario.token) && !withToken.stderr.includes(scenario.token), 'the token is never printed');
  });

  it('--server, --token and --certificate-authority reach a cluster with no kubeconfig context; -v 6 and --request-timeout=1m30s are accepted', async () => {
    const empty = path.join(dir, 'empty.yaml');
    writeFileSync(empty, '');
    const ca = path.join(dir, 'ca.pem');
    writeFileSync(ca, scenario.kube.caPem);
    const r = await runCli(['doctor', 'sample-job', '-s', scenario.server, '--token', scenario.token, '--certificate-authority', ca, `-n${NS}`, '-v', '6', '--request-timeout=1m30s', '--cache-dir', dir], { env: { KUBECONFIG: empty } });
    assert.match(r.stdout, /✔ API server/, r.stdout + r.stderr);
    assert.match(r.stdout, /✔ FlinkDeployment/);
  });

  it('--kubeconfig /dev/zero fails at once with one line; a FIFO in KUBECONFIG does not block', async () => {
    const r = await runCli(['doctor', '--kubeconfig', '/dev/zero', '-o', 'json'], { timeoutMs: 20_000 });
    const check = (JSON.parse(r.stdout) as { checks: Array<{ id: string; detail: string }> }).checks.find((c) => c.id === 'kubeconfig');
    assert.equal(check?.detail, 'kubeconfig file /dev/zero cannot be used: /dev/zero is not a regular file');
    const fifo = path.join(dir, 'fifo');
    await new Promise<void>((resolve, reject) => spawn('mkfifo', [fifo]).on('close', (c) => (c === 0 ? resolve() : reject(new Error('mkfifo')))));
    const f = await runCli(['doctor', '-o', 'json'], { env: { KUBECONFIG: `${fifo}${path.delimiter}${scenario.kubeconfigPath}` }, timeoutMs: 20_000 });
    assert.equal(f.signal, null, 'not killed by the timeout');
    assert.match(f.stdout, /fifo is not a regular file/);
  });
});
