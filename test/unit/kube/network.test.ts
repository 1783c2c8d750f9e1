// How the Cluster port reaches the API server through proxies and fronts, against the Kubernetes
// simulator: REST, exec, port-forward and the services proxy each go the same way kubectl's do.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { Cluster } from '../../../src/kube/cluster.ts';
import { connectCluster } from '../../../src/kube/kube-cluster.ts';
import { startScenario, type Scenario } from '../../sim/scenario.ts';
import { findKubectl, kubectlSkipReason, runKubectl } from '../../support/kubectl.ts';
import {
  startConnectProxy,
  startHttpFront,
  startSocks5Proxy,
  startTcpFront,
  writeNetworkKubeconfig,
  type KubeconfigSpec,
} from '../../support/network-fronts.ts';

/** A name only the proxies know: resolving it here fails, so a success proves the proxy resolved it. */
const proxyOnlyHost = 'kube.squirrly.test';

function sink(): Writable & { text(): string } {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return Object.assign(out, { text: () => Buffer.concat(chunks).toString('utf8') });
}

describe('reaching the API server', () => {
  let scenario: Scenario;
  let dir: string;
  let simPort: number;
  let jobManager: string;
  const toSim = (host: string) => ({ host: host === proxyOnlyHost ? '127.0.0.1' : host, port: simPort });

  before(async () => {
    scenario = await startScenario({ deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 1 }] });
    dir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-net-'));
    simPort = Number(new URL(scenario.server).port);
    jobManager = scenario.pods('squirrly').find((p) => p.labels.component === 'jobmanager')!.name;
  });
  after(async () => {
    await scenario.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const kubeconfig = (name: string, spec: Partial<KubeconfigSpec>) =>
    writeNetworkKubeconfig(dir, name, { server: scenario.server, namespace: 'squirrly', caPem: scenario.kube.caPem, token: scenario.token, ...spec });
  const connect = (file: string, env: NodeJS.ProcessEnv = {}) => connectCluster({ env, kubeconfig: file, timeoutMs: 10_000 });

  /** REST, exec, a port-forward and the services proxy, each used once. */
  async function useEveryWay(cluster: Cluster): Promise<void> {
    assert.equal((await cluster.getFlinkDeployment('sample-job'))?.metadata?.name, 'sample-job');
    const out = sink();
    assert.equal((await cluster.exec(jobManager, ['echo', 'through'], out)).exitCode, 0);
    assert.equal(out.text(), 'through\n');
    for (const tunnel of [await cluster.portForward(jobManager, 8081), await cluster.serviceProxy('sample-job-rest', 'rest')]) {
      try {
        const config = (await (await fetch(`${tunnel.baseUrl}/config`)).json()) as { 'flink-version'?: string };
        assert.match(config['flink-version'] ?? '', /^1\.20/, `through ${tunnel.baseUrl}: ${tunnel.lastError() ?? ''}`);
      } finally {
        await tunnel.close();
      }
    }
  }

  it('HTTPS_PROXY: REST, exec, port-forward and the services proxy all tunnel through the proxy, which resolves the name', async (t) => {
    const proxy = await startConnectProxy(toSim);
    t.after(() => proxy.stop());
    const file = kubeconfig('https-proxy', { server: `https://${proxyOnlyHost}:${simPort}`, tlsServerName: 'localhost' });
    const cluster = await connect(file, { HTTPS_PROXY: proxy.url });
    assert.deepEqual(cluster.context.proxy, { url: proxy.url, source: 'HTTPS_PROXY' });
    await useEveryWay(cluster);
    assert.ok(proxy.connects.length >= 4, proxy.connects.join(', '));
    assert.deepEqual([...new Set(proxy.connects)], [`${proxyOnlyHost}:${simPort}`]);
  });

  it('a proxy URL with credentials sends them as Proxy-Authorization on every connection, and doctor does not show the password', async (t) => {
    const proxy = await startConnectProxy(toSim);
    t.after(() => proxy.stop());
    const withUser = proxy.url.replace('http://', 'http://alice:s3cret@');
    const cluster = await connect(kubeconfig('proxy-auth', { server: `https://${proxyOnlyHost}:${simPort}` }), { HTTPS_PROXY: withUser });
    assert.equal(cluster.context.proxy?.url, proxy.url.replace('http://', 'http://alice:***@'));
    await useEveryWay(cluster);
    assert.equal(proxy.authorizations.length, proxy.connects.length);
    for (const header of proxy.authorizations) assert.equal(header, `Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
  });

  it('https_proxy in lower case counts too', async (t) => {
    const proxy = await startConnectProxy(toSim);
    t.after(() => proxy.stop());
    const cluster = await connect(kubeconfig('lower-proxy', { server: `https://${proxyOnlyHost}:${simPort}`, tlsServerName: 'localhost' }), { https_proxy: proxy.url });
    assert.equal((await cluster.getFlinkDeployment('sample-job'))?.metadata?.name, 'sample-job');
    assert.equal(cluster.context.proxy?.source, 'https_proxy');
  });

  it('NO_PROXY: a matching domain suffix goes direct (and here fails to resolve), the proxy is never asked', async (t) => {
    const proxy = await startConnectProxy(toSim);
    t.after(() => proxy.stop());
    const file = kubeconfig('no-proxy', { server: `https://${proxyOnlyHost}:${simPort}`, tlsServerName: 'localhost' });
    const cluster = await connect(file, { HTTPS_PROXY: proxy.url, NO_PROXY: 'example.com,.squirrly.test' });
    assert.equal(cluster.context.proxy, undefined);
    await assert.rejects(cluster.getFlinkDeployment('sample-job'), /ENOTFOUND|EAI_AGAIN|getaddrinfo/);
    assert.deepEqual(proxy.connects, []);
  });

  it('a loopback server is never proxied, whatever HTTPS_PROXY says', async (t) => {
    const proxy = await startConnectProxy(toSim);
    t.after(() => proxy.stop());
    const cluster = await connect(kubeconfig('loopback', {}), { HTTPS_PROXY: proxy.url });
    await useEveryWay(cluster);
    assert.deepEqual(proxy.connects, []);
  });

  it("the kubeconfig's proxy-url wins over HTTPS_PROXY", async (t) => {
    const chosen = await startConnectProxy(toSim);
    const ignored = await startConnectProxy(toSim);
    t.after(async () => {
      await chosen.stop();
      await ignored.stop();
    });
    const file = kubeconfig('proxy-url', { server: `https://${proxyOnlyHost}:${simPort}`, tlsServerName: 'localhost', proxyUrl: chosen.url });
    const cluster = await connect(file, { HTTPS_PROXY: ignored.url });
    await useEveryWay(cluster);
    assert.equal(cluster.context.proxy?.source, 'proxy-url in the kubeconfig');
    assert.ok(chosen.connects.length >= 4);
    assert.deepEqual(ignored.connects, []);
  });

  it('socks5 proxy-url: every connection, the WebSocket upgrades included, names the host for the proxy to resolve', async (t) => {
    const socks = await startSocks5Proxy(toSim);
    t.after(() => socks.stop());
    const file = kubeconfig('socks5', { server: `https://${proxyOnlyHost}:${simPort}`, proxyUrl: socks.url });
    const cluster = await connect(file);
    assert.deepEqual(cluster.context.proxy, { url: socks.url, source: 'proxy-url in the kubeconfig' });
    await useEveryWay(cluster);
    assert.ok(socks.requests.length >= 4, JSON.stringify(socks.requests));
    for (const request of socks.requests) assert.deepEqual(request, { host: proxyOnlyHost, port: simPort, addressType: 'domain' });
  });

  it('an http:// server (a kubectl proxy front): REST, exec, port-forward over ws:// and the services proxy, no credentials sent', async (t) => {
    const front = await startHttpFront({ server: scenario.server, caPem: scenario.kube.caPem, token: scenario.token });
    t.after(() => front.stop());
    const file = writeNetworkKubeconfig(dir, 'http-server', { server: front.url, namespace: 'squirrly', token: 'never-sent-over-http' });
    await useEveryWay(await connect(file));
    assert.ok(front.upgrades.length >= 2, front.upgrades.join(', '));
    assert.deepEqual(front.authorizations, []);
  });

  it('an IPv6 server URL (https://[::1]:port) for REST, exec, port-forward and the services proxy', async (t) => {
    const front = await startTcpFront('::1', { host: '127.0.0.1', port: simPort });
    t.after(() => front.stop());
    const cluster = await connect(kubeconfig('ipv6', { server: `https://[::1]:${front.port}` }));
    await useEveryWay(cluster);
  });

  it('a refused WebSocket upgrade names --via proxy as the way round', async (t) => {
    const front = await startHttpFront({ server: scenario.server, caPem: scenario.kube.caPem, token: scenario.token, refuseUpgrades: true });
    t.after(() => front.stop());
    const cluster = await connect(writeNetworkKubeconfig(dir, 'refusing', { server: front.url, namespace: 'squirrly' }));
    const tunnel = await cluster.portForward(jobManager, 8081);
    try {
      await assert.rejects(fetch(`${tunnel.baseUrl}/config`));
      const problem = await tunnel.diagnose();
      assert.match(problem?.message ?? '', /WebSocket upgrade for the port-forward was refused .*\(400 Upgrade request required\)/);
      assert.match(problem?.hint ?? '', /--via proxy/);
      assert.doesNotMatch(problem?.hint ?? '', /rest\.port/);
    } finally {
      await tunnel.close();
    }
  });

  it('a proxy with a scheme kubectl does not speak is refused with the fix', async () => {
    await assert.rejects(connect(kubeconfig('ftp', { proxyUrl: 'ftp://proxy:21' })), /scheme ftp.*kubectl does not support/);
  });
});

describe('the same fronts with the real kubectl as the reference', { skip: kubectlSkipReason() }, () => {
  let scenario: Scenario;
  let dir: string;
  let simPort: number;
  let jobManager: string;
  const toSim = (host: string) => ({ host: host === proxyOnlyHost ? '127.0.0.1' : host, port: simPort });
  before(async () => {
    scenario = await startScenario({ deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 1 }] });
    dir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-net-kubectl-'));
    simPort = Number(new URL(scenario.server).port);
    jobManager = scenario.pods('squirrly').find((p) => p.labels.component === 'jobmanager')!.name;
  });
  after(async () => {
    await scenario.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const kubeconfig = (name: string, spec: Partial<KubeconfigSpec>) =>
    writeNetworkKubeconfig(dir, name, { server: scenario.server, namespace: 'squirrly', caPem: scenario.kube.caPem, token: scenario.token, ...spec });
  const pods = (file: string, env: Record<string, string> = {}) => runKubectl(['get', '--raw', '/api/v1/namespaces/squirrly/pods'], { kubeconfig: file, env, timeoutMs: 30_000 });

  it('HTTPS_PROXY and NO_PROXY: kubectl and the plugin take the same way', async (t) => {
    const proxy = await startConnectProxy(toSim);
    t.after(() => proxy.stop());
    const file = kubeconfig('kubectl-https-proxy', { server: `https://${proxyOnlyHost}:${simPort}` });
    assert.equal((await pods(file, { HTTPS_PROXY: proxy.url })).code, 0);
    const byKubectl = proxy.connects.length;
    assert.ok(byKubectl > 0);
    assert.equal((await connectCluster({ env: { HTTPS_PROXY: proxy.url }, kubeconfig: file, timeoutMs: 10_000 }).then((c) => c.listPods('app=sample-job'))).length, 2);
    assert.ok(proxy.connects.length > byKubectl);
    assert.deepEqual([...new Set(proxy.connects)], [`${proxyOnlyHost}:${simPort}`]);

    const before = proxy.connects.length;
    assert.notEqual((await pods(file, { HTTPS_PROXY: proxy.url, NO_PROXY: '.squirrly.test' })).code, 0);
    await assert.rejects(connectCluster({ env: { HTTPS_PROXY: proxy.url, NO_PROXY: '.squirrly.test' }, kubeconfig: file, timeoutMs: 10_000 }).then((c) => c.listPods('app=sample-job')));
    assert.equal(proxy.connects.length, before, 'neither asked the proxy');
  });

  it('socks5 proxy-url: kubectl and the plugin both leave the name to the proxy', async (t) => {
    const socks = await startSocks5Proxy(toSim);
    t.after(() => socks.stop());
    const file = kubeconfig('kubectl-socks5', { server: `https://${proxyOnlyHost}:${simPort}`, proxyUrl: socks.url });
    assert.equal((await pods(file)).code, 0);
    assert.ok(socks.requests.length > 0);
    for (const request of socks.requests) assert.equal(request.addressType, 'domain');
  });

  it('an IPv6 server URL: kubectl and the plugin both reach https://[::1]:port', async (t) => {
    const front = await startTcpFront('::1', { host: '127.0.0.1', port: simPort });
    t.after(() => front.stop());
    const file = kubeconfig('kubectl-ipv6', { server: `https://[::1]:${front.port}` });
    assert.equal((await pods(file)).code, 0);
    const cluster = await connectCluster({ env: {}, kubeconfig: file, timeoutMs: 10_000 });
    const tunnel = await cluster.serviceProxy('sample-job-rest', 'rest');
    try {
      assert.equal((await fetch(`${tunnel.baseUrl}/config`)).status, 200, tunnel.lastError());
    } finally {
      await tunnel.close();
    }
  });

  it('an http:// server served by the real `kubectl proxy`: REST, exec, port-forward and the services proxy', async (t) => {
    const kubectl = spawn(findKubectl()!, ['proxy', '--port=0', '--reject-paths=^/never$', `--kubeconfig=${kubeconfig('kubectl-proxy-upstream', {})}`], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECACHEDIR: path.join(dir, 'cache') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => {
      kubectl.kill();
    });
    const url = await new Promise<string>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`kubectl proxy did not start: ${seen}`)), 30_000);
      kubectl.stdout.on('data', (chunk: Buffer) => {
        seen += chunk.toString('utf8');
        const match = /Starting to serve on (\S+)/.exec(seen);
        if (match) {
          clearTimeout(timer);
          resolve(`http://${match[1]}`);
        }
      });
      kubectl.on('exit', () => reject(new Error(`kubectl proxy exited: ${seen}`)));
    });
    const cluster = await connectCluster({ env: {}, kubeconfig: writeNetworkKubeconfig(dir, 'via-kubectl-proxy', { server: url, namespace: 'squirrly' }), timeoutMs: 10_000 });
    assert.equal((await cluster.getFlinkDeployment('sample-job'))?.metadata?.name, 'sample-job');
    const out = sink();
    assert.equal((await cluster.exec(jobManager, ['echo', 'proxied'], out)).exitCode, 0);
    assert.equal(out.text(), 'proxied\n');
    for (const tunnel of [await cluster.portForward(jobManager, 8081), await cluster.serviceProxy('sample-job-rest', 'rest')]) {
      try {
        const config = (await (await fetch(`${tunnel.baseUrl}/config`)).json()) as { 'flink-version'?: string };
        assert.match(config['flink-version'] ?? '', /^1\.20/, tunnel.lastError());
      } finally {
        await tunnel.close();
      }
    }
  });
});
