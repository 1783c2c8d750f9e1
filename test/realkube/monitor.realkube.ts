// `monitor` against the real API server: the printed manifests pass its validation (kubectl's
// server-side dry run and the plugin's own server-side apply), status reads Jobs shaped as the
// CronJob controller makes them, uninstall removes what install made, and the installed Role is
// enough for `doctor` and `profile` with the ServiceAccount's own token (TokenRequest) while
// taking away any required rule breaks them.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, type CliResult } from '../support/cli.ts';
import { runCliInPod, serviceAccountFolder, type ServiceAccountFolder } from '../support/in-pod.ts';
import { runKubectl } from '../support/kubectl.ts';
import { waitUntil, type AdminApi } from './api.ts';
import { realKubeSkipReason } from './control-plane.ts';
import { startRealScenario, type RealScenario } from './scenario.ts';

const NS = `monitor-${randomBytes(3).toString('hex')}`;
const NAME = 'squirrly-monitor-sample-job';
const IMAGE = 'registry.example/kubectl-squirrly:0.1.0';
const installArgs = ['install', 'sample-job', '--schedule', '*/5 * * * *', '--image', IMAGE, '-d', '1', '--no-analysis'];
const batch = `/apis/batch/v1/namespaces/${NS}`;
const rbac = `/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}`;

describe('monitor on the real control plane', { skip: realKubeSkipReason() }, () => {
  let scenario: RealScenario;
  let api: AdminApi;
  let dir: string;
  const folders: ServiceAccountFolder[] = [];
  const monitor = (args: string[], kubeconfig = scenario.kubeconfigPath): Promise<CliResult> => runCli(['monitor', ...args, '-n', NS], { env: { KUBECONFIG: kubeconfig } });

  before(async () => {
    scenario = await startRealScenario({ clockSpeed: 20, deployments: [{ name: 'sample-job', namespace: NS, taskManagers: 1 }] });
    api = scenario.controlPlane.admin;
    dir = await mkdtemp(path.join(os.tmpdir(), 'squirrly-realkube-monitor-'));
  });
  after(async () => {
    await scenario?.stop();
    for (const folder of folders) folder.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('the printed manifests pass kubectl apply --dry-run=server, client-side and server-side', async () => {
    const printed = await monitor([...installArgs, '--push', 'https://pyroscope.example:4040', '--secret', 'squirrly-keys', '--time-zone', 'Europe/Berlin']);
    assert.equal(printed.code, 0, printed.stderr);
    for (const mode of [[], ['--server-side']]) {
      const applied = await runKubectl(['apply', '--dry-run=server', ...mode, '-f', '-'], { kubeconfig: scenario.kubeconfigPath, stdin: printed.stdout });
      assert.equal(applied.code, 0, applied.stderr);
      for (const kind of ['serviceaccount', 'role.rbac.authorization.k8s.io', 'rolebinding.rbac.authorization.k8s.io', 'cronjob.batch']) {
        assert.match(applied.stdout, new RegExp(`${kind.replaceAll('.', '\\.')}/${NAME} (created|serverside-applied) \\(server dry run\\)`), applied.stdout);
      }
    }
    assert.equal((await api.send('GET', `${batch}/cronjobs/${NAME}`)).status, 404, 'a dry run stores nothing');
  });

  it('--apply creates each object, reports unchanged on a second run and configured when a flag changes', async () => {
    const first = await monitor([...installArgs, '--apply']);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(outcomes(first.stdout), [`serviceaccount/${NAME} created`, `role/${NAME} created`, `rolebinding/${NAME} created`, `cronjob/${NAME} created`]);
    const again = await monitor([...installArgs, '--apply']);
    assert.deepEqual(outcomes(again.stdout), [`serviceaccount/${NAME} unchanged`, `role/${NAME} unchanged`, `rolebinding/${NAME} unchanged`, `cronjob/${NAME} unchanged`]);
    const changed = await monitor([...installArgs.map((a) => (a === '*/5 * * * *' ? '0 * * * *' : a)), '--apply']);
    assert.deepEqual(outcomes(changed.stdout), [`serviceaccount/${NAME} unchanged`, `role/${NAME} unchanged`, `rolebinding/${NAME} unchanged`, `cronjob/${NAME} configured`]);
    const cronJob = await api.get(`${batch}/cronjobs/${NAME}`);
    assert.equal(cronJob.spec.schedule, '0 * * * *');
    assert.equal(cronJob.spec.concurrencyPolicy, 'Forbid');
    assert.ok(cronJob.metadata.managedFields.some((f: { manager: string; operation: string }) => f.manager === 'kubectl-squirrly' && f.operation === 'Apply'), 'written by server-side apply under the plugin\'s field manager');
    // what kubectl's client-side apply printed is the same set of objects: it reports them unchanged
    const printed = await monitor(installArgs.map((a) => (a === '*/5 * * * *' ? '0 * * * *' : a)));
    const diff = await runKubectl(['diff', '--server-side', '--field-manager', 'kubectl-squirrly', '-f', '-'], { kubeconfig: scenario.kubeconfigPath, stdin: printed.stdout });
    assert.equal(diff.code, 0, `kubectl diff found differences:\n${diff.stdout}${diff.stderr}`);
  });

  it('status shows the CronJob and the Jobs it owns, newest first, with duration and the Job controller\'s outcome', async () => {
    const cronJob = await api.get(`${batch}/cronjobs/${NAME}`);
    const t0 = Date.parse('2026-03-01T10:00:00Z');
    await createJob(api, cronJob, `${NAME}-29500000`, { start: t0, end: t0 + 75_000, condition: 'Complete' });
    await createJob(api, cronJob, `${NAME}-29500060`, { start: t0 + 3_600_000, end: t0 + 3_600_000 + 660_000, condition: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    await createJob(api, cronJob, `${NAME}-29500120`, { start: t0 + 7_200_000 });
    // labelled like the monitor's Jobs but not owned by its CronJob: not one of its runs
    await createJob(api, undefined, 'hand-made-copy', { start: t0 + 9_000_000 });
    await api.mergePatch(`${batch}/cronjobs/${NAME}/status`, { status: { lastScheduleTime: new Date(t0 + 7_200_000).toISOString(), lastSuccessfulTime: new Date(t0 + 75_000).toISOString() } });

    const text = await monitor(['status', 'sample-job']);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.split('\n');
    assert.match(lines[0]!, new RegExp(`^${NAME} \\(deployment sample-job, namespace ${NS}\\)`));
    assert.match(lines[1]!, /schedule 0 \* \* \* \*, waiting; last scheduled 2026-03-01 12:00:00, last success 2026-03-01 10:01:15/);
    const rows = lines.filter((l) => l.includes(`${NAME}-295`));
    assert.equal(rows.length, 3, text.stdout);
    assert.match(rows[0]!, /29500120\s+2026-03-01 12:00:00\s+\S+\s+running/);
    assert.match(rows[1]!, /29500060\s+2026-03-01 11:00:00\s+11m00s\s+Failed \(DeadlineExceeded: Job was active longer than specified deadline\)/);
    assert.match(rows[2]!, /29500000\s+2026-03-01 10:00:00\s+1m15s\s+Complete/);
    assert.doesNotMatch(text.stdout, /hand-made-copy/);

    const json = JSON.parse((await runCli(['monitor', 'status', '-n', NS, '-o', 'json'], { env: { KUBECONFIG: scenario.kubeconfigPath } })).stdout);
    assert.deepEqual(json.monitors.map((m: { name: string }) => m.name), [NAME], 'status without a deployment lists every monitor');
    assert.deepEqual(json.monitors[0].jobs.map((j: { state: string; durationMs: number | null }) => [j.state, j.durationMs]).slice(1), [['failed', 660_000], ['complete', 75_000]]);
    assert.equal(json.monitors[0].jobs[1].reason, 'DeadlineExceeded');
  });

  it('in the pod\'s place, with the ServiceAccount\'s own token (TokenRequest), doctor passes and profile saves a flame graph with exactly the installed Role', async () => {
    const pod = await podServiceAccount();
    // the CronJob's own arguments, with a local output folder instead of the pod's emptyDir
    const cronJob = await api.get(`${batch}/cronjobs/${NAME}`);
    const args: string[] = cronJob.spec.jobTemplate.spec.template.spec.containers[0].args;
    assert.deepEqual(args.slice(0, 4), ['profile', 'sample-job', '-n', NS]);
    const doctor = await runCliInPod(['doctor', 'sample-job'], { serviceAccount: pod, server: scenario.server });
    assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
    for (const title of ['RBAC get flinkdeployments', 'RBAC list pods', 'RBAC get pods/portforward', 'RBAC create pods/portforward', 'RBAC get configmaps', 'RBAC create pods/exec']) {
      assert.match(doctor.stdout, new RegExp(`✔ ${title.replace('/', '\\/')}\\s+allowed`), `${title}:\n${doctor.stdout}`);
    }
    assert.match(doctor.stdout, new RegExp(`ServiceAccount ${NS}/${NAME}`), 'doctor runs in-cluster, as the ServiceAccount');
    const out = path.join(dir, 'as-pod');
    const profile = await runCliInPod(args.map((a) => (a === '/var/lib/squirrly/artifacts' ? out : a)), { serviceAccount: pod, server: scenario.server });
    assert.equal(profile.code, 0, profile.stdout + profile.stderr);
    const saved = (await readdir(out, { recursive: true })).filter((f) => f.endsWith('.html'));
    assert.ok(saved.length > 0, `a flame graph was saved:\n${profile.stdout}`);
  });

  it('taking any required rule out of the installed Role makes doctor and profile fail, naming it', async () => {
    const pod = await podServiceAccount();
    const installed = await api.get(`${rbac}/roles/${NAME}`);
    const required = [
      { group: 'flink.apache.org', resource: 'flinkdeployments', verb: 'get' },
      { group: '', resource: 'pods', verb: 'list' },
      { group: '', resource: 'pods/portforward', verb: 'create' },
    ];
    try {
      for (const cut of required) {
        // the one verb on the one resource goes; the rule's other resources keep all their verbs
        const rules = (installed.rules as Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>).flatMap((r) => {
          if (!r.apiGroups.includes(cut.group) || !r.resources.includes(cut.resource)) return [r];
          const others = r.resources.filter((x) => x !== cut.resource);
          return [
            ...(others.length > 0 ? [{ ...r, resources: others }] : []),
            { ...r, resources: [cut.resource], verbs: r.verbs.filter((v) => v !== cut.verb) },
          ].filter((x) => x.verbs.length > 0);
        });
        await setRules(rules, cut);
        const doctor = await runCliInPod(['doctor', 'sample-job'], { serviceAccount: pod, server: scenario.server });
        assert.equal(doctor.code, 1, `without ${cut.verb} ${cut.resource} doctor must fail:\n${doctor.stdout}`);
        assert.match(doctor.stdout, new RegExp(`✗ RBAC ${cut.verb} ${cut.resource.replace('/', '\\/')}\\s+denied`));
        assert.equal((doctor.stdout.match(/✗ RBAC/g) ?? []).length, 1, `only the cut rule fails:\n${doctor.stdout}`);
        const profile = await runCliInPod(['profile', 'sample-job', '-d', '1', '--no-analysis', '--output-dir', path.join(dir, 'cut')], { serviceAccount: pod, server: scenario.server });
        assert.equal(profile.code, 1, `without ${cut.verb} ${cut.resource} profile must fail:\n${profile.stderr}`);
        assert.match(profile.stderr, /permission denied|forbidden|403/i);
      }
    } finally {
      await setRules(installed.rules);
    }
  });

  it('--apply by someone who may not write Roles stops at the Role and says what installing needs', async () => {
    await scenario.addUser('installer-without-rbac', [
      { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get', 'create', 'patch'] },
      { apiGroups: ['batch'], resources: ['cronjobs'], verbs: ['get', 'create', 'patch'] },
    ]);
    const kubeconfig = scenario.writeKubeconfig({ user: 'installer-without-rbac', namespace: NS });
    const result = await monitor([...installArgs, '--apply'], kubeconfig);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.deepEqual(outcomes(result.stdout), [`serviceaccount/${NAME} unchanged`]);
    assert.match(result.stderr, /cannot apply the monitor's Role in namespace .*: permission denied: you may not get roles/);
    assert.match(result.stderr, /installing needs get and patch on serviceaccounts, roles, rolebindings and cronjobs/);
  });

  it('uninstall deletes what install made, one line each, and says so when nothing is left', async () => {
    const removed = await monitor(['uninstall', 'sample-job']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(outcomes(removed.stdout), [`cronjob/${NAME} deleted`, `rolebinding/${NAME} deleted`, `role/${NAME} deleted`, `serviceaccount/${NAME} deleted`]);
    for (const collection of [`${batch}/cronjobs`, `${rbac}/rolebindings`, `${rbac}/roles`, `/api/v1/namespaces/${NS}/serviceaccounts`]) {
      assert.equal((await api.send('GET', `${collection}/${NAME}`)).status, 404, collection);
    }
    const again = await monitor(['uninstall', 'sample-job']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, `no monitor for sample-job in namespace ${NS}: nothing to remove\n`);
    const status = await monitor(['status', 'sample-job']);
    assert.match(status.stdout, /^no monitor for sample-job in namespace/);
  });

  /** The files the kubelet would mount for the monitor's pod: a fresh token of its ServiceAccount, the CA, the namespace. */
  async function podServiceAccount(): Promise<ServiceAccountFolder> {
    const request = await api.create(`/api/v1/namespaces/${NS}/serviceaccounts/${NAME}/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } });
    const folder = serviceAccountFolder({ token: String(request.status.token), caPem: scenario.controlPlane.caPem, namespace: NS });
    folders.push(folder);
    return folder;
  }

  /** Replaces the installed Role's rules and waits until the authorizer agrees about `probe`. */
  async function setRules(rules: unknown[], probe?: { group: string; resource: string; verb: string }): Promise<void> {
    const current = await api.get(`${rbac}/roles/${NAME}`);
    await api.call('PUT', `${rbac}/roles/${NAME}`, { ...current, rules });
    const [resource, subresource] = (probe?.resource ?? 'pods').split('/');
    const attributes = { namespace: NS, verb: probe?.verb ?? 'list', group: probe?.group ?? '', resource, subresource: subresource ?? '' };
    await waitUntil('the Role change to take effect', async () => {
      const review = await api.create('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
        spec: { user: `system:serviceaccount:${NS}:${NAME}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${NS}`, 'system:authenticated'], resourceAttributes: attributes },
      });
      return Boolean(review.status?.allowed) === (probe === undefined) ? true : undefined;
    }, 30_000, 100);
  }
});

function outcomes(stdout: string): string[] {
  return stdout.split('\n').filter((l) => /^(serviceaccount|role|rolebinding|cronjob)\//.test(l));
}

/** A Job as the CronJob controller creates it (its labels, owned by the CronJob) with the status the Job controller would write. */
async function createJob(api: AdminApi, cronJob: any, name: string, run: { start: number; end?: number; condition?: 'Complete' | 'Failed'; reason?: string; message?: string }): Promise<void> {
  const template = cronJob?.spec.jobTemplate ?? (await api.get(`${batch}/cronjobs/${NAME}`)).spec.jobTemplate;
  const job = await api.create(`${batch}/jobs`, {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      labels: template.metadata.labels,
      ...(cronJob ? { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cronJob.metadata.name, uid: cronJob.metadata.uid, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: template.spec,
  });
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const conditions = run.condition === undefined ? [] : [
    // since Kubernetes 1.31 the terminal condition must follow the interim one the Job controller sets first
    { type: run.condition === 'Complete' ? 'SuccessCriteriaMet' : 'FailureTarget', status: 'True', lastProbeTime: iso(run.end!), lastTransitionTime: iso(run.end!), ...(run.reason ? { reason: run.reason } : {}), ...(run.message ? { message: run.message } : {}) },
    { type: run.condition, status: 'True', lastProbeTime: iso(run.end!), lastTransitionTime: iso(run.end!), ...(run.reason ? { reason: run.reason } : {}), ...(run.message ? { message: run.message } : {}) },
  ];
  await api.call('PUT', `${batch}/jobs/${name}/status`, {
    ...job,
    status: {
      startTime: iso(run.start),
      ...(run.condition === 'Complete' ? { completionTime: iso(run.end!), succeeded: 1 } : {}),
      ...(run.condition === 'Failed' ? { failed: 1 } : {}),
      ...(run.condition === undefined ? { active: 1 } : {}),
      ...(conditions.length > 0 ? { conditions } : {}),
      ...(run.condition === undefined ? {} : { ready: 0, terminating: 0, uncountedTerminatedPods: {} }),
    },
  });
}
