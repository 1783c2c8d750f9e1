// `kubectl squirrly doctor` against the simulated cluster: the real CLI in a child process.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { RbacRule, ScenarioSpec } from '../sim/types.ts';
import { startScenario, type TestScenario as Scenario } from '../support/cluster.ts';
import { runCli, type CliResult } from '../support/cli.ts';

const NS = 'squirrly';
const PATCH = `kubectl patch flinkdeployment sample-job -n squirrly --type merge -p '{"spec":{"flinkConfiguration":{"rest.profiling.enabled":"true"}}}'`;

function doctor(kubeconfig: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli(['doctor', 'sample-job', ...args], { env: { KUBECONFIG: kubeconfig, ...env } });
}

async function scenarioFor(t: TestContext, deployment: Partial<NonNullable<ScenarioSpec['deployments']>[number]>): Promise<Scenario> {
  const scenario = await startScenario({ deployments: [{ name: 'sample-job', namespace: NS, taskManagers: 1, ...deployment }] });
  t.after(() => scenario.stop());
  return scenario;
}

/** the line of one check, e.g. line(out, 'Flink version') */
function line(stdout: string, title: string): string {
  return stdout.split('\n').find((l) => l.slice(2).startsWith(title)) ?? `(no line for ${title})`;
}

/** the fix printed under a check */
function fixOf(stdout: string, title: string): string {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => l.slice(2).startsWith(title));
  return /^\s+fix: (.*)$/.exec(lines[at + 1] ?? '')?.[1] ?? '(no fix)';
}

describe('doctor on a healthy deployment', () => {
  let scenario: Scenario;
  before(async () => {
    scenario = await startScenario({ deployments: [{ name: 'sample-job', namespace: NS, taskManagers: 2 }] });
  });
  after(() => scenario.stop());

  it('passes every check, warns only about the builtin analysis, exits 0', async () => {
    const r = await doctor(scenario.kubeconfigPath);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const title of ['kubeconfig', 'API server', 'RBAC get flinkdeployments', 'RBAC list pods', 'RBAC get services', 'RBAC create pods/portforward', 'RBAC create pods/exec', 'FlinkDeployment', 'operator status', 'Flink version', 'profiling enabled', 'Flink REST', 'profiler routes']) {
      assert.match(line(r.stdout, title), /^✔ /, title);
    }
    assert.match(line(r.stdout, 'operator status'), /lifecycleState STABLE, JobManager READY, job RUNNING/);
    assert.match(line(r.stdout, 'Flink REST'), /reachable through a port-forward to sample-job-\S+:8081 \(Flink 1\.20\.1\)/);
    assert.match(line(r.stdout, 'analysis provider'), /^! analysis provider +builtin/);
    assert.match(r.stdout, /ready to profile \(1 warning\(s\)\): kubectl squirrly profile sample-job -n squirrly/);
    assert.doesNotMatch(r.stdout, /kind: Role/);
  });

  it('an OpenAI key makes the analysis check pass; -o json is one document', async () => {
    const r = await doctor(scenario.kubeconfigPath, ['-o', 'json'], { OPENAI_API_KEY: 'sk-test' });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.ok, true);
    assert.deepEqual([doc.deployment, doc.namespace, doc.context], ['sample-job', NS, 'squirrly-sim']);
    assert.ok(doc.checks.every((c: { status: string }) => c.status === 'pass'), JSON.stringify(doc.checks));
    assert.equal(doc.role, null);
    assert.doesNotMatch(r.stdout, /sk-test/);
  });

  it('an unknown deployment fails with the ones that exist and skips what depends on it', async () => {
    const r = await runCli(['doctor', 'nope'], { env: { KUBECONFIG: scenario.kubeconfigPath } });
    assert.equal(r.code, 1);
    assert.match(line(r.stdout, 'FlinkDeployment'), /^✗ FlinkDeployment +FlinkDeployment "nope" not found in namespace "squirrly"/);
    assert.equal(fixOf(r.stdout, 'FlinkDeployment'), 'FlinkDeployments in "squirrly": sample-job');
    for (const title of ['operator status', 'Flink version', 'profiling enabled', 'Flink REST', 'profiler routes']) assert.match(line(r.stdout, title), /^- .*skipped: needs the FlinkDeployment/);
  });
});

describe('doctor names the exact fix', () => {
  it('profiling disabled: the kubectl patch, and the profiler routes are skipped', async (t) => {
    const scenario = await scenarioFor(t, { profiling: false });
    const r = await doctor(scenario.kubeconfigPath);
    assert.equal(r.code, 1);
    assert.match(line(r.stdout, 'profiling enabled'), /^✗ profiling enabled +rest\.profiling\.enabled is not "true" on sample-job/);
    assert.equal(fixOf(r.stdout, 'profiling enabled'), `enable it (the operator restarts the JobManager): ${PATCH}`);
    assert.match(line(r.stdout, 'Flink REST'), /^✔ /);
    assert.match(line(r.stdout, 'profiler routes'), /^- .*skipped: needs Flink 1\.19\+ with rest\.profiling\.enabled/);
    assert.match(r.stdout, /1 check\(s\) failed: profile will not work until they are fixed/);
  });

  it('Flink 1.18: upgrade', async (t) => {
    const scenario = await scenarioFor(t, { flinkVersion: '1.18.1' });
    const r = await doctor(scenario.kubeconfigPath, ['-o', 'json']);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.ok, false);
    const version = doc.checks.find((c: { id: string }) => c.id === 'flink-version');
    assert.deepEqual(version, {
      id: 'flink-version',
      title: 'Flink version',
      status: 'fail',
      detail: 'sample-job runs Flink 1.18.1; the profiler REST API needs Flink 1.19 or newer',
      fix: 'upgrade the deployment to Flink 1.19+ (spec.flinkVersion v1_19 or later and a matching image)',
    });
    assert.equal(doc.checks.find((c: { id: string }) => c.id === 'profiler-routes').status, 'skip');
  });

  it('a token lacking pods/portforward: the Role that grants it, and the REST checks skipped', async (t) => {
    const scenario = await scenarioFor(t, {});
    const rules: RbacRule[] = [
      { apiGroups: ['flink.apache.org'], resources: ['flinkdeployments', 'flinksessionjobs'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods', 'services', 'configmaps'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'] },
    ];
    await scenario.addUser('no-forward', rules);
    const r = await doctor(scenario.writeKubeconfig({ user: 'no-forward' }));
    assert.equal(r.code, 1);
    assert.match(line(r.stdout, 'RBAC create pods/portforward'), /^✗ RBAC create pods\/portforward +denied in namespace squirrly: profile cannot work without it/);
    assert.match(line(r.stdout, 'RBAC create pods/exec'), /^✔ /);
    assert.match(line(r.stdout, 'RBAC get pods/portforward'), /^✗ RBAC get pods\/portforward +denied in namespace squirrly: profile cannot work without it/);
    assert.match(line(r.stdout, 'Flink REST'), /^- .*skipped: needs get pods\/portforward and create pods\/portforward/);
    assert.ok(
      r.stdout.includes(
        [
          'apiVersion: rbac.authorization.k8s.io/v1',
          'kind: Role',
          'metadata:',
          '  name: squirrly',
          '  namespace: squirrly',
          'rules:',
          '- apiGroups: [""]',
          '  resources: ["pods/portforward"]',
          '  verbs: ["get", "create"]',
          '',
          'kubectl create rolebinding squirrly -n squirrly --role squirrly --user YOUR_USER',
        ].join('\n'),
      ),
      r.stdout,
    );
  });

  it('a JobManager that is not ready: the operator status with its error', async (t) => {
    const scenario = await scenarioFor(t, {});
    await scenario.updateDeployment(NS, 'sample-job', (d) => {
      Object.assign(d['status'] as object, { jobManagerDeploymentStatus: 'ERROR', error: 'back-off restarting failed container' });
    });
    const r = await doctor(scenario.kubeconfigPath);
    assert.equal(r.code, 1);
    assert.match(line(r.stdout, 'operator status'), /^✗ operator status +lifecycleState STABLE, JobManager ERROR, job RUNNING; operator error: back-off restarting failed container/);
    assert.match(fixOf(r.stdout, 'operator status'), /kubectl describe flinkdeployment sample-job -n squirrly/);
    assert.match(line(r.stdout, 'Flink REST'), /^- .*skipped: needs a ready JobManager/);
    assert.match(line(r.stdout, 'profiling enabled'), /^✔ /, 'independent checks still run');
  });
});

describe('doctor without a cluster', () => {
  it('an unreachable API server fails that check and skips the rest; the analysis check still runs', async (t) => {
    const scenario = await scenarioFor(t, {});
    // A port that refuses connections: listen, note the port, close.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const kubeconfig = path.join(path.dirname(scenario.kubeconfigPath), 'unreachable.yaml');
    await writeFile(kubeconfig, readFileSync(scenario.kubeconfigPath, 'utf8').replace(scenario.server, `https://127.0.0.1:${port}`));
    const r = await doctor(kubeconfig, ['--request-timeout', '5s']);
    assert.equal(r.code, 1);
    assert.match(line(r.stdout, 'API server'), new RegExp(`^✗ API server +cannot reach the API server at https://127\\.0\\.0\\.1:${port}`));
    assert.match(line(r.stdout, 'RBAC'), /^- RBAC +skipped: needs the API server/);
    assert.match(line(r.stdout, 'analysis provider'), /^! /);
  });

  it('an unknown context fails the kubeconfig check with the known ones', async (t) => {
    const scenario = await scenarioFor(t, {});
    const r = await doctor(scenario.kubeconfigPath, ['--context', 'prod']);
    assert.equal(r.code, 1);
    assert.match(line(r.stdout, 'kubeconfig'), /^✗ kubeconfig +context "prod" does not exist in the kubeconfig/);
    assert.equal(fixOf(r.stdout, 'kubeconfig'), 'known contexts: squirrly-sim');
    assert.match(line(r.stdout, 'API server'), /^- .*skipped: needs a working kubeconfig/);
  });
});
