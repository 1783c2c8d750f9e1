// Where each request's credentials come from, against the Kubernetes simulator over real TLS: a
// real exec helper (a child process), tokenFile re-read from disk, and the Impersonate-* headers on
// REST calls, exec upgrades and port-forward upgrades.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { connectCluster } from '../../../src/kube/kube-cluster.ts';
import { allowEverything } from '../../sim/kube/rbac.ts';
import { startScenario, type Scenario } from '../../sim/scenario.ts';
import { execKubeconfig, writeExecPlugin, type ExecUserOptions } from '../../support/exec-plugin.ts';

const NS = 'squirrly';

interface HelperRun {
  pid: number;
  info: string | null;
  stdinIsTTY: boolean;
}

describe('credentials of each request', () => {
  let scenario: Scenario;
  let dir: string;
  let helper: string;
  let token: string;
  before(async () => {
    scenario = await startScenario({ deployments: [{ name: 'sample-job', namespace: NS, taskManagers: 1 }] });
    token = scenario.kube.addUser('helper-login', allowEverything);
    dir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-creds-'));
    helper = writeExecPlugin(path.join(dir, 'bin'));
  });
  after(async () => {
    await scenario.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let n = 0;
  /** a kubeconfig whose user logs in through the helper, and the file its runs are recorded in */
  function helperKubeconfig(exec: Partial<ExecUserOptions> & { env?: Record<string, string> } = {}, clusterExtra?: string): { file: string; runs: () => HelperRun[] } {
    const runsFile = path.join(dir, `runs-${++n}.jsonl`);
    const file = path.join(dir, `kubeconfig-${n}.yaml`);
    const { env, ...rest } = exec;
    // kubeconfigs for v1 always say interactiveMode (client-go insists); a test that omits it says so with undefined
    const mode = 'interactiveMode' in exec ? exec.interactiveMode : rest.apiVersion?.endsWith('v1beta1') ? undefined : 'IfAvailable';
    writeFileSync(file, execKubeconfig({
      server: scenario.server,
      caPem: scenario.kube.caPem,
      namespace: NS,
      exec: { command: helper, ...rest, ...(mode ? { interactiveMode: mode } : {}), env: { HELPER_TOKEN: token, HELPER_RUNS: runsFile, ...env } },
      ...(clusterExtra ? { clusterExtra } : {}),
    }));
    const runs = (): HelperRun[] => (existsSync(runsFile) ? readFileSync(runsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as HelperRun) : []);
    return { file, runs };
  }

  it('an exec helper\'s token authenticates REST calls; its answer is cached until it expires', async () => {
    const { file, runs } = helperKubeconfig();
    const cluster = await connectCluster({ env: process.env, kubeconfig: file, timeoutMs: 10_000 });
    assert.equal((await cluster.listPods('app=sample-job')).length, 2);
    await cluster.listFlinkDeployments();
    assert.equal(runs().length, 1, 'one helper run for two requests');
    assert.equal(scenario.requests.at(-1)?.user, 'helper-login');

    const expiring = helperKubeconfig({ env: { HELPER_EXPIRES_IN_MS: '1' } });
    const again = await connectCluster({ env: process.env, kubeconfig: expiring.file, timeoutMs: 10_000 });
    await again.listPods('app=sample-job');
    await new Promise((r) => setTimeout(r, 20));
    await again.listPods('app=sample-job');
    assert.equal(expiring.runs().length, 2, 'an expired credential is fetched again');
  });

  it('KUBERNETES_EXEC_INFO is what client-go sets: the apiVersion, spec.interactive, and spec.cluster with provideClusterInfo', async () => {
    const extension = '    extensions:\n    - name: client.authentication.k8s.io/exec\n      extension:\n        audience: squirrly-sim\n    - name: other\n      extension: {ignored: true}';
    const { file, runs } = helperKubeconfig({ provideClusterInfo: true, env: {} }, extension);
    const cluster = await connectCluster({ env: process.env, kubeconfig: file, timeoutMs: 10_000 });
    await cluster.listPods('app=sample-job');
    const info = runs()[0]?.info ?? '';
    assert.ok(info.endsWith('\n'), 'encoded like Go\'s json.Encoder');
    assert.deepEqual(JSON.parse(info), {
      kind: 'ExecCredential',
      apiVersion: 'client.authentication.k8s.io/v1',
      spec: {
        cluster: { server: scenario.server, 'certificate-authority-data': Buffer.from(scenario.kube.caPem).toString('base64'), config: { audience: 'squirrly-sim' } },
        interactive: false,
      },
    });

    const beta = helperKubeconfig({ apiVersion: 'client.authentication.k8s.io/v1beta1', env: { HELPER_API_VERSION: 'client.authentication.k8s.io/v1beta1' } });
    await (await connectCluster({ env: process.env, kubeconfig: beta.file, timeoutMs: 10_000 })).listPods('app=sample-job');
    assert.deepEqual(JSON.parse(beta.runs()[0]?.info ?? ''), { kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1beta1', spec: { interactive: false } });
  });

  it('one helper at a time: concurrent requests wait for the same login', async () => {
    const { file, runs } = helperKubeconfig({ env: { HELPER_SLEEP_MS: '300' } });
    const cluster = await connectCluster({ env: process.env, kubeconfig: file, timeoutMs: 10_000 });
    await Promise.all([cluster.listPods('app=sample-job'), cluster.listFlinkDeployments(), cluster.serverVersion()]);
    assert.equal(runs().length, 1);
  });

  it('a login slower than --request-timeout is waited for: the deadline starts after it', async () => {
    const { file } = helperKubeconfig({ env: { HELPER_SLEEP_MS: '800' } });
    const cluster = await connectCluster({ env: process.env, kubeconfig: file, timeoutMs: 300 });
    assert.equal((await cluster.listPods('app=sample-job')).length, 2);
  });

  it('after a 401 the helper runs again once and the request is retried with the fresh token', async () => {
    const { file, runs } = helperKubeconfig({ env: { HELPER_FIRST_TOKEN: 'revoked-token' } });
    const cluster = await connectCluster({ env: process.env, kubeconfig: file, timeoutMs: 10_000 });
    assert.equal((await cluster.listPods('app=sample-job')).length, 2);
    assert.equal(runs().length, 2);
    const statuses = scenario.requests.slice(-2).map((r) => r.status);
    assert.deepEqual(statuses, [401, 200]);
  });

  it('an exec upgrade refused with 401 also gets one fresh credential and one more try', async () => {
    const { file, runs } = helperKubeconfig({ env: { HELPER_FIRST_TOKEN: 'revoked-token' } });
    const cluster = await connectCluster({ env: process.env, kubeconfig: file, timeoutMs: 10_000 });
    const pod = scenario.pods(NS).find((p) => p.labels['component'] === 'taskmanager')!.name;
    const out = new PassThrough();
    let said = '';
    out.on('data', (chunk: Buffer) => (said += chunk.toString()));
    assert.equal((await cluster.exec(pod, ['echo', 'hello'], out)).exitCode, 0);
    assert.equal(said, 'hello\n');
    assert.equal(runs().length, 2);
  });

  it('a helper that is always refused is run twice at most and reported as a 401', async () => {
    const { file, runs } = helperKubeconfig({ env: { HELPER_TOKEN: 'never-valid' } });
    const cluster = await connectCluster({ env: process.env, kubeconfig: file, timeoutMs: 10_000 });
    await assert.rejects(cluster.listPods('app=sample-job'), /rejected your credentials \(401 Unauthorized\)/);
    assert.equal(runs().length, 2);
  });

  it('a missing executable is named with client-go\'s words and the kubeconfig\'s installHint', async () => {
    const { file } = helperKubeconfig({ command: path.join(dir, 'no-such-login'), installHint: 'install it with: brew install squirrly-login' });
    const cluster = await connectCluster({ env: process.env, kubeconfig: file, timeoutMs: 10_000 });
    await assert.rejects(cluster.listPods('app=sample-job'), (err: Error & { hint?: string }) => {
      assert.equal(err.message, `getting credentials: exec: executable ${path.join(dir, 'no-such-login')} not found`);
      assert.equal(err.hint, 'install it with: brew install squirrly-login');
      return true;
    });
  });

  it('a relative command is resolved against the kubeconfig\'s folder; a bare name is looked up in PATH', async () => {
    const { file } = helperKubeconfig({ command: './bin/squirrly-login' });
    const elsewhere = process.cwd();
    assert.notEqual(elsewhere, dir);
    assert.equal((await (await connectCluster({ env: process.env, kubeconfig: file, timeoutMs: 10_000 })).listPods('app=sample-job')).length, 2);

    const bare = helperKubeconfig({ command: 'squirrly-login' });
    const withPath = { ...process.env, PATH: `${path.join(dir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}` };
    assert.equal((await (await connectCluster({ env: withPath, kubeconfig: bare.file, timeoutMs: 10_000 })).listPods('app=sample-job')).length, 2);
    await assert.rejects((await connectCluster({ env: { PATH: '/nonexistent' }, kubeconfig: bare.file, timeoutMs: 10_000 })).listPods('x=y'), /executable squirrly-login not found/);
  });

  it('a helper that fails is reported with its exit code; its stderr went to the terminal', async () => {
    const { file } = helperKubeconfig({ env: { HELPER_EXIT: '3' } });
    const stderr = new PassThrough();
    let said = '';
    stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
    const cluster = await connectCluster({ env: process.env, kubeconfig: file, timeoutMs: 10_000, terminal: { stdinIsTerminal: false, stderr } });
    await assert.rejects(cluster.listPods('app=sample-job'), new RegExp(`executable ${helper} failed with exit code 3`));
    assert.match(said, /helper: giving up/);
  });

  it('interactiveMode: Never gives no stdin; Always without a terminal is client-go\'s error; IfAvailable follows the terminal', async () => {
    const always = helperKubeconfig({ interactiveMode: 'Always' });
    await assert.rejects((await connectCluster({ env: process.env, kubeconfig: always.file, timeoutMs: 10_000 })).listPods('x=y'),
      /exec plugin cannot support interactive mode: standard input is not a terminal/);
    assert.equal(always.runs().length, 0);
    const never = helperKubeconfig({ interactiveMode: 'Never' });
    await (await connectCluster({ env: process.env, kubeconfig: never.file, timeoutMs: 10_000, terminal: { stdinIsTerminal: true, stderr: 'inherit' } })).listPods('x=y');
    assert.equal(JSON.parse(never.runs()[0]?.info ?? '{}').spec.interactive, false);
    const v1WithoutMode = helperKubeconfig({ interactiveMode: undefined });
    await assert.rejects((await connectCluster({ env: process.env, kubeconfig: v1WithoutMode.file, timeoutMs: 10_000 })).listPods('x=y'),
      /interactiveMode must be specified for helper-user to use exec authentication plugin/);
  });

  it('tokenFile is read relative to the kubeconfig and re-read, so a rotated token is used', async () => {
    writeFileSync(path.join(dir, 'token-a'), `${scenario.token}\n`);
    const file = path.join(dir, 'tokenfile.yaml');
    writeFileSync(file, [
      'clusters:', '- name: sim', '  cluster:', `    server: ${scenario.server}`, `    certificate-authority-data: ${Buffer.from(scenario.kube.caPem).toString('base64')}`,
      'users:', '- name: tf', '  user:', '    tokenFile: token-a',
      'contexts:', '- name: sim', '  context:', '    cluster: sim', '    user: tf', `    namespace: ${NS}`, 'current-context: sim', '',
    ].join('\n'));
    const cluster = await connectCluster({ env: {}, kubeconfig: file, timeoutMs: 10_000 });
    await cluster.listPods('app=sample-job');
    assert.equal(scenario.requests.at(-1)?.user, 'squirrly-user');
    writeFileSync(path.join(dir, 'token-a'), token);
    await cluster.listPods('app=sample-job');
    assert.equal(scenario.requests.at(-1)?.user, 'helper-login');
  });

  it('every impersonation field is sent on REST calls, exec upgrades and port-forward upgrades', async () => {
    const file = path.join(dir, 'impersonate.yaml');
    writeFileSync(file, [
      'clusters:', '- name: sim', '  cluster:', `    server: ${scenario.server}`, `    certificate-authority-data: ${Buffer.from(scenario.kube.caPem).toString('base64')}`,
      'users:', '- name: admin', '  user:', `    token: ${scenario.token}`, '    as: alice', '    as-uid: "1234"', '    as-groups: [devs, ops]', '    as-user-extra:', '      scopes: [view, edit]',
      'contexts:', '- name: sim', '  context:', '    cluster: sim', '    user: admin', `    namespace: ${NS}`, 'current-context: sim', '',
    ].join('\n'));
    const expected: Array<[string, string]> = [
      ['impersonate-user', 'alice'], ['impersonate-uid', '1234'], ['impersonate-group', 'devs'], ['impersonate-group', 'ops'],
      ['impersonate-extra-scopes', 'view'], ['impersonate-extra-scopes', 'edit'],
    ];
    const cluster = await connectCluster({ env: {}, kubeconfig: file, timeoutMs: 10_000 });
    const pods = await cluster.listPods('app=sample-job,component=taskmanager');
    assert.deepEqual(scenario.requests.at(-1)?.impersonation, expected, 'REST');

    const pod = pods[0]!.name;
    await cluster.exec(pod, ['echo', 'hi'], new PassThrough());
    const execUpgrade = scenario.requests.findLast((r) => r.upgrade && r.path.endsWith('/exec'));
    assert.deepEqual(execUpgrade?.impersonation, expected, 'exec upgrade');

    const tunnel = await cluster.portForward(pod, 8081);
    await fetch(`${tunnel.baseUrl}/overview`).then((r) => r.text()).catch(() => '');
    await tunnel.close();
    const forward = scenario.requests.findLast((r) => r.upgrade && r.path.endsWith('/portforward'));
    assert.deepEqual(forward?.impersonation, expected, 'port-forward upgrade');
  });

  it('--as and --as-group flags impersonate on top of the kubeconfig\'s credentials', async () => {
    const cluster = await connectCluster({ env: {}, kubeconfig: scenario.kubeconfigPath, timeoutMs: 10_000, overrides: { as: 'bob', asGroups: ['readers'] } });
    await cluster.listPods('app=sample-job');
    assert.deepEqual(scenario.requests.at(-1)?.impersonation, [['impersonate-user', 'bob'], ['impersonate-group', 'readers']]);
    assert.equal(scenario.requests.at(-1)?.user, 'squirrly-user');
  });

  it('--token replaces the kubeconfig\'s credentials, and an exec helper is not run then', async () => {
    const { file, runs } = helperKubeconfig();
    const cluster = await connectCluster({ env: process.env, kubeconfig: file, timeoutMs: 10_000, overrides: { token: scenario.token } });
    await cluster.listPods('app=sample-job');
    assert.equal(scenario.requests.at(-1)?.user, 'squirrly-user');
    assert.equal(runs().length, 0);
  });

  it('--tls-server-name checks the certificate against that name; --insecure-skip-tls-verify drops the kubeconfig\'s CA', async () => {
    const base = { env: {}, kubeconfig: scenario.kubeconfigPath, timeoutMs: 10_000 };
    assert.equal((await (await connectCluster({ ...base, overrides: { tlsServerName: 'localhost' } })).listPods('app=sample-job')).length, 2);
    await assert.rejects((await connectCluster({ ...base, overrides: { tlsServerName: 'elsewhere.example' } })).listPods('app=sample-job'), /cannot reach the API server|altnames|ERR_TLS_CERT_ALTNAME_INVALID/);
    const wrongCa = path.join(dir, 'wrong-ca.yaml');
    writeFileSync(wrongCa, readFileSync(scenario.kubeconfigPath, 'utf8').replace(/certificate-authority-data: \S+/, `certificate-authority-data: ${Buffer.from('not a CA').toString('base64')}`));
    await assert.rejects((await connectCluster({ ...base, kubeconfig: wrongCa })).listPods('app=sample-job'));
    assert.equal((await (await connectCluster({ ...base, kubeconfig: wrongCa, overrides: { insecureSkipTlsVerify: true } })).listPods('app=sample-job')).length, 2);
  });

  it('a context whose user is missing keeps the CA (TLS works) and the 401 names the missing user', async () => {
    const file = path.join(dir, 'ghost.yaml');
    writeFileSync(file, [
      'clusters:', '- name: sim', '  cluster:', `    server: ${scenario.server}`, `    certificate-authority-data: ${Buffer.from(scenario.kube.caPem).toString('base64')}`,
      'contexts:', '- name: sim', '  context:', '    cluster: sim', '    user: ghost', `    namespace: ${NS}`, 'current-context: sim', '',
    ].join('\n'));
    const cluster = await connectCluster({ env: {}, kubeconfig: file, timeoutMs: 10_000 });
    assert.match(await cluster.serverVersion(), /^v1\./, 'anonymous /version over TLS verified with the kubeconfig\'s CA');
    await assert.rejects(cluster.listPods('app=sample-job'), /context "sim" names user "ghost", which the kubeconfig does not define/);
  });
});
