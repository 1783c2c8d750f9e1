// The plugin inside a pod: no kubeconfig, KUBERNETES_SERVICE_HOST/PORT and a ServiceAccount folder
// bound on its fixed path in a private mount namespace. Runs on the simulator and, with
// SQUIRRLY_CLUSTER=realkube, on the real API server, where the token is a real ServiceAccount's
// bound token and the Role below is real RBAC.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RbacRule } from '../sim/types.ts';
import { startScenario as startSimScenario } from '../sim/scenario.ts';
import { clusterSkipReason, onRealCluster, simOnly, startScenario, type TestScenario } from '../support/cluster.ts';
import { runCliInPod, serviceAccountFolder, type ServiceAccountFolder } from '../support/in-pod.ts';

const NS = 'squirrly';
const ACCOUNT = 'squirrly-in-pod';
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** the rules of krew/rbac.yaml: what a ServiceAccount needs for doctor and profile, no more */
const pluginRole: RbacRule[] = [
  { apiGroups: ['flink.apache.org'], resources: ['flinkdeployments'], verbs: ['get', 'list'] },
  { apiGroups: ['flink.apache.org'], resources: ['flinksessionjobs'], verbs: ['get'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
  { apiGroups: [''], resources: ['configmaps', 'services'], verbs: ['get'] },
  { apiGroups: [''], resources: ['pods/portforward', 'pods/exec'], verbs: ['get', 'create'] },
];

/** the line of one doctor check */
function line(stdout: string, title: string): string {
  return stdout.split('\n').find((l) => l.slice(2).startsWith(title)) ?? `(no line for ${title})`;
}

describe('in a pod with a ServiceAccount', { skip: clusterSkipReason() }, () => {
  let scenario: TestScenario;
  let token: string;
  let folder: ServiceAccountFolder;
  let out: string;
  before(async () => {
    scenario = await startScenario({ clockSpeed: 20, deployments: [{ name: 'sample-job', namespace: NS, taskManagers: 1 }] });
    token = await scenario.addUser(ACCOUNT, pluginRole);
    folder = serviceAccountFolder({ token, caPem: scenario.caPem, namespace: `${NS}\n` });
    out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-out-'));
  });
  after(async () => {
    folder?.cleanup();
    await rm(out, { recursive: true, force: true });
    await scenario?.stop();
  });

  it('doctor passes with the in-cluster configuration, in the namespace file\'s namespace', async () => {
    const r = await runCliInPod(['doctor', 'sample-job'], { serviceAccount: folder, server: scenario.server });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const account = onRealCluster ? `ServiceAccount \\S+/${ACCOUNT}` : 'the ServiceAccount token';
    assert.match(line(r.stdout, 'kubeconfig'), new RegExp(`^✔ kubeconfig +no kubeconfig: in-cluster configuration with ${account}, namespace ${NS} \\(from ${SA_DIR}/namespace\\)`));
    assert.match(line(r.stdout, 'credentials'), new RegExp(`bearer token read from ${SA_DIR}/token`));
    assert.match(line(r.stdout, 'API server'), new RegExp(`^✔ API server +${scenario.server.replace(/[.[\]]/g, '\\$&')} answers`));
    assert.doesNotMatch(r.stdout + r.stderr, new RegExp(token.slice(-16).replace(/[^\w]/g, '.')));
  });

  it('profile saves a flame graph with the ServiceAccount\'s rights only', async () => {
    const r = await runCliInPod(['profile', 'sample-job', '-d', '1', '--no-analysis', '-o', 'json', '--output-dir', out], { serviceAccount: folder, server: scenario.server });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.namespace, NS);
    assert.equal(doc.targets.length, 1);
    assert.equal(doc.targets[0].status, 'saved');
    assert.ok(existsSync(doc.targets[0].file), doc.targets[0].file);
  });

  it('-n replaces the namespace file, as with kubectl', async () => {
    const r = await runCliInPod(['doctor', 'sample-job', '-n', 'default'], { serviceAccount: folder, server: scenario.server });
    assert.equal(r.code, 1, r.stdout);
    assert.match(line(r.stdout, 'kubeconfig'), /in-cluster configuration with .*, namespace default$/);
    assert.match(line(r.stdout, 'FlinkDeployment'), /not found in namespace "default"/);
  });

  it('a missing token file is one line naming it, exit 1', async () => {
    const empty = serviceAccountFolder({ caPem: scenario.caPem, namespace: NS });
    try {
      const r = await runCliInPod(['profile', 'sample-job', '-d', '1'], { serviceAccount: empty, server: scenario.server });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`^error: in-cluster configuration: the ServiceAccount token ${SA_DIR}/token does not exist$`, 'm'));
      assert.match(r.stderr, /hint: mount the ServiceAccount token in the pod \(automountServiceAccountToken: true\), or pass --token or --kubeconfig/);
      assert.equal(r.stdout, '');
    } finally {
      empty.cleanup();
    }
  });

  it('--token replaces the ServiceAccount token, which then need not be there', async () => {
    const noToken = serviceAccountFolder({ caPem: scenario.caPem, namespace: NS });
    try {
      const r = await runCliInPod(['doctor', 'sample-job', '--token', token], { serviceAccount: noToken, server: scenario.server });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(line(r.stdout, 'kubeconfig'), new RegExp(`no kubeconfig: in-cluster configuration \\(the token given by a flag\\), namespace ${NS} `));
      assert.match(line(r.stdout, 'credentials'), /bearer token from the kubeconfig or --token/);
    } finally {
      noToken.cleanup();
    }
  });

  it('a missing CA is one line naming it; --certificate-authority replaces it', async () => {
    const noCa = serviceAccountFolder({ token, namespace: NS });
    const caFile = path.join(out, 'api-ca.crt');
    writeFileSync(caFile, scenario.caPem);
    try {
      const r = await runCliInPod(['doctor', 'sample-job'], { serviceAccount: noCa, server: scenario.server });
      assert.equal(r.code, 1);
      assert.match(line(r.stdout, 'kubeconfig'), new RegExp(`^✗ kubeconfig +in-cluster configuration: the ServiceAccount CA ${SA_DIR}/ca.crt does not exist`));
      const replaced = await runCliInPod(['doctor', 'sample-job', '--certificate-authority', caFile], { serviceAccount: noCa, server: scenario.server });
      assert.equal(replaced.code, 0, replaced.stdout);
      assert.match(line(replaced.stdout, 'API server'), /^✔ API server/);
    } finally {
      noCa.cleanup();
    }
  });
});

describe('a rotated ServiceAccount token', { skip: simOnly('the request log shows which token each request carried') }, () => {
  it('is read again for the next request after the file is replaced', async () => {
    const scenario = await startSimScenario({ deployments: [{ name: 'sample-job', namespace: NS, taskManagers: 1 }] });
    const first = scenario.addUser('first-token', pluginRole);
    const second = scenario.addUser('second-token', pluginRole);
    const folder = serviceAccountFolder({ token: first, caPem: scenario.caPem, namespace: NS });
    try {
      // the first request (GET /version) is held until the file has been replaced
      scenario.kube.addDelay('/version', 5_000);
      const running = runCliInPod(['doctor', 'sample-job'], { serviceAccount: folder, server: scenario.server });
      for (let waited = 0; scenario.requests.length === 0; waited += 20) {
        if (waited > 60_000) throw new Error('the plugin sent no request');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      folder.rotateToken(`${second}\n`);
      const r = await running;
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const users = scenario.requests.map((entry) => entry.user);
      assert.equal(scenario.requests[0]?.path, '/version');
      assert.equal(users[0], 'first-token');
      assert.ok(users.length > 5, `${users.length} requests`);
      assert.deepEqual(new Set(users.slice(1)), new Set(['second-token']));
    } finally {
      folder.cleanup();
      await scenario.stop();
    }
  });
});
