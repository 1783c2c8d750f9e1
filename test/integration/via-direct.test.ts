// `--via direct` from inside a pod: the JobManager's REST service by its cluster DNS name at its own
// port, no tunnel. The simulator's Flink REST listens on loopback, so the pod's /etc/hosts (bound
// in its private mount namespace, read by the real resolver) names the service 127.0.0.1 and the
// Service's port is the simulator's.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startScenario, type Scenario } from '../sim/scenario.ts';
import type { RbacRule } from '../sim/types.ts';
import { simOnly } from '../support/cluster.ts';
import { createFlinkTlsCertificates } from '../support/flink-tls.ts';
import { runCliInPod, serviceAccountFolder, type ServiceAccountFolder } from '../support/in-pod.ts';

const NS = 'squirrly';
const SERVICE = 'sample-job-rest.squirrly.svc';

/** krew/rbac.yaml without pods/portforward: --via direct needs no tunnel */
const withoutPortForward: RbacRule[] = [
  { apiGroups: ['flink.apache.org'], resources: ['flinkdeployments'], verbs: ['get', 'list'] },
  { apiGroups: ['flink.apache.org'], resources: ['flinksessionjobs'], verbs: ['get'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
  { apiGroups: [''], resources: ['configmaps', 'services'], verbs: ['get'] },
  { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'] },
];

function line(stdout: string, title: string): string {
  return stdout.split('\n').find((l) => l.slice(2).startsWith(title)) ?? `(no line for ${title})`;
}

/** The operator's REST Service answers at the simulator's port (what the Service would route to). */
function pointServiceAtFlink(scenario: Scenario): number {
  const flink = scenario.flink('sample-job', NS);
  assert.ok(flink);
  const updated = scenario.kube.store.update('services', NS, 'sample-job-rest', (service) => {
    (service.spec as Record<string, unknown>)['ports'] = [{ name: 'rest', port: flink.port, targetPort: 8081, protocol: 'TCP' }];
  });
  assert.ok(updated);
  return flink.port;
}

describe('--via direct inside a pod', { skip: simOnly('the Service port is pointed at the loopback Flink simulator') }, () => {
  let scenario: Scenario;
  let folder: ServiceAccountFolder;
  let port: number;
  before(async () => {
    scenario = await startScenario({ clockSpeed: 20, deployments: [{ name: 'sample-job', namespace: NS, taskManagers: 2 }] });
    port = pointServiceAtFlink(scenario);
    folder = serviceAccountFolder({ token: scenario.addUser('direct', withoutPortForward), caPem: scenario.caPem, namespace: NS });
  });
  after(async () => {
    folder?.cleanup();
    await scenario?.stop();
  });
  const inPod = (args: string[], hosts: Record<string, string> = { [SERVICE]: '127.0.0.1' }) => runCliInPod(args, { serviceAccount: folder, server: scenario.server, hosts });

  it('doctor reaches the service by its DNS name without pods/portforward', async () => {
    const r = await inPod(['doctor', 'sample-job', '--via', 'direct']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(line(r.stdout, 'Flink REST'), new RegExp(`^✔ Flink REST +reachable through the service ${SERVICE.replace(/\./g, '\\.')}:${port} directly \\(Flink 1\\.20\\.1\\)`));
    assert.match(line(r.stdout, 'RBAC create pods/portforward'), /^! .*denied.*--via port-forward/);
    assert.match(r.stdout, /ready to profile .*: kubectl squirrly profile sample-job -n squirrly --via direct/);
  });

  it('profile --via direct saves every flame graph and opens no port-forward', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-out-'));
    try {
      const before = scenario.requests.length;
      const r = await inPod(['profile', 'sample-job', '--via', 'direct', '-d', '1', '--no-analysis', '-o', 'json', '--output-dir', out]);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.targets.length, 2);
      for (const target of doc.targets) {
        assert.equal(target.status, 'saved');
        assert.ok(existsSync(target.file));
      }
      assert.match(r.stderr, new RegExp(`reaching ${SERVICE.replace(/\./g, '\\.')} directly`));
      const mine = scenario.requests.slice(before);
      assert.ok(mine.length > 0);
      assert.equal(mine.filter((entry) => entry.path.endsWith('/portforward')).length, 0);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('a name that does not resolve is one line with the way out', async () => {
    const r = await inPod(['profile', 'sample-job', '--via', 'direct', '-d', '1'], {});
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^error: cannot resolve ${SERVICE.replace(/\./g, '\\.')} \\((ENOTFOUND|EAI_AGAIN)\\): --via direct needs the cluster's DNS$`, 'm'));
    assert.match(r.stderr, /^hint: the service name only resolves where cluster DNS does \(inside a pod\); use --via port-forward from outside the cluster$/m);
    const doctor = await inPod(['doctor', 'sample-job', '--via', 'direct'], {});
    assert.equal(doctor.code, 1);
    assert.match(line(doctor.stdout, 'Flink REST'), /^✗ Flink REST +cannot resolve sample-job-rest\.squirrly\.svc/);
  });

  it('a resolvable name with nothing listening names the service\'s endpoints', async () => {
    const r = await inPod(['doctor', 'sample-job', '--via', 'direct'], { [SERVICE]: '127.0.0.2' });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /cannot connect to sample-job-rest\.squirrly\.svc:\d+ \(ECONNREFUSED\)/);
    assert.match(r.stdout, /kubectl get endpoints sample-job-rest -n squirrly/);
  });
});

describe('--via direct to a REST API over TLS', { skip: simOnly('the Service port is pointed at the loopback Flink simulator') }, () => {
  it('checks the certificate against the service name and saves the flame graphs', async () => {
    const certs = await createFlinkTlsCertificates([SERVICE]);
    const scenario = await startScenario({ clockSpeed: 20, deployments: [{ name: 'sample-job', namespace: NS, taskManagers: 1, restTls: { certPem: certs.certPem, keyPem: certs.keyPem } }] });
    const out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-out-'));
    const folder = serviceAccountFolder({ token: scenario.token, caPem: scenario.caPem, namespace: NS });
    try {
      pointServiceAtFlink(scenario);
      const caFile = path.join(out, 'flink-ca.crt');
      writeFileSync(caFile, certs.caPem);
      const hosts = { [SERVICE]: '127.0.0.1' };
      const r = await runCliInPod(['profile', 'sample-job', '--via', 'direct', '--flink-ca-file', caFile, '-d', '1', '--no-analysis', '-o', 'json', '--output-dir', out], { serviceAccount: folder, server: scenario.server, hosts });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).targets[0].status, 'saved');
      const untrusted = await runCliInPod(['doctor', 'sample-job', '--via', 'direct'], { serviceAccount: folder, server: scenario.server, hosts });
      assert.equal(untrusted.code, 1);
      assert.match(untrusted.stdout, /fix: .*--flink-ca-file/);
    } finally {
      folder.cleanup();
      await rm(out, { recursive: true, force: true });
      await scenario.stop();
    }
  });
});
