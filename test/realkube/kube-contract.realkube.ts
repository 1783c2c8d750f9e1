// The Kubernetes simulator against the real API server: the same requests to both, the answers the plugin
// reads (status codes, Status bodies, discovery, SelfSubjectAccessReview, exec and port-forward errors)
// compared after removing what differs by nature (uids, resource versions, timestamps, ports).
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startScenario as startSimScenario } from '../sim/scenario.ts';
import type { ScenarioSpec } from '../sim/types.ts';
import { AdminApi } from './api.ts';
import { realKubeSkipReason } from './control-plane.ts';
import { startRealScenario } from './scenario.ts';

const NS = 'squirrly';

interface Cluster {
  name: 'sim' | 'real';
  server: string;
  kubeconfigPath: string;
  token: string;
  caPem: string;
  /** as the scenario's default user */
  api: AdminApi;
  taskManager: string;
  stop(): Promise<void>;
}

const spec: ScenarioSpec = {
  deployments: [{ name: 'sample-job', namespace: NS, taskManagers: 1 }],
  // enough for everything the plugin does but reading FlinkSessionJobs
  rbac: [
    { apiGroups: ['flink.apache.org'], resources: ['flinkdeployments'], verbs: ['get', 'list'] },
    { apiGroups: [''], resources: ['pods', 'namespaces', 'services'], verbs: ['get', 'list'] },
    { apiGroups: [''], resources: ['pods/portforward', 'pods/exec'], verbs: ['get', 'create'] },
  ],
};

async function startCluster(name: 'sim' | 'real'): Promise<Cluster> {
  const scenario = name === 'sim' ? await startSimScenario(spec) : await startRealScenario(spec);
  const config = new k8s.KubeConfig();
  config.loadFromFile(scenario.kubeconfigPath);
  const caPem = Buffer.from(config.getCurrentCluster()?.caData ?? '', 'base64').toString('utf8');
  const taskManager = scenario.pods(NS).find((p) => p.labels['component'] === 'taskmanager')!.name;
  return { name, server: scenario.server, kubeconfigPath: scenario.kubeconfigPath, token: scenario.token, caPem, api: new AdminApi(scenario.server, caPem, scenario.token), taskManager, stop: () => scenario.stop() };
}

/** what differs by nature between two clusters: the server's address, generated names, times */
function normalise(value: unknown, cluster: Cluster): unknown {
  return JSON.parse(
    JSON.stringify(value)
      .replaceAll(cluster.taskManager, '<taskmanager>')
      .replaceAll(cluster.server, '<server>'),
  );
}

async function execStatus(cluster: Cluster, pod: string, container: string, command: string[]): Promise<unknown> {
  const config = new k8s.KubeConfig();
  config.loadFromFile(cluster.kubeconfigPath);
  const out = new PassThrough().resume();
  const err = new PassThrough().resume();
  try {
    return await new Promise((resolve, reject) => {
      new k8s.Exec(config).exec(NS, pod, container, command, out, err, null, false, resolve).catch(reject);
    });
  } catch (error) {
    return { rejected: String((error as { message?: string }).message ?? error) };
  }
}

describe('the simulator answers like kube-apiserver v1.37', { skip: realKubeSkipReason() }, () => {
  let sim: Cluster;
  let real: Cluster;
  before(async () => {
    sim = await startCluster('sim');
    real = await startCluster('real');
  });
  after(async () => {
    await sim?.stop();
    await real?.stop();
  });

  /** runs one probe on both and compares what the plugin would read */
  async function same(probe: (cluster: Cluster) => Promise<unknown>): Promise<void> {
    const [onSim, onReal] = [normalise(await probe(sim), sim), normalise(await probe(real), real)];
    if (process.env['SQUIRRLY_CONTRACT_DUMP']) console.log(JSON.stringify({ sim: onSim, real: onReal }, null, 2));
    assert.deepEqual(onSim, onReal);
  }

  const statusOf = async (cluster: Cluster, method: string, path: string, body?: unknown) => {
    const answer = await cluster.api.send(method, path, body);
    return { code: answer.status, body: answer.body };
  };

  it('404 for a FlinkDeployment, a pod and a namespace that do not exist', async () => {
    await same((c) => statusOf(c, 'GET', `/apis/flink.apache.org/v1beta1/namespaces/${NS}/flinkdeployments/nope`));
    await same((c) => statusOf(c, 'GET', `/api/v1/namespaces/${NS}/pods/nope`));
    await same((c) => statusOf(c, 'GET', '/api/v1/namespaces/nowhere'));
  });

  it('403 for a resource the user may not read', async () => {
    await same((c) => statusOf(c, 'GET', `/apis/flink.apache.org/v1beta1/namespaces/${NS}/flinksessionjobs/nope`));
    await same((c) => statusOf(c, 'GET', `/apis/flink.apache.org/v1beta1/namespaces/${NS}/flinksessionjobs`));
  });

  it('401 for a token the server does not know', async () => {
    await same(async (c) => {
      const answer = await new AdminApi(c.server, c.caPem, 'expired-token').send('GET', `/api/v1/namespaces/${NS}/pods`);
      return { code: answer.status, body: answer.body };
    });
  });

  it('SelfSubjectAccessReview: allowed and denied', async () => {
    const review = (verb: string, resource: string, subresource = '') => async (c: Cluster) => {
      const answer = await c.api.send('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { namespace: NS, verb, group: '', resource, subresource } },
      });
      return { code: answer.status, kind: answer.body.kind, allowed: answer.body.status?.allowed, denied: answer.body.status?.denied ?? false };
    };
    await same(review('list', 'pods'));
    await same(review('create', 'pods', 'exec'));
    await same(review('delete', 'pods'));
  });

  it('discovery of the Flink group', async () => {
    await same(async (c) => {
      const list = (await c.api.send('GET', '/apis/flink.apache.org/v1beta1')).body;
      return {
        kind: list.kind,
        groupVersion: list.groupVersion,
        resources: (list.resources as Array<{ name: string; namespaced: boolean; kind: string; verbs: string[]; shortNames?: string[] }>)
          .map((r) => ({ name: r.name, namespaced: r.namespaced, kind: r.kind, verbs: [...r.verbs].sort(), shortNames: r.shortNames ?? [] }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      };
    });
  });

  it('/version names the same release', async () => {
    await same(async (c) => {
      const { gitCommit: _commit, buildDate: _date, ...version } = (await c.api.send('GET', '/version')).body;
      return version;
    });
  });

  it('exec: an exit code, success, a container or pod that does not exist', async () => {
    const status = (command: string[], container = 'flink-main-container', pod?: string) => (c: Cluster) => execStatus(c, pod ?? c.taskManager, container, command);
    await same(status(['sh', '-c', 'exit 3']));
    await same(status(['true']));
    await same(status(['true'], 'sidecar'));
    await same(status(['true'], 'flink-main-container', 'nope'));
  });

  it('exec and port-forward without an upgrade', async () => {
    await same((c) => statusOf(c, 'GET', `/api/v1/namespaces/${NS}/pods/${c.taskManager}/exec?command=true&container=flink-main-container&stdout=1`));
    await same((c) => statusOf(c, 'POST', `/api/v1/namespaces/${NS}/pods/${c.taskManager}/portforward?ports=8081`));
  });

});
