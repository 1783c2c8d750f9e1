// The scenario API: operator-shaped objects, the Flink simulator behind the JobManager's port 8081,
// fault hooks and the `npm run sim` entry point.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { get } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { request } from 'node:https';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { startScenario, type Scenario } from '../scenario.ts';

function loadConfig(path: string): k8s.KubeConfig {
  const config = new k8s.KubeConfig();
  config.loadFromFile(path);
  return config;
}

/** GET of a JSON document over plain HTTP, one connection per request. */
async function getJson(port: number, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          reject(error);
        }
      });
      res.on('error', reject);
    }).on('error', reject);
  });
}

describe('scenario with a native application deployment', () => {
  let scenario: Scenario;
  let forwarder: Server;
  let forwardedPort: number;

  before(async () => {
    scenario = await startScenario({ deployments: [{ name: 'sample-job', taskManagers: 3 }], clockSpeed: 10 });
    const config = loadConfig(scenario.kubeconfigPath);
    const jobManager = scenario.pods('squirrly').find((p) => p.labels['component'] === 'jobmanager') ?? assert.fail('no JobManager');
    const forward = new k8s.PortForward(config);
    forwarder = createServer((socket: Socket) => {
      forward.portForward('squirrly', jobManager.name, [8081], socket, null, socket).catch(() => socket.destroy());
    });
    forwarder.listen(0, '127.0.0.1');
    await once(forwarder, 'listening');
    forwardedPort = (forwarder.address() as AddressInfo).port;
  });
  after(async () => {
    forwarder.close();
    await scenario.stop();
  });

  it('names and labels pods like the operator and Flink do', () => {
    const pods = scenario.pods('squirrly');
    const jobManagers = pods.filter((p) => p.labels['component'] === 'jobmanager');
    assert.equal(jobManagers.length, 1);
    assert.match(jobManagers[0]?.name ?? '', /^sample-job-[0-9a-f]{10}-[a-z0-9]{5}$/);
    assert.deepEqual(
      pods.filter((p) => p.labels['component'] === 'taskmanager').map((p) => p.name).sort(),
      ['sample-job-taskmanager-1-1', 'sample-job-taskmanager-1-2', 'sample-job-taskmanager-1-3'],
    );
    for (const pod of pods) {
      assert.equal(pod.labels['app'], 'sample-job');
      assert.equal(pod.labels['type'], 'flink-native-kubernetes');
      assert.deepEqual(pod.containers, ['flink-main-container']);
      assert.ok(existsSync(scenario.podFsRoot('squirrly', pod.name)));
    }
  });

  it('serves the Flink REST simulator through a port-forward to the JobManager port 8081', async () => {
    const config = (await getJson(forwardedPort, '/config')) as Record<string, unknown>;
    assert.equal(config['flink-version'], '1.20.1');
    const taskManagers = (await getJson(forwardedPort, '/taskmanagers')) as { taskmanagers: Array<{ id: string }> };
    const podNames = scenario.pods('squirrly').filter((p) => p.labels['component'] === 'taskmanager').map((p) => p.name);
    assert.deepEqual(taskManagers.taskmanagers.map((t) => t.id).sort(), podNames.sort());
    assert.ok(scenario.flink('sample-job') !== undefined);
  });

  it('reports the same JobID in the FlinkDeployment status as the Flink REST API', async () => {
    const jobs = (await getJson(forwardedPort, '/jobs/overview')) as { jobs: Array<{ jid: string }> };
    const deployment = scenario.kube.store.get('flinkdeployments', 'squirrly', 'sample-job');
    assert.deepEqual(jobs.jobs.map((j) => j.jid), [deployment?.status?.['jobStatus']?.jobId]);
  });

  it('lets a test mutate the FlinkDeployment and writes kubeconfigs for other namespaces', async () => {
    scenario.updateDeployment('squirrly', 'sample-job', (d) => {
      if (d.status) d.status['jobManagerDeploymentStatus'] = 'DEPLOYING';
    });
    const config = loadConfig(scenario.writeKubeconfig({ namespace: 'default', context: 'elsewhere' }));
    assert.equal(config.getCurrentContext(), 'elsewhere');
    assert.equal(config.getContextObject('elsewhere')?.namespace, 'default');
    const custom = config.makeApiClient(k8s.CustomObjectsApi);
    const read = (await custom.getNamespacedCustomObject({
      group: 'flink.apache.org', version: 'v1beta1', namespace: 'squirrly', plural: 'flinkdeployments', name: 'sample-job',
    })) as { status: { jobManagerDeploymentStatus: string } };
    assert.equal(read.status.jobManagerDeploymentStatus, 'DEPLOYING');
  });

  it('removes a deleted pod from the API', async () => {
    const core = loadConfig(scenario.kubeconfigPath).makeApiClient(k8s.CoreV1Api);
    scenario.deletePod('squirrly', 'sample-job-taskmanager-1-3');
    const error = await core.readNamespacedPod({ namespace: 'squirrly', name: 'sample-job-taskmanager-1-3' }).catch((e: unknown) => e);
    assert.equal((error as k8s.ApiException<string>).code, 404);
  });

  it('delays a path past a client timeout, and answers again once the delay is cleared', async () => {
    scenario.kube.addDelay('/api/v1/namespaces/squirrly/pods', 600_000);
    const getPods = (timeoutMs: number) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${scenario.server}/api/v1/namespaces/squirrly/pods`, {
          ca: scenario.kube.caPem,
          headers: { Authorization: `Bearer ${scenario.token}` },
          signal: AbortSignal.timeout(timeoutMs),
          agent: false,
        }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    await assert.rejects(getPods(500), { name: 'AbortError' });
    scenario.kube.clearDelays();
    assert.equal(await getPods(60_000), 200);
  });
});

describe('scenario with a standalone session deployment that is not ready', () => {
  let scenario: Scenario;
  before(async () => {
    scenario = await startScenario({
      deployments: [{ name: 'session', namespace: 'flink', mode: 'standalone', session: true, taskManagers: 2, jobManagerStatus: 'DEPLOYED_NOT_READY', external: true }],
    });
  });
  after(() => scenario.stop());

  it('builds standalone pods, no spec.job, a FlinkSessionJob and a JobManager that is not Ready', () => {
    assert.equal(scenario.namespace, 'flink');
    const pods = scenario.pods('flink');
    const jobManager = pods.find((p) => p.labels['component'] === 'jobmanager');
    assert.equal(jobManager?.ready, false);
    for (const pod of pods.filter((p) => p.labels['component'] === 'taskmanager')) {
      assert.match(pod.name, /^session-taskmanager-[0-9a-f]{10}-[a-z0-9]{5}$/);
      assert.equal(pod.labels['type'], 'flink-standalone-kubernetes');
    }
    const deployment = scenario.kube.store.get('flinkdeployments', 'flink', 'session');
    assert.equal(deployment?.spec?.['job'], undefined);
    assert.equal(deployment?.spec?.['mode'], 'standalone');
    assert.equal(scenario.kube.store.get('flinksessionjobs', 'flink', 'session-job')?.spec?.['deploymentName'], 'session');
    assert.equal(scenario.flink('session'), undefined);
  });
});

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('stopping a scenario', () => {
  it('ends running exec sessions and kills their commands', async () => {
    const scenario = await startScenario({ deployments: [{ name: 'sample-job', external: true, taskManagers: 1 }] });
    let stopped = false;
    try {
      const stdout = new PassThrough();
      const pid = new Promise<number>((resolve) => stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString('utf8').trim()))));
      const ws = await new k8s.Exec(loadConfig(scenario.kubeconfigPath)).exec(
        'squirrly', 'sample-job-taskmanager-1-1', 'flink-main-container', ['sh', '-c', 'echo $$; exec sleep 600'], stdout, null, null, false,
      );
      const commandPid = await pid;
      assert.ok(Number.isInteger(commandPid) && processExists(commandPid));
      const closed = once(ws as unknown as import('node:events').EventEmitter, 'close');
      await scenario.stop();
      stopped = true;
      await closed;
      // the kill is asynchronous to the close: wait, bounded, for the process to be reaped
      for (let attempt = 0; attempt < 600 && processExists(commandPid); attempt++) await sleep(50);
      assert.equal(processExists(commandPid), false);
    } finally {
      if (!stopped) await scenario.stop();
    }
  });
});

describe('npm run sim', () => {
  it('prints KUBECONFIG first, serves the demo cluster and cleans up on SIGTERM', async (t) => {
    const main = fileURLToPath(new URL('../main.ts', import.meta.url));
    const child = spawn(process.execPath, [main], { stdio: ['ignore', 'pipe', 'inherit'] });
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    const lines = createInterface({ input: child.stdout });
    const [firstLine] = (await once(lines, 'line')) as [string];
    const kubeconfigPath = /^KUBECONFIG=(.+)$/.exec(firstLine)?.[1] ?? assert.fail(`unexpected first line: ${firstLine}`);
    const core = loadConfig(kubeconfigPath).makeApiClient(k8s.CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: 'squirrly', labelSelector: 'app=sample-job,component=taskmanager' });
    assert.equal(pods.items.length, 2);

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0);
    assert.equal(existsSync(kubeconfigPath), false);
  });
});
