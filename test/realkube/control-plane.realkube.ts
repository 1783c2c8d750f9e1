// The real control plane itself, and what only it can show: a real kube-apiserver's version and node,
// exec exit codes and per-pod files through kwok, a client-certificate user, the Role that krew ships
// applied with real RBAC, and the SelfSubjectAccessReview refusals doctor reports for a token without
// pods/exec.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { allowEverything } from '../sim/kube/rbac.ts';
import type { RbacRule } from '../sim/types.ts';
import { repoRoot, runCli } from '../support/cli.ts';
import { runKubectl } from '../support/kubectl.ts';
import { waitUntil } from './api.ts';
import { nodeName, realKubeSkipReason } from './control-plane.ts';
import { startRealScenario, type RealScenario } from './scenario.ts';

const NS = 'squirrly';

/** the line of one doctor check */
function line(stdout: string, title: string): string {
  return stdout.split('\n').find((l) => l.slice(2).startsWith(title)) ?? `(no line for ${title})`;
}

describe('the real control plane', { skip: realKubeSkipReason() }, () => {
  let scenario: RealScenario;
  let out = '';
  const taskManagers = () => scenario.pods(NS).filter((p) => p.labels['component'] === 'taskmanager').map((p) => p.name).sort();
  before(async () => {
    scenario = await startRealScenario({ clockSpeed: 20, deployments: [{ name: 'sample-job', namespace: NS, taskManagers: 2 }] });
    out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-realkube-out-'));
  });
  after(async () => {
    await scenario?.stop();
    await rm(out, { recursive: true, force: true });
  });

  it('is kube-apiserver v1.37.2 with a Ready kwok node, and the pods run on it', async () => {
    const version = await runKubectl(['version', '-o', 'json'], { kubeconfig: scenario.kubeconfigPath });
    assert.equal(version.code, 0, version.stderr);
    assert.equal(JSON.parse(version.stdout).serverVersion.gitVersion, 'v1.37.2');
    const pods = await runKubectl(['get', 'pods', '-n', NS, '-o', 'json'], { kubeconfig: scenario.kubeconfigPath });
    assert.equal(pods.code, 0, pods.stderr);
    const items = JSON.parse(pods.stdout).items as Array<{ spec: { nodeName: string }; status: { phase: string; podIP: string } }>;
    assert.equal(items.length, 3);
    for (const pod of items) {
      assert.equal(pod.spec.nodeName, nodeName);
      assert.equal(pod.status.phase, 'Running');
      assert.match(pod.status.podIP, /^127\.42\./);
    }
  });

  it('exec gives the command exit code back (kwok is patched for it)', async () => {
    const [tm] = taskManagers();
    const r = await runKubectl(['exec', '-n', NS, tm!, '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'], { kubeconfig: scenario.kubeconfigPath });
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, 'out\n');
    assert.match(r.stderr, /^err\ncommand terminated with exit code 3\n$/);
  });

  it('each pod sees its own /tmp and /opt/flink, and none of the host environment', async () => {
    const [tm1, tm2] = taskManagers() as [string, string];
    await writeFile(path.join(scenario.podFsRoot(NS, tm1), 'tmp', 'marker.txt'), 'only in tm1\n');
    const own = await runKubectl(['exec', '-n', NS, tm1, '--', 'sh', '-c', 'cat /tmp/marker.txt; pwd; env | sort'], { kubeconfig: scenario.kubeconfigPath });
    assert.equal(own.code, 0, own.stderr);
    assert.match(own.stdout, /^only in tm1\n\/opt\/flink\n/);
    assert.doesNotMatch(own.stdout, /KWOK_|SQUIRRLY_|KUBECONFIG/);
    const other = await runKubectl(['exec', '-n', NS, tm2, '--', 'cat', '/tmp/marker.txt'], { kubeconfig: scenario.kubeconfigPath });
    assert.equal(other.code, 1);
    assert.match(other.stderr, /No such file or directory/);
  });

  it('a client-certificate user profiles like a token user', async () => {
    await scenario.addCertificateUser('cert-user', allowEverything, ['squirrly-testers']);
    const kubeconfig = scenario.writeKubeconfig({ user: 'cert-user' });
    assert.match(readFileSync(kubeconfig, 'utf8'), /client-certificate-data/);
    const whoami = await runKubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig });
    assert.equal(whoami.code, 0, whoami.stderr);
    const user = JSON.parse(whoami.stdout).status.userInfo;
    assert.equal(user.username, 'cert-user');
    assert.ok(user.groups.includes('squirrly-testers'), whoami.stdout);
    const r = await runCli(['profile', 'sample-job', '-d', '1', '--no-analysis', '--output-dir', out, '-o', 'json'], { env: { KUBECONFIG: kubeconfig } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).targets.map((t: { status: string }) => t.status), ['saved', 'saved']);
  });

  it('a token without pods/exec: doctor shows the API server refusing it; artifacts still lists the REST history', async () => {
    const rules: RbacRule[] = [
      { apiGroups: ['flink.apache.org'], resources: ['flinkdeployments', 'flinksessionjobs'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods/portforward'], verbs: ['get', 'create'] },
    ];
    await scenario.addUser('no-exec', rules);
    const kubeconfig = scenario.writeKubeconfig({ user: 'no-exec' });
    const doctor = await runCli(['doctor', 'sample-job'], { env: { KUBECONFIG: kubeconfig } });
    assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
    assert.match(line(doctor.stdout, 'RBAC get pods/exec'), /^! RBAC get pods\/exec +denied in namespace squirrly/);
    assert.match(line(doctor.stdout, 'RBAC create pods/exec'), /^! RBAC create pods\/exec +denied in namespace squirrly/);
    assert.match(line(doctor.stdout, 'RBAC create pods/portforward'), /^✔ /);
    assert.match(line(doctor.stdout, 'Flink REST'), /^✔ /);

    const sim = scenario.flink('sample-job')!;
    const tm = taskManagers()[0]!;
    const started = await fetch(`${sim.url}/taskmanagers/${tm}/profiler`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'WALL', duration: 1 }) });
    assert.equal(started.status, 200);
    const artifacts = await runCli(['artifacts', 'sample-job', '-o', 'json', '--output-dir', out], { env: { KUBECONFIG: kubeconfig } });
    assert.equal(artifacts.code, 0, artifacts.stderr);
    const doc = JSON.parse(artifacts.stdout);
    assert.ok(doc.runs.some((run: { target: string; mode: string }) => run.target === tm && run.mode === 'WALL'), artifacts.stdout);
  });
});

describe("the Role krew ships, applied with real RBAC", { skip: realKubeSkipReason() }, () => {
  const namespace = 'krew-rbac';
  let scenario: RealScenario;
  let out = '';
  before(async () => {
    scenario = await startRealScenario({ clockSpeed: 20, deployments: [{ name: 'sample-job', namespace, taskManagers: 1 }] });
    out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-realkube-out-'));
  });
  after(async () => {
    await runKubectl(['delete', '-n', namespace, 'role/squirrly', 'rolebinding/squirrly', '--ignore-not-found'], { kubeconfig: scenario.kubeconfigPath });
    await scenario?.stop();
    await rm(out, { recursive: true, force: true });
  });

  it('is all a user without any other right needs for doctor and profile', async () => {
    const manifest = readFileSync(path.join(repoRoot, 'krew', 'rbac.yaml'), 'utf8').replaceAll('NAMESPACE', namespace).replace('YOUR_USER', scenario.controlPlane.users.limited.name);
    const applied = await runKubectl(['apply', '-f', '-'], { kubeconfig: scenario.kubeconfigPath, stdin: manifest });
    assert.equal(applied.code, 0, applied.stderr);
    const kubeconfig = path.join(out, 'limited.yaml');
    await writeFile(kubeconfig, readFileSync(scenario.kubeconfigPath, 'utf8').replace(scenario.token, scenario.controlPlane.users.limited.token), { mode: 0o600 });
    // the authorizer reads RBAC from a cache that follows the objects a moment later
    await waitUntil('the Role to take effect', async () => {
      const canI = await runKubectl(['auth', 'can-i', 'create', 'pods', '--subresource', 'exec', '-n', namespace], { kubeconfig });
      return canI.stdout.trim() === 'yes' ? true : undefined;
    }, 30_000, 200);

    const doctor = await runCli(['doctor', 'sample-job', '-n', namespace, '-o', 'json'], { env: { KUBECONFIG: kubeconfig } });
    const doc = JSON.parse(doctor.stdout);
    const rbac = doc.checks.filter((c: { id: string }) => c.id.startsWith('rbac'));
    assert.ok(rbac.length >= 5 && rbac.every((c: { status: string }) => c.status === 'pass'), JSON.stringify(rbac));
    const profile = await runCli(['profile', 'sample-job', '-n', namespace, '-d', '1', '--no-analysis', '--output-dir', out, '-o', 'json'], { env: { KUBECONFIG: kubeconfig } });
    assert.equal(profile.code, 0, profile.stderr);
    assert.deepEqual(JSON.parse(profile.stdout).targets.map((t: { status: string }) => t.status), ['saved']);
  });
});
