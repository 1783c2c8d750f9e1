// Credentials a real kube-apiserver judges: a client certificate handed over by an exec helper,
// a tokenFile, and impersonation (user and groups) checked by real RBAC, with kubectl on the same
// kubeconfig as the reference.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectCluster } from '../../src/kube/kube-cluster.ts';
import type { RbacRule } from '../sim/types.ts';
import { writeExecPlugin } from '../support/exec-plugin.ts';
import { runKubectl } from '../support/kubectl.ts';
import { realKubeSkipReason } from './control-plane.ts';
import { startRealScenario, type RealScenario } from './scenario.ts';

const NS = 'squirrly';
const listPods: RbacRule[] = [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }];

describe('credentials on the real control plane', { skip: realKubeSkipReason() }, () => {
  let scenario: RealScenario;
  let dir: string;
  const clusterYaml = () => [
    'clusters:', '- name: real', '  cluster:', `    server: ${scenario.server}`, `    certificate-authority-data: ${Buffer.from(scenario.controlPlane.caPem).toString('base64')}`,
  ];
  const contextYaml = (user: string) => ['contexts:', '- name: real', '  context:', '    cluster: real', `    user: ${user}`, `    namespace: ${NS}`, 'current-context: real', ''];
  before(async () => {
    scenario = await startRealScenario({ deployments: [{ name: 'sample-job', namespace: NS, taskManagers: 1 }] });
    dir = await mkdtemp(path.join(os.tmpdir(), 'squirrly-realkube-creds-'));
  });
  after(async () => {
    await scenario?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('an exec helper that answers with a client certificate and key authenticates as its CN', async () => {
    await scenario.addCertificateUser('exec-cert-user', listPods);
    const pair = await scenario.controlPlane.pki.clientCertificate('exec-cert-user');
    await writeFile(path.join(dir, 'cert.pem'), pair.certPem);
    await writeFile(path.join(dir, 'key.pem'), pair.keyPem);
    const helper = writeExecPlugin(path.join(dir, 'bin'));
    const file = path.join(dir, 'exec-cert.yaml');
    await writeFile(file, [
      ...clusterYaml(),
      'users:', '- name: cert-helper', '  user:', '    exec:', '      apiVersion: client.authentication.k8s.io/v1', `      command: ${helper}`, '      interactiveMode: Never',
      '      env:', '      - name: HELPER_CERT_FILE', `        value: ${path.join(dir, 'cert.pem')}`, '      - name: HELPER_KEY_FILE', `        value: ${path.join(dir, 'key.pem')}`,
      ...contextYaml('cert-helper'),
    ].join('\n'));
    const cluster = await connectCluster({ env: process.env, kubeconfig: file, timeoutMs: 20_000 });
    assert.equal((await cluster.listPods('app=sample-job')).length, 2);
    assert.equal((await cluster.canI({ verb: 'list', group: '', resource: 'pods' })).allowed, true);
    assert.equal((await cluster.canI({ verb: 'create', group: '', resource: 'pods', subresource: 'exec' })).allowed, false, 'only the certificate user\'s own Role applies');
  });

  it('a tokenFile relative to the kubeconfig is read, as kubectl reads it', async () => {
    await writeFile(path.join(dir, 'token'), `${scenario.token}\n`);
    const file = path.join(dir, 'tokenfile.yaml');
    await writeFile(file, [...clusterYaml(), 'users:', '- name: tf', '  user:', '    tokenFile: token', ...contextYaml('tf')].join('\n'));
    const cluster = await connectCluster({ env: {}, kubeconfig: file, timeoutMs: 20_000 });
    const ours = (await cluster.listPods('app=sample-job')).map((p) => p.name).sort();
    const theirs = await runKubectl(['get', 'pods', '-l', 'app=sample-job', '-o', 'name'], { kubeconfig: file });
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.deepEqual(ours, theirs.stdout.trim().split('\n').map((l) => l.replace(/^pod\//, '')).sort());
  });

  it('impersonation: --as takes the impersonated user\'s rights, --as-group adds the group\'s, as real RBAC decides', async () => {
    const admin = scenario.controlPlane.users.admin;
    const file = path.join(dir, 'admin.yaml');
    await writeFile(file, [...clusterYaml(), 'users:', '- name: admin', '  user:', `    token: ${admin.token}`, ...contextYaml('admin')].join('\n'));
    const check = { verb: 'list', group: '', resource: 'pods' };
    const asAdmin = await connectCluster({ env: {}, kubeconfig: file, timeoutMs: 20_000 });
    assert.equal((await asAdmin.canI(check)).allowed, true);
    const asLimited = await connectCluster({ env: {}, kubeconfig: file, timeoutMs: 20_000, overrides: { as: 'limited' } });
    assert.equal((await asLimited.canI(check)).allowed, false, 'the impersonated user has no rights');
    const withGroup = await connectCluster({ env: {}, kubeconfig: file, timeoutMs: 20_000, overrides: { as: 'limited', asGroups: ['system:masters'] } });
    assert.equal((await withGroup.canI(check)).allowed, true, 'the impersonated group grants them');
    const kubectl = await runKubectl(['auth', 'can-i', 'list', 'pods', '--as', 'limited'], { kubeconfig: file });
    assert.equal(kubectl.stdout.trim(), 'no', 'kubectl agrees');
  });
});
