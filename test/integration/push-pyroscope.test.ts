// --push into a real Grafana Pyroscope (built from Go modules by test/pyroscope/build.sh): the
// runs of a simulated cluster serving real flame graphs go in, and the store's query API gives
// back exactly the samples of the local flame graphs, under the labels the plugin set; the same
// run pushed again counts once, and a tenant's profiles land in that tenant only.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseFlameGraphFile } from '../../src/flamegraph/parse.ts';
import { startScenario, type Scenario } from '../sim/scenario.ts';
import { runCli } from '../support/cli.ts';
import { labelValues, profileTypes, pyroscopeSkipReason, startPyroscope, totalSamples, type PyroscopeServer } from '../pyroscope/server.ts';

const skip = pyroscopeSkipReason();
const CPU = 'process_cpu:cpu:count:cpu:count';
const SERVICE = '{service_name="squirrly/sample-job"}';

interface PushDoc {
  flinkVersion: string;
  targets: Array<{ target: string; pod: string; file: string; status: string }>;
  push: { url: string; pushed: Array<{ source: string; target: string; labels: Record<string, string>; from: number; until: number; samples: number }>; failed: unknown };
}

async function localTotal(file: string): Promise<number> {
  return (await parseFlameGraphFile(file)).root.total;
}

describe('--push into a real Pyroscope', { skip: skip ?? false }, () => {
  let scenario: Scenario;
  let pyroscope: PyroscopeServer;
  let out: string;
  let doc: PushDoc;
  const window = { startMs: Date.now() - 3_600_000, endMs: Date.now() + 3_600_000 };

  before(async () => {
    [scenario, pyroscope] = await Promise.all([
      // a slow simulated clock: its trigger times run ahead of the store's, which takes at most 10 min ahead
      startScenario({ clockSpeed: 4, deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 2 }] }),
      startPyroscope(),
    ]);
    out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-push-real-'));
    const r = await runCli(['profile', 'sample-job', '-n', 'squirrly', '-d', '2', '--no-analysis', '--output-dir', out, '-o', 'json'], {
      env: { KUBECONFIG: scenario.kubeconfigPath, SQUIRRLY_PUSH_URL: pyroscope.url },
    });
    assert.equal(r.code, 0, `${r.stderr}\n${pyroscope.log().slice(-2000)}`);
    doc = JSON.parse(r.stdout) as PushDoc;
  });
  after(async () => {
    await Promise.all([scenario?.stop(), pyroscope?.stop()]);
    await rm(out, { recursive: true, force: true });
  });

  it('holds exactly the samples of each local flame graph, per TaskManager and in sum', async () => {
    assert.equal(doc.push.failed, null);
    assert.equal(doc.push.pushed.length, 2);
    assert.ok((await profileTypes(pyroscope.url, window.startMs, window.endMs)).includes(CPU));
    let sum = 0;
    for (const t of doc.targets) {
      const expected = await localTotal(t.file);
      assert.ok(expected > 0);
      sum += expected;
      const stored = await totalSamples(pyroscope.url, { profileTypeId: CPU, labelSelector: `{service_name="squirrly/sample-job",pod="${t.pod}"}`, ...window });
      assert.equal(stored, expected, `${t.target}: the store holds what the flame graph counts`);
      assert.equal(doc.push.pushed.find((p) => p.source === t.file)?.samples, expected);
    }
    assert.equal(await totalSamples(pyroscope.url, { profileTypeId: CPU, labelSelector: SERVICE, ...window }), sum);
  });

  it('labels every series with where and what was profiled, queryable by each label', async () => {
    const values = async (name: string): Promise<string[]> => (await labelValues(pyroscope.url, name, SERVICE, window.startMs, window.endMs)).sort();
    assert.deepEqual(await values('namespace'), ['squirrly']);
    assert.deepEqual(await values('flink_deployment'), ['sample-job']);
    assert.deepEqual(await values('pod'), doc.targets.map((t) => t.pod).sort());
    assert.deepEqual(await values('taskmanager'), doc.targets.map((t) => t.target).sort());
    assert.deepEqual(await values('flink_version'), [doc.flinkVersion]);
    assert.deepEqual(await values('profile_mode'), ['ITIMER']);
    const jobIds = await values('job_id');
    assert.equal(jobIds.length, 1);
    assert.match(jobIds[0]!, /^[0-9a-f]{32}$/);
    const [first] = doc.push.pushed;
    assert.ok(first!.until > first!.from, 'a window, not an instant');
  });

  it('counts a run pushed again once: artifacts --latest --push sends the same labels and window', async () => {
    const before = await totalSamples(pyroscope.url, { profileTypeId: CPU, labelSelector: SERVICE, ...window });
    const r = await runCli(['artifacts', 'sample-job', '-n', 'squirrly', '--output-dir', out, '--push', pyroscope.url, '-o', 'json'], { env: { KUBECONFIG: scenario.kubeconfigPath } });
    assert.equal(r.code, 0, r.stderr);
    const again = JSON.parse(r.stdout) as PushDoc;
    assert.equal(again.push.pushed.length, 2, 'both newest flame graphs were pushed again');
    for (const p of again.push.pushed) {
      const first = doc.push.pushed.find((q) => q.target === p.target)!;
      assert.deepEqual({ labels: p.labels, from: p.from, until: p.until }, { labels: first.labels, from: first.from, until: first.until });
    }
    assert.equal(await totalSamples(pyroscope.url, { profileTypeId: CPU, labelSelector: SERVICE, ...window }), before);
  });

  it('an ALLOC run is the store\'s memory profile type, with the flame graph\'s exact samples', async () => {
    const r = await runCli(['profile', 'sample-job', '-n', 'squirrly', '-t', 'ALLOC', '-d', '2', '--taskmanager', doc.targets[0]!.target, '--no-analysis', '--output-dir', out, '--push', pyroscope.url, '-o', 'json'], {
      env: { KUBECONFIG: scenario.kubeconfigPath },
    });
    assert.equal(r.code, 0, r.stderr);
    const alloc = JSON.parse(r.stdout) as PushDoc;
    const expected = await localTotal(alloc.targets[0]!.file);
    const selector = `{service_name="squirrly/sample-job",profile_mode="ALLOC"}`;
    assert.equal(await totalSamples(pyroscope.url, { profileTypeId: 'memory:alloc_samples:count:alloc_samples:count', labelSelector: selector, ...window }), expected);
    assert.equal(await totalSamples(pyroscope.url, { profileTypeId: CPU, labelSelector: selector, ...window }), 0, 'not counted as CPU');
  });
});

describe('--push-tenant into a multi-tenant Pyroscope', { skip: skip ?? false }, () => {
  it('lands in the tenant it names and nowhere else; without a tenant the store refuses, exit 4', async (t) => {
    const [scenario, pyroscope] = await Promise.all([
      startScenario({ clockSpeed: 20, deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 1 }] }),
      startPyroscope({ multiTenant: true }),
    ]);
    const out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-push-tenant-'));
    t.after(async () => {
      await Promise.all([scenario.stop(), pyroscope.stop()]);
      await rm(out, { recursive: true, force: true });
    });
    const window = { startMs: Date.now() - 3_600_000, endMs: Date.now() + 3_600_000 };
    const env = { KUBECONFIG: scenario.kubeconfigPath, SQUIRRLY_PUSH_TENANT: 'team-a' };
    const r = await runCli(['profile', 'sample-job', '-n', 'squirrly', '-d', '2', '--no-analysis', '--output-dir', out, '--push', pyroscope.url, '-o', 'json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as PushDoc;
    const expected = await localTotal(doc.targets[0]!.file);
    const query = { profileTypeId: CPU, labelSelector: SERVICE, ...window };
    assert.equal(await totalSamples(pyroscope.url, { ...query, tenant: 'team-a' }), expected);
    assert.equal(await totalSamples(pyroscope.url, { ...query, tenant: 'team-b' }), 0);

    const refused = await runCli(['artifacts', 'sample-job', '-n', 'squirrly', '--output-dir', out, '--push', pyroscope.url], { env: { KUBECONFIG: scenario.kubeconfigPath } });
    assert.equal(refused.code, 4, refused.stderr);
    assert.match(refused.stderr, /error: push of .* failed: Pyroscope at .* answered HTTP 401/);
    assert.match(refused.stderr, /hint: check SQUIRRLY_PUSH_TOKEN, or SQUIRRLY_PUSH_USERNAME and SQUIRRLY_PUSH_PASSWORD, and --push-tenant/);
  });
});
