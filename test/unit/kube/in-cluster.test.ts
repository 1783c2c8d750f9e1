import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SERVICE_ACCOUNT_DIR, inClusterServer } from '../../../src/kube/in-cluster.ts';
import { loadKubeconfig } from '../../../src/kube/kubeconfig.ts';

const inPod = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

describe('the in-cluster configuration', () => {
  it('is https://HOST:PORT, an IPv6 host in brackets, only when both are set', () => {
    assert.equal(inClusterServer(inPod), 'https://10.96.0.1:443');
    assert.equal(inClusterServer({ KUBERNETES_SERVICE_HOST: 'fd00:10:96::1', KUBERNETES_SERVICE_PORT: '6443' }), 'https://[fd00:10:96::1]:6443');
    assert.equal(inClusterServer({ KUBERNETES_SERVICE_HOST: '10.96.0.1' }), undefined);
    assert.equal(inClusterServer({ KUBERNETES_SERVICE_HOST: '', KUBERNETES_SERVICE_PORT: '443' }), undefined);
  });

  it('a kubeconfig that exists wins over it, as in client-go', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'squirrly-incluster-'));
    try {
      const file = path.join(dir, 'config');
      await writeFile(file, 'clusters: [{name: c, cluster: {server: "https://file.example:6443"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n');
      const loaded = await loadKubeconfig({ env: { ...inPod, KUBECONFIG: file } });
      assert.equal(loaded.server, 'https://file.example:6443');
      assert.equal(loaded.inCluster, undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('without a kubeconfig and without a mounted token, the error names the token file', { skip: existsSync(SERVICE_ACCOUNT_DIR) ? 'this machine has a ServiceAccount mounted' : false }, async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'squirrly-home-'));
    try {
      // a KUBECONFIG naming only a missing file is "no kubeconfig found"
      await assert.rejects(
        loadKubeconfig({ env: { ...inPod, KUBECONFIG: path.join(home, 'missing') } }),
        (err: Error) => err.message === `in-cluster configuration: the ServiceAccount token ${SERVICE_ACCOUNT_DIR}/token does not exist`,
      );
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
