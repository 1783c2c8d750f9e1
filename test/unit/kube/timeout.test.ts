// The bounded Kubernetes call against a local HTTP server over real sockets: client-node's own
// generated API, our HTTP library with the deadline, the cap and the abort signal.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, KubeConfig, VersionApi } from '../../../src/kube/client-node.ts';
import { boundedCall, formatMs } from '../../../src/kube/timeout.ts';

describe('bounded Kubernetes call', () => {
  let server: http.Server;
  let api: VersionApi;
  let pods: CoreV1Api;
  let hung = 0;
  let dropped = 0;
  const version = JSON.stringify({ major: '1', minor: '37', gitVersion: 'v1.37.0' });
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/version') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(version);
      }
      // endless: a list that never ends, without a content-length
      if (req.url?.startsWith('/api/v1/namespaces/endless/')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const block = Buffer.alloc(64 * 1024, 0x20);
        const pump = (): void => {
          while (res.write(block)) {
            /* fill the socket */
          }
          res.once('drain', pump);
        };
        res.write('{"items":[');
        return pump();
      }
      if (req.url?.startsWith('/api/v1/namespaces/hang/')) {
        hung++;
        req.socket.once('close', () => dropped++);
        return; // never answer
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    api = kc.makeApiClient(VersionApi);
    pods = kc.makeApiClient(CoreV1Api);
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('passes the answer through when it comes in time', async () => {
    const v = await boundedCall('get version', { timeoutMs: 2000 }, (options) => api.getCode(options));
    assert.equal(v.gitVersion, 'v1.37.0');
  });

  it('an endless answer stops at the cap with one line naming it', async () => {
    await assert.rejects(
      boundedCall('list pods on https://k8s', { timeoutMs: 10_000, maxBytes: 1024 * 1024 }, (options) => pods.listNamespacedPod({ namespace: 'endless' }, options)),
      (err: Error & { hint?: string }) => {
        assert.equal(err.message, 'list pods on https://k8s: the answer is larger than 1 MiB, the cap for one API answer; refusing to read it');
        return true;
      },
    );
  });

  it('says which wait ran out once the deadline passes', async () => {
    await assert.rejects(boundedCall('get pods on https://k8s', { timeoutMs: 100 }, (options) => pods.listNamespacedPod({ namespace: 'hang' }, options)), (err: Error & { hint?: string }) => {
      assert.equal(err.message, 'get pods on https://k8s timed out after 0.1s waiting for the answer');
      assert.equal(err.hint, 'raise --request-timeout, or check the network');
      return true;
    });
  });

  it('an abort ends the call at once as an interruption', async () => {
    const controller = new AbortController();
    const before = { hung, dropped };
    const call = boundedCall('get pods', { timeoutMs: 600_000, signal: controller.signal }, (options) => pods.listNamespacedPod({ namespace: 'hang' }, options));
    while (hung === before.hung) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await assert.rejects(call, { name: 'InterruptedError' });
    // the server never answers: the call ended because the signal dropped the connection
    while (dropped === before.dropped) await new Promise((resolve) => setTimeout(resolve, 5));
  });

  it('writes whole seconds without decimals', () => {
    assert.deepEqual([formatMs(30_000), formatMs(1500)], ['30s', '1.5s']);
  });
});
