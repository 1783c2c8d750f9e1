// `kubectl squirrly profile --via proxy`: the real CLI in a child process reaching the Flink REST
// simulator through the Kubernetes simulator's service proxy (services/proxy) instead of a port-forward.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { RbacRule, ScenarioSpec } from '../sim/types.ts';
import { startScenario, type Scenario } from '../sim/scenario.ts';
import { runCli, type CliResult } from '../support/cli.ts';

const FAST = 20; // simulated profiler clock speed-up

interface Env {
  scenario: Scenario;
  out: string;
  profile(args: string[]): Promise<CliResult>;
}

async function withScenario(spec: ScenarioSpec, t: { after(fn: () => Promise<void>): void }): Promise<Env> {
  const scenario = await startScenario({ clockSpeed: FAST, ...spec });
  const out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-out-'));
  t.after(async () => {
    await scenario.stop();
    await rm(out, { recursive: true, force: true });
  });
  return {
    scenario,
    out,
    profile: (args) => runCli(['profile', ...args, '--output-dir', out], { env: { KUBECONFIG: scenario.kubeconfigPath } }),
  };
}

const sampleJob = (taskManagers = 2): ScenarioSpec => ({ deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers }] });

/** Everything `profile` reads, without any way to reach the REST API. */
const readRules: RbacRule[] = [
  { apiGroups: ['flink.apache.org'], resources: ['flinkdeployments'], verbs: ['get', 'list'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
  { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'] },
];
const proxyRule: RbacRule = { apiGroups: [''], resources: ['services/proxy'], verbs: ['get', 'create'] };

function htmlFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.html')) : [];
}

const proxyPath = /^\/api\/v1\/namespaces\/squirrly\/services\/sample-job-rest:rest\/proxy\//;

describe('profile --via proxy', () => {
  it('saves one flame graph per TaskManager through services/proxy, with no port-forward', async (t) => {
    const env = await withScenario(sampleJob(), t);
    const r = await env.profile(['sample-job', '--via', 'proxy', '--type', 'ITIMER', '--duration', '1', '--no-analysis']);
    assert.equal(r.code, 0, r.stderr);
    const dir = path.join(env.out, 'squirrly', 'sample-job');
    const tms = env.scenario.pods('squirrly').filter((p) => p.labels.component === 'taskmanager').map((p) => p.name).sort();
    const files = htmlFiles(dir);
    assert.deepEqual(files.map((f) => f.split('_ITIMER_')[0]).sort(), tms);
    for (const f of files) assert.match(readFileSync(path.join(dir, f), 'utf8'), /f\(0,0,\d+,3,'all'\)/);
    const proxied = env.scenario.requests.filter((q) => proxyPath.test(q.path));
    assert.ok(proxied.some((q) => q.method === 'GET' && q.path.endsWith('/proxy/config')), 'GET /config went through the proxy');
    assert.equal(proxied.filter((q) => q.method === 'POST' && q.path.endsWith('/profiler')).length, 2, 'one trigger per TaskManager through the proxy');
    assert.ok(proxied.some((q) => q.path.endsWith('.html')), 'the downloads went through the proxy');
    assert.deepEqual(env.scenario.requests.filter((q) => q.upgrade || q.path.includes('/portforward')), []);
  });

  it('works with services/proxy alone where pods/portforward is forbidden, and port-forward names what is missing', async (t) => {
    // no `get services` either: the operator's port name "rest" is used
    const env = await withScenario({ ...sampleJob(1), rbac: [...readRules, proxyRule] }, t);
    const viaProxy = await env.profile(['sample-job', '--via', 'proxy', '-d', '1', '--no-analysis']);
    assert.equal(viaProxy.code, 0, viaProxy.stderr);
    assert.equal(htmlFiles(path.join(env.out, 'squirrly', 'sample-job')).length, 1);

    const viaPortForward = await env.profile(['sample-job', '-d', '1', '--no-analysis']);
    assert.equal(viaPortForward.code, 1);
    assert.match(viaPortForward.stderr, /pods\/portforward/);
  });

  it('without services/proxy, names the missing permission', async (t) => {
    const env = await withScenario({ ...sampleJob(1), rbac: [...readRules, { apiGroups: [''], resources: ['services', 'pods/portforward'], verbs: ['get', 'create'] }] }, t);
    const r = await env.profile(['sample-job', '--via', 'proxy', '-d', '1', '--no-analysis']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /permission denied: you may not get services\/proxy in namespace "squirrly"/);
    assert.match(r.stderr, /services\/proxy/);
    assert.deepEqual(htmlFiles(path.join(env.out, 'squirrly', 'sample-job')), []);
  });

  it('with get but not create on services/proxy, the trigger fails naming create services/proxy', async (t) => {
    const env = await withScenario({ ...sampleJob(1), rbac: [...readRules, { apiGroups: [''], resources: ['services/proxy'], verbs: ['get'] }] }, t);
    const r = await env.profile(['sample-job', '--via', 'proxy', '-d', '1', '--no-analysis']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /you may not create services\/proxy/);
  });

  it('a download cut midway through the proxy is retried and leaves a complete file', async (t) => {
    const env = await withScenario(sampleJob(1), t);
    env.scenario.flink('sample-job')!.faults.add({ path: /\/profiler\/.+\.html$/, times: 1, kind: { type: 'truncate', bytes: 100 } });
    const r = await env.profile(['sample-job', '--via', 'proxy', '-d', '1', '--no-analysis', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /retrying download/);
    const doc = JSON.parse(r.stdout) as { targets: Array<{ file: string; bytes: number; via: string }> };
    assert.equal(doc.targets[0]!.via, 'rest');
    assert.equal(readFileSync(doc.targets[0]!.file).length, doc.targets[0]!.bytes);
    const downloads = env.scenario.requests.filter((q) => proxyPath.test(q.path) && q.path.endsWith('.html'));
    assert.ok(downloads.length >= 2, 'the download was tried again through the proxy');
    assert.equal(readdirSync(path.join(env.out, 'squirrly', 'sample-job')).filter((f) => f.includes('.partial')).length, 0);
  });
});

describe('artifacts and doctor --via proxy', () => {
  it('artifacts lists and downloads through the proxy, with no port-forward', async (t) => {
    const env = await withScenario({ ...sampleJob(1), rbac: [...readRules, proxyRule] }, t);
    const profiled = await env.profile(['sample-job', '--via', 'proxy', '-d', '1', '--no-analysis']);
    assert.equal(profiled.code, 0, profiled.stderr);
    const other = await mkdtemp(path.join(os.tmpdir(), 'squirrly-out-'));
    t.after(() => rm(other, { recursive: true, force: true }));
    const r = await runCli(['artifacts', 'sample-job', '--via', 'proxy', '--latest', '--output-dir', other, '-o', 'json'], { env: { KUBECONFIG: env.scenario.kubeconfigPath } });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { downloads: Array<{ status: string; via: string; path: string }> };
    const saved = doc.downloads.filter((d) => d.status === 'saved');
    assert.equal(saved.length, 1);
    assert.equal(saved[0]!.via, 'rest');
    assert.ok(existsSync(saved[0]!.path));
    assert.ok(env.scenario.requests.some((q) => proxyPath.test(q.path) && q.path.endsWith('/proxy/taskmanagers')));
    assert.deepEqual(env.scenario.requests.filter((q) => q.path.includes('/portforward')), []);
  });

  it('doctor --via proxy checks services/proxy instead of requiring pods/portforward', async (t) => {
    const env = await withScenario({ ...sampleJob(1), rbac: [...readRules, proxyRule] }, t);
    const line = (out: string, title: string) => out.split('\n').find((l) => l.slice(2).startsWith(title)) ?? `(no line for ${title})`;
    const r = await runCli(['doctor', 'sample-job', '--via', 'proxy'], { env: { KUBECONFIG: env.scenario.kubeconfigPath } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(line(r.stdout, 'RBAC get services/proxy'), /^✔ /);
    assert.match(line(r.stdout, 'RBAC create services/proxy'), /^✔ /);
    assert.match(line(r.stdout, 'RBAC create pods/portforward'), /^! /);
    assert.match(line(r.stdout, 'Flink REST'), /^✔ .*reachable through the API server's service proxy to sample-job-rest:rest \(Flink 1\.20\.1\)/);
    assert.match(line(r.stdout, 'profiler routes'), /^✔ /);
    assert.match(r.stdout, /ready to profile.*: kubectl squirrly profile sample-job -n squirrly --via proxy/);

    const plain = await runCli(['doctor', 'sample-job'], { env: { KUBECONFIG: env.scenario.kubeconfigPath } });
    assert.equal(plain.code, 1);
    assert.match(line(plain.stdout, 'RBAC create pods/portforward'), /^✗ /);
  });
});
