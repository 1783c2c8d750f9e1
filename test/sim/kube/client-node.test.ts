// The simulator against the real @kubernetes/client-node over HTTPS and WebSockets.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startScenario, type Scenario } from '../scenario.ts';

const namespace = 'squirrly';

/** client-node rejects a refused upgrade with a ws ErrorEvent that only carries the HTTP status. */
function upgradeRefusedWith(code: number): (error: unknown) => boolean {
  return (error) => (error as { message?: string }).message === `Unexpected server response: ${code}`;
}

function loadConfig(path: string): k8s.KubeConfig {
  const config = new k8s.KubeConfig();
  config.loadFromFile(path);
  return config;
}

function statusBody(error: unknown): { reason?: string; message?: string } {
  assert.ok(error instanceof k8s.ApiException, `expected an ApiException, got ${String(error)}`);
  assert.equal(typeof error.body, 'string');
  return JSON.parse(error.body as string) as { reason?: string; message?: string };
}

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Runs a command through client-node's Exec and collects its output and final status. */
async function execCollect(config: k8s.KubeConfig, pod: string, command: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  stderr.on('data', (c: Buffer) => errChunks.push(c));
  const status = new Promise<k8s.V1Status>((resolve) => {
    void new k8s.Exec(config).exec(namespace, pod, 'flink-main-container', command, stdout, stderr, null, false, resolve);
  });
  const result = await status;
  return { status: result, stdout: Buffer.concat(chunks).toString('utf8'), stderr: Buffer.concat(errChunks).toString('utf8') };
}

describe('Kubernetes simulator with client-node', () => {
  let scenario: Scenario;
  let config: k8s.KubeConfig;
  let jobManager: string;
  let taskManager: string;

  before(async () => {
    scenario = await startScenario({
      namespaces: ['default', 'squirrly', 'other'],
      deployments: [
        { name: 'sample-job', external: true },
        { name: 'other-job', namespace: 'other', external: true, taskManagers: 1 },
      ],
      users: { alice: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'], namespaces: ['other'] }] },
    });
    config = loadConfig(scenario.kubeconfigPath);
    const pods = scenario.pods(namespace);
    jobManager = pods.find((p) => p.labels['component'] === 'jobmanager')?.name ?? assert.fail('no JobManager pod');
    taskManager = pods.find((p) => p.labels['component'] === 'taskmanager')?.name ?? assert.fail('no TaskManager pod');
  });
  after(() => scenario.stop());

  it('lists pods by label selector, field selector and across namespaces', async () => {
    const core = config.makeApiClient(k8s.CoreV1Api);
    const taskManagers = await core.listNamespacedPod({ namespace, labelSelector: 'app=sample-job,component=taskmanager' });
    assert.deepEqual(taskManagers.items.map((p) => p.metadata?.name).sort(), ['sample-job-taskmanager-1-1', 'sample-job-taskmanager-1-2']);
    assert.match(taskManagers.metadata?.resourceVersion ?? '', /^\d+$/);

    const notJobManagers = await core.listNamespacedPod({ namespace, labelSelector: 'component!=jobmanager,type' });
    assert.equal(notJobManagers.items.length, 2);
    const byName = await core.listNamespacedPod({ namespace, fieldSelector: `metadata.name=${jobManager}` });
    assert.deepEqual(byName.items.map((p) => p.metadata?.name), [jobManager]);
    assert.deepEqual(byName.items[0]?.spec?.containers[0]?.ports?.find((p) => p.name === 'rest')?.containerPort, 8081);

    const everywhere = await core.listPodForAllNamespaces({ labelSelector: 'component=jobmanager' });
    assert.deepEqual(everywhere.items.map((p) => p.metadata?.namespace).sort(), ['other', 'squirrly']);
  });

  it('rejects a malformed selector with a 400 Status', async () => {
    const core = config.makeApiClient(k8s.CoreV1Api);
    const error = await core.listNamespacedPod({ namespace, labelSelector: 'app in (a' }).catch((e: unknown) => e);
    assert.equal((error as k8s.ApiException<string>).code, 400);
    assert.equal(statusBody(error).reason, 'BadRequest');
  });

  it('gets the FlinkDeployment as a custom object', async () => {
    const custom = config.makeApiClient(k8s.CustomObjectsApi);
    const deployment = (await custom.getNamespacedCustomObject({
      group: 'flink.apache.org', version: 'v1beta1', namespace, plural: 'flinkdeployments', name: 'sample-job',
    })) as { kind: string; spec: { flinkVersion: string; flinkConfiguration: Record<string, string> }; status: { jobStatus: { jobId: string } } };
    assert.equal(deployment.kind, 'FlinkDeployment');
    assert.equal(deployment.spec.flinkVersion, 'v1_20');
    assert.equal(deployment.spec.flinkConfiguration['rest.profiling.enabled'], 'true');
    assert.match(deployment.status.jobStatus.jobId, /^[0-9a-f]{32}$/);
  });

  it('answers 404 NotFound like the real API server', async () => {
    const custom = config.makeApiClient(k8s.CustomObjectsApi);
    const error = await custom
      .getNamespacedCustomObject({ group: 'flink.apache.org', version: 'v1beta1', namespace, plural: 'flinkdeployments', name: 'nope' })
      .catch((e: unknown) => e);
    assert.equal((error as k8s.ApiException<string>).code, 404);
    const status = statusBody(error);
    assert.equal(status.reason, 'NotFound');
    assert.equal(status.message, 'flinkdeployments.flink.apache.org "nope" not found');
  });

  it('answers 403 Forbidden for a user without the permission, and allows what the rules grant', async () => {
    const alice = loadConfig(scenario.writeKubeconfig({ user: 'alice' })).makeApiClient(k8s.CoreV1Api);
    const error = await alice.listNamespacedPod({ namespace }).catch((e: unknown) => e);
    assert.equal((error as k8s.ApiException<string>).code, 403);
    const status = statusBody(error);
    assert.equal(status.reason, 'Forbidden');
    assert.equal(status.message, 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "squirrly"');
    const allowed = await alice.listNamespacedPod({ namespace: 'other' });
    assert.equal(allowed.items.length, 2);
  });

  it('answers 401 for an unknown token', async () => {
    const bad = new k8s.KubeConfig();
    bad.loadFromOptions({
      clusters: config.clusters,
      users: [{ name: 'intruder', token: 'not-a-valid-token' }],
      contexts: [{ name: 'bad', cluster: config.getCurrentCluster()?.name ?? '', user: 'intruder' }],
      currentContext: 'bad',
    });
    const error = await bad.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace }).catch((e: unknown) => e);
    assert.ok(error instanceof k8s.ApiException);
    assert.equal(error.code, 401);
    assert.equal(scenario.requests.at(-1)?.status, 401);
  });

  it('answers SelfSubjectAccessReviews from the token rules, subresources included', async () => {
    const review = (api: k8s.AuthorizationV1Api, resourceAttributes: k8s.V1ResourceAttributes) =>
      api.createSelfSubjectAccessReview({ body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes } } });
    const admin = config.makeApiClient(k8s.AuthorizationV1Api);
    const alice = loadConfig(scenario.writeKubeconfig({ user: 'alice' })).makeApiClient(k8s.AuthorizationV1Api);
    const exec = { namespace, verb: 'create', group: '', resource: 'pods', subresource: 'exec' };
    assert.equal((await review(admin, exec)).status?.allowed, true);
    assert.equal((await review(alice, exec)).status?.allowed, false);
    assert.equal((await review(alice, { namespace: 'other', verb: 'list', resource: 'pods' })).status?.allowed, true);
    assert.equal((await review(alice, { namespace, verb: 'list', resource: 'pods' })).status?.allowed, false);
  });

  it('runs exec in the pod and reports success and non-zero exit codes on the status channel', async () => {
    const ok = await execCollect(config, taskManager, ['sh', '-c', 'echo "$HOME $FLINK_HOME"; echo oops >&2']);
    assert.equal(ok.status.status, 'Success');
    assert.equal(ok.stdout, '/opt/flink /opt/flink\n');
    assert.equal(ok.stderr, 'oops\n');

    const failed = await execCollect(config, taskManager, ['sh', '-c', 'exit 7']);
    assert.equal(failed.status.status, 'Failure');
    assert.equal(failed.status.reason, 'NonZeroExitCode');
    assert.deepEqual(failed.status.details?.causes, [{ reason: 'ExitCode', message: '7' }]);
  });

  it('never gives an exec child the host environment', async () => {
    const result = await execCollect(config, taskManager, ['env']);
    const names = result.stdout.trim().split('\n').map((line) => line.split('=')[0]).sort();
    assert.deepEqual(names.filter((n) => n !== 'PWD' && n !== 'OLDPWD' && n !== 'SHLVL' && n !== '_'), ['FLINK_HOME', 'HOME', 'PATH']);
  });

  it('refuses exec before the upgrade when RBAC denies it and logs the 403', async () => {
    const alice = loadConfig(scenario.writeKubeconfig({ user: 'alice' }));
    await assert.rejects(
      new k8s.Exec(alice).exec(namespace, taskManager, 'flink-main-container', ['true'], null, null, null, false),
      upgradeRefusedWith(403),
    );
    const logged = scenario.requests.findLast((r) => r.path.endsWith(`/pods/${taskManager}/exec`));
    assert.deepEqual([logged?.user, logged?.status], ['alice', 403]);
  });

  it('refuses exec into an unknown pod with 404 and a broken runtime with 500', async () => {
    await assert.rejects(new k8s.Exec(config).exec(namespace, 'nope', 'flink-main-container', ['true'], null, null, null, false), upgradeRefusedWith(404));
    const pod = scenario.pod(namespace, taskManager) ?? assert.fail('pod vanished');
    pod.execError = 'container runtime is down';
    try {
      await assert.rejects(new k8s.Exec(config).exec(namespace, taskManager, 'flink-main-container', ['true'], null, null, null, false), upgradeRefusedWith(500));
    } finally {
      delete pod.execError;
    }
  });

  describe('port-forward', () => {
    let echo: Server;
    let local: Server;
    let localPort: number;

    before(async () => {
      echo = createServer((socket) => socket.pipe(socket));
      const echoPort = await listen(echo);
      scenario.setPortTarget(namespace, jobManager, 8081, { host: '127.0.0.1', port: echoPort });
      const forward = new k8s.PortForward(config);
      // one WebSocket per local connection, like kubectl port-forward
      local = createServer((socket: Socket) => {
        forward.portForward(namespace, jobManager, [8081], socket, null, socket).catch(() => socket.destroy());
      });
      localPort = await listen(local);
    });
    after(() => {
      echo.close();
      local.close();
    });

    it('carries a large payload both ways unchanged', async () => {
      const payload = randomBytes(24 * 1024 * 1024);
      const socket = connect(localPort, '127.0.0.1');
      const received = createHash('sha256');
      let receivedBytes = 0;
      const done = new Promise<void>((resolve, reject) => {
        socket.on('data', (chunk: Buffer) => {
          received.update(chunk);
          receivedBytes += chunk.length;
          if (receivedBytes >= payload.length) resolve();
        });
        socket.on('error', reject);
        socket.on('close', () => reject(new Error(`closed after ${receivedBytes} bytes`)));
      });
      socket.write(payload);
      await done;
      socket.destroy();
      assert.equal(receivedBytes, payload.length);
      assert.equal(received.digest('hex'), createHash('sha256').update(payload).digest('hex'));
    });

    it('reports an unreachable port on the error channel like the kubelet', async () => {
      const errors = new PassThrough();
      const text: Buffer[] = [];
      errors.on('data', (c: Buffer) => text.push(c));
      const input = new PassThrough();
      const output = new PassThrough();
      const ws = await new k8s.PortForward(config).portForward(namespace, jobManager, [9999], output, errors, input);
      await once(ws as unknown as import('node:events').EventEmitter, 'close');
      assert.match(Buffer.concat(text).toString('utf8'), new RegExp(`^error forwarding port 9999 to pod ${jobManager}, uid : dial tcp4 .*connection refused$`));
    });
  });
});
