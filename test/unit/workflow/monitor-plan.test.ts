import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAllowed } from '../../sim/kube/rbac.ts';
import { permissionsFor } from '../../../src/workflow/doctor.ts';
import { permissionText } from '../../../src/workflow/doctor-rbac.ts';
import { assembleMonitor, monitorName, monitorSelector, type MonitorSettings } from '../../../src/workflow/monitor-plan.ts';
import { monitorPermissions } from '../../../src/workflow/monitor-permissions.ts';

const settings: MonitorSettings = {
  deploymentRef: 'sample-job',
  deployment: 'sample-job',
  sessionJob: false,
  namespace: 'flink',
  schedule: '*/30 * * * *',
  image: 'registry.example/kubectl-squirrly:0.1.0',
  via: 'port-forward',
  durationSeconds: 45,
  profileFlags: ['--duration', '45'],
};

type Obj = Record<string, any>;

function byKind(plan: ReturnType<typeof assembleMonitor>, kind: string): Obj {
  const found = plan.objects.find((o) => o.kind === kind);
  assert.ok(found, `no ${kind}`);
  return found as Obj;
}

describe('the monitor plan', () => {
  it('is a ServiceAccount, a Role, a RoleBinding to it and a CronJob, all with the same name and labels', () => {
    const plan = assembleMonitor(settings);
    assert.deepEqual(plan.objects.map((o) => o.kind), ['ServiceAccount', 'Role', 'RoleBinding', 'CronJob']);
    for (const o of plan.objects) {
      assert.equal(o.metadata.name, 'squirrly-monitor-sample-job');
      assert.equal(o.metadata.namespace, 'flink');
      assert.deepEqual(o.metadata.labels, { 'app.kubernetes.io/name': 'squirrly-monitor', 'app.kubernetes.io/managed-by': 'kubectl-squirrly', 'squirrly/deployment': 'sample-job' });
    }
    const binding = byKind(plan, 'RoleBinding');
    assert.deepEqual(binding['roleRef'], { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: plan.name });
    assert.deepEqual(binding['subjects'], [{ kind: 'ServiceAccount', name: plan.name, namespace: 'flink' }]);
    const selector = monitorSelector('sample-job').split(',').map((kv) => kv.split('='));
    for (const [key, value] of selector) assert.equal(plan.labels[key!], value, 'the selector status and uninstall use matches what install labels');
  });

  it('runs profile with the output folder on an emptyDir, non-root, read-only, without privileges', () => {
    const cron = byKind(assembleMonitor({ ...settings, push: 'https://pyroscope.example:4040', secret: 'squirrly-keys' }), 'CronJob');
    assert.equal(cron['spec'].concurrencyPolicy, 'Forbid');
    assert.equal(cron['spec'].schedule, '*/30 * * * *');
    assert.ok(cron['spec'].startingDeadlineSeconds > 0 && cron['spec'].successfulJobsHistoryLimit > 0 && cron['spec'].failedJobsHistoryLimit > 0);
    const job = cron['spec'].jobTemplate;
    assert.equal(job.metadata.labels['squirrly/deployment'], 'sample-job', 'Jobs the controller creates carry the labels');
    assert.ok(job.spec.activeDeadlineSeconds > 45, 'the deadline leaves room beyond the profiling time');
    const pod = job.spec.template.spec;
    assert.equal(pod.serviceAccountName, 'squirrly-monitor-sample-job');
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.ok(pod.securityContext.runAsUser > 0);
    assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
    const [container] = pod.containers;
    assert.deepEqual(container.securityContext, { runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    assert.ok(container.resources.requests.cpu && container.resources.limits.memory);
    assert.deepEqual(container.args, ['profile', 'sample-job', '-n', 'flink', '--output-dir', '/var/lib/squirrly/artifacts', '--duration', '45', '--push', 'https://pyroscope.example:4040']);
    assert.deepEqual(container.envFrom, [{ secretRef: { name: 'squirrly-keys' } }]);
    const mounted = new Map(container.volumeMounts.map((m: Obj) => [m['mountPath'], m['name']]));
    const emptyDirs = new Set(pod.volumes.filter((v: Obj) => v['emptyDir']).map((v: Obj) => v['name']));
    assert.ok(emptyDirs.has(mounted.get('/tmp')) && emptyDirs.has(mounted.get('/var/lib/squirrly')), 'the output folder and /tmp are emptyDirs');
    assert.doesNotMatch(JSON.stringify(cron), /squirrly-keys.*OPENAI|apiKey|password/i);
  });

  it('grants every permission doctor requires for the way in, and nothing profile does not use', () => {
    for (const via of ['port-forward', 'proxy', 'direct'] as const) {
      const rules = byKind(assembleMonitor({ ...settings, via }), 'Role')['rules'];
      for (const p of permissionsFor(via).filter((q) => q.required)) {
        assert.ok(isAllowed(rules, { ...p, namespace: 'flink' }), `${via}: ${permissionText(p)} is granted`);
      }
      assert.ok(!isAllowed(rules, { verb: 'list', group: 'flink.apache.org', resource: 'flinkdeployments', namespace: 'flink' }), 'listing deployments only serves an error message');
      assert.ok(!isAllowed(rules, { verb: 'get', group: 'flink.apache.org', resource: 'flinksessionjobs', namespace: 'flink' }));
      assert.ok(!isAllowed(rules, { verb: 'delete', group: '', resource: 'pods', namespace: 'flink' }));
    }
    const proxyRules = byKind(assembleMonitor({ ...settings, via: 'proxy' }), 'Role')['rules'];
    assert.ok(!isAllowed(proxyRules, { verb: 'create', group: '', resource: 'pods', subresource: 'portforward', namespace: 'flink' }), 'the services proxy replaces port-forward');
    const directRules = byKind(assembleMonitor({ ...settings, via: 'direct' }), 'Role')['rules'];
    assert.ok(!isAllowed(directRules, { verb: 'create', group: '', resource: 'pods', subresource: 'portforward', namespace: 'flink' }), '--via direct needs no tunnel');
    assert.ok(isAllowed(directRules, { verb: 'get', group: '', resource: 'services', namespace: 'flink' }), '--via direct reads the REST service\'s port');
    const sessionRules = byKind(assembleMonitor({ ...settings, sessionJob: true }), 'Role')['rules'];
    assert.ok(isAllowed(sessionRules, { verb: 'get', group: 'flink.apache.org', resource: 'flinksessionjobs', namespace: 'flink' }), 'a session job is read to find its cluster');
    assert.deepEqual(monitorPermissions({ via: 'port-forward', sessionJob: false }).map(permissionText), [
      'get flinkdeployments', 'list pods', 'get configmaps', 'get pods/portforward', 'create pods/portforward', 'get pods/exec', 'create pods/exec',
    ]);
  });

  it('names stay DNS-1123 and within the CronJob limit of 52 characters, distinct for long names', () => {
    assert.equal(monitorName('sample-job'), 'squirrly-monitor-sample-job');
    const long = 'a-very-long-flink-deployment-name-for-the-payments-team';
    const other = `${long}-2`;
    for (const name of [long, other, 'x'.repeat(63), 'ends-with-dash-at-the-cut-point-----------zz']) {
      const n = monitorName(name);
      assert.ok(n.length <= 52, `${n} is ${n.length} characters`);
      assert.match(n, /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
    }
    assert.notEqual(monitorName(long), monitorName(other));
  });
});
