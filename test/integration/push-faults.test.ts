// --push against a store that fails the ways a real one does now and then: recovering 5xx and
// 429 are retried, other 4xx are final, an unreachable store is one line and exit 4; the saved
// run is on disk whatever happens, and the credentials never show in what the user sees.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startScenario, type Scenario } from '../sim/scenario.ts';
import { runCli, type CliResult } from '../support/cli.ts';
import { freePort } from '../e2e/support/ports.ts';
import { startFaultServer, startForwardProxy } from '../support/push-fault-server.ts';

const TOKEN = 'push-token-4f1e9c2b7a';
const PASSWORD = 'push-password-93ab17e2';

function flameGraphs(out: string): string[] {
  const dir = path.join(out, 'squirrly', 'sample-job');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.html')) : [];
}

function errorLines(r: CliResult): string[] {
  return r.stderr.split('\n').filter((l) => l.startsWith('error:'));
}

describe('--push against a failing store', () => {
  let scenario: Scenario;
  let out: string;
  before(async () => {
    scenario = await startScenario({ clockSpeed: 20, deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 2 }] });
  });
  after(() => scenario.stop());

  const profile = async (url: string, env: NodeJS.ProcessEnv = {}, extra: string[] = []): Promise<CliResult> => {
    out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-push-'));
    return runCli(['profile', 'sample-job', '-n', 'squirrly', '-d', '2', '--no-analysis', '--output-dir', out, '--push', url, ...extra], { env: { KUBECONFIG: scenario.kubeconfigPath, ...env } });
  };
  const clean = (): Promise<void> => rm(out, { recursive: true, force: true });

  it('retries 503 and 429 (waiting for Retry-After) and then pushes every flame graph once, with the token and tenant', async () => {
    const store = await startFaultServer([{ status: 503, body: 'ingester not ready' }, { status: 429, headers: { 'retry-after': '1' } }]);
    try {
      const r = await profile(store.url, { SQUIRRLY_PUSH_TOKEN: TOKEN }, ['--push-tenant', 'team-a']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(store.requests.length, 4, 'two failed tries, then one push per TaskManager');
      for (const req of store.requests) {
        assert.equal(req.path, '/ingest');
        assert.equal(req.headers['authorization'], `Bearer ${TOKEN}`);
        assert.equal(req.headers['x-scope-orgid'], 'team-a');
        assert.equal(req.query.get('format'), 'pprof');
        assert.ok(req.bytes > 100, 'a pprof body');
      }
      const names = store.requests.slice(2).map((q) => q.query.get('name') ?? '');
      for (const name of names) assert.match(name, /^squirrly\/sample-job\{.*flink_deployment=sample-job.*namespace=squirrly.*profile_mode=ITIMER.*service_name=squirrly\/sample-job.*taskmanager=/);
      assert.equal(new Set(names).size, 2, 'one series per TaskManager');
      assert.match(r.stdout, /pushed: 2 flame graph\(s\), \d+ samples to http:\/\/127\.0\.0\.1:\d+ as service_name="squirrly\/sample-job" \(tenant team-a\)/);
      assert.ok(!r.stdout.includes(TOKEN) && !r.stderr.includes(TOKEN), 'the token is never shown');
    } finally {
      await store.stop();
      await clean();
    }
  });

  it('a repeated profile pushes each run as it is saved, each in its own window', async () => {
    const store = await startFaultServer([]);
    try {
      const r = await profile(store.url, {}, ['--every', '10s', '--count', '2', '-d', '1', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const runs = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as { push: { pushed: Array<{ from: number }> } });
      assert.equal(runs.length, 2, r.stdout);
      for (const run of runs) assert.equal(run.push.pushed.length, 2);
      assert.equal(store.requests.length, 4);
      const froms = runs.map((run) => run.push.pushed[0]!.from);
      assert.ok(froms[1]! > froms[0]!, 'the second run has its own, later window');
    } finally {
      await store.stop();
      await clean();
    }
  });

  it('does not retry a 400, says why in one escaped line, keeps the files and exits 4', async () => {
    const store = await startFaultServer([], { status: 400, body: 'bad name \u001b[2J\u001b[31mFAKE\nsecond line' });
    try {
      const r = await profile(store.url, { SQUIRRLY_PUSH_USERNAME: 'squirrly', SQUIRRLY_PUSH_PASSWORD: PASSWORD }, ['-o', 'json']);
      assert.equal(r.code, 4, r.stderr);
      assert.equal(store.requests.length, 1, 'a 4xx is final');
      assert.equal(store.requests[0]!.headers['authorization'], `Basic ${Buffer.from(`squirrly:${PASSWORD}`).toString('base64')}`);
      const lines = errorLines(r);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /push of .*\.html failed: Pyroscope at http:\/\/127\.0\.0\.1:\d+ answered HTTP 400: "bad name \\x1b\[2J\\x1b\[31mFAKE" \(0 of 2 pushed, 1 not tried; the local files are kept\)$/);
      assert.ok(!r.stderr.includes('\u001b'), 'nothing from the answer reaches the terminal raw');
      assert.ok(!r.stderr.includes('second line'));
      const doc = JSON.parse(r.stdout) as { push: { pushed: unknown[]; failed: { message: string } } };
      assert.equal(doc.push.pushed.length, 0);
      assert.match(doc.push.failed.message, /HTTP 400/);
      assert.equal(flameGraphs(out).length, 2, 'both flame graphs are on disk');
      for (const f of flameGraphs(out)) assert.ok(statSync(path.join(out, 'squirrly', 'sample-job', f)).size > 1000);
      assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD), 'the password is never shown');
    } finally {
      await store.stop();
      await clean();
    }
  });

  it('an unreachable store is one line and exit 4 after bounded retries; the run is kept', async () => {
    const port = await freePort(); // nothing listens there
    const r = await profile(`http://127.0.0.1:${port}`);
    try {
      assert.equal(r.code, 4, r.stderr);
      const lines = errorLines(r);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, new RegExp(`could not reach Pyroscope at http://127\\.0\\.0\\.1:${port}: ECONNREFUSED, after 5 tries \\(0 of 2 pushed, 1 not tried; the local files are kept\\)$`));
      assert.match(r.stderr, /hint: push the saved run again later with: kubectl squirrly artifacts sample-job -n squirrly --latest --push URL/);
      assert.equal(flameGraphs(out).length, 2);
    } finally {
      await clean();
    }
  });

  it('goes through HTTP_PROXY as the API server connection would, and not for a NO_PROXY host', async () => {
    const store = await startFaultServer([]);
    const storePort = Number(new URL(store.url).port);
    const proxy = await startForwardProxy({ host: '127.0.0.1', port: storePort });
    try {
      // a name only the proxy knows: reaching the store at all proves the push went through it
      const r = await profile(`http://pyroscope.squirrly.test:${storePort}`, { HTTP_PROXY: proxy.url });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(proxy.asked.length, 2);
      for (const url of proxy.asked) assert.ok(url.startsWith(`http://pyroscope.squirrly.test:${storePort}/ingest?`), url);
      assert.equal(store.requests.length, 2);
      await clean();
      const direct = await profile(`http://pyroscope.squirrly.test:${storePort}`, { HTTP_PROXY: proxy.url, NO_PROXY: '.squirrly.test' });
      assert.equal(direct.code, 4, direct.stderr);
      assert.equal(proxy.asked.length, 2, 'NO_PROXY kept the push off the proxy');
      assert.match(errorLines(direct)[0] ?? '', /could not reach Pyroscope at http:\/\/pyroscope\.squirrly\.test:\d+: (ENOTFOUND|EAI_AGAIN)/);
    } finally {
      await proxy.stop();
      await store.stop();
      await clean();
    }
  });

  it('a URL with credentials is a usage error that never echoes them; the environment is the way', async () => {
    const r = await runCli(['profile', 'sample-job', '-n', 'squirrly', '--push', `http://squirrly:${PASSWORD}@127.0.0.1:4040`], { env: { KUBECONFIG: scenario.kubeconfigPath } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--push must not carry credentials in the URL/);
    assert.match(r.stderr, /SQUIRRLY_PUSH_USERNAME and SQUIRRLY_PUSH_PASSWORD/);
    assert.ok(!r.stderr.includes(PASSWORD) && !r.stdout.includes(PASSWORD));
    const fromEnv = await runCli(['profile', 'sample-job', '-n', 'squirrly'], { env: { KUBECONFIG: scenario.kubeconfigPath, SQUIRRLY_PUSH_URL: `https://u:${PASSWORD}@example.com` } });
    assert.equal(fromEnv.code, 2);
    assert.match(fromEnv.stderr, /SQUIRRLY_PUSH_URL must not carry credentials/);
    assert.ok(!fromEnv.stderr.includes(PASSWORD));
  });
});
