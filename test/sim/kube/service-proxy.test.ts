// The simulator's service proxy (/api/v1/namespaces/{ns}/services/{name}[:{port}]/proxy/...) over
// plain HTTPS with the scenario's CA and bearer tokens, in front of a small HTTP backend.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startScenario, type Scenario } from '../scenario.ts';

const namespace = 'squirrly';

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

describe('Kubernetes simulator: service proxy', () => {
  let scenario: Scenario;
  let backend: Server;
  const seen: Seen[] = [];
  let jobManager: string;

  function call(method: string, path: string, options: { token?: string; body?: string } = {}): Promise<Answer> {
    const url = new URL(path, scenario.server);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          hostname: url.hostname,
          port: url.port,
          method,
          path: url.pathname + url.search,
          ca: scenario.kube.caPem,
          headers: {
            authorization: `Bearer ${options.token ?? scenario.token}`,
            ...(options.body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });
  }

  const proxy = (service: string, rest: string) => `/api/v1/namespaces/${namespace}/services/${service}/proxy${rest}`;

  before(async () => {
    scenario = await startScenario({ deployments: [{ name: 'sample-job', external: true, taskManagers: 1 }] });
    backend = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
        if (req.url === '/cut') {
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 1000 });
          res.write('x'.repeat(100), () => res.destroy());
          return;
        }
        if (req.url === '/missing') {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: ['Not found: /missing'] }));
          return;
        }
        const text = JSON.stringify({ method: req.method, url: req.url, body });
        res.writeHead(req.method === 'POST' ? 202 : 200, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      });
    });
    backend.listen(0, '127.0.0.1');
    await once(backend, 'listening');
    jobManager = scenario.pods(namespace).find((p) => p.labels['component'] === 'jobmanager')?.name ?? assert.fail('no JobManager pod');
    scenario.setPortTarget(namespace, jobManager, 8081, { host: '127.0.0.1', port: (backend.address() as AddressInfo).port });
  });

  after(async () => {
    await scenario.stop();
    backend.closeAllConnections();
    await new Promise<void>((resolve) => backend.close(() => resolve()));
  });

  it('forwards a GET by port name with its path and query, without the caller credentials', async () => {
    const r = await call('GET', proxy('sample-job-rest:rest', '/jobs/overview?x=1&y=a%2Fb'));
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json; charset=UTF-8');
    assert.deepEqual(JSON.parse(r.body), { method: 'GET', url: '/jobs/overview?x=1&y=a%2Fb', body: '' });
    assert.equal(seen.at(-1)?.authorization, undefined);
    const logged = scenario.requests.at(-1);
    assert.equal(logged?.path, `/api/v1/namespaces/${namespace}/services/sample-job-rest:rest/proxy/jobs/overview`);
    assert.equal(logged?.status, 200);
    assert.equal(logged?.upgrade, false);
  });

  it('forwards a POST body, by port number and without a port, and passes the service errors through', async () => {
    const posted = await call('POST', proxy('sample-job-rest:8081', '/taskmanagers/tm-1/profiler'), { body: '{"mode":"ITIMER","duration":1}' });
    assert.equal(posted.status, 202);
    assert.deepEqual(JSON.parse(posted.body), { method: 'POST', url: '/taskmanagers/tm-1/profiler', body: '{"mode":"ITIMER","duration":1}' });
    assert.equal((await call('GET', proxy('sample-job-rest', '/config'))).status, 200);
    const missing = await call('GET', proxy('sample-job-rest:rest', '/missing'));
    assert.equal(missing.status, 404);
    assert.deepEqual(JSON.parse(missing.body), { errors: ['Not found: /missing'] });
  });

  it('checks services/proxy with the verb of the method', async () => {
    const reader = scenario.addUser('reader', [{ apiGroups: [''], resources: ['services/proxy'], verbs: ['get'] }]);
    assert.equal((await call('GET', proxy('sample-job-rest:rest', '/config'), { token: reader })).status, 200);
    const post = await call('POST', proxy('sample-job-rest:rest', '/jobmanager/profiler'), { token: reader, body: '{}' });
    assert.equal(post.status, 403);
    const status = JSON.parse(post.body) as { kind: string; reason: string; message: string };
    assert.equal(status.kind, 'Status');
    assert.equal(status.reason, 'Forbidden');
    assert.equal(status.message, `services "sample-job-rest" is forbidden: User "reader" cannot create resource "services/proxy" in API group "" in the namespace "${namespace}"`);
    const nobody = scenario.addUser('nobody', [{ apiGroups: [''], resources: ['services', 'pods/portforward'], verbs: ['*'] }]);
    assert.equal((await call('GET', proxy('sample-job-rest:rest', '/config'), { token: nobody })).status, 403);
  });

  it('answers 404 for a missing service and 503 when no Ready pod backs it', async () => {
    const missing = await call('GET', proxy('nope-rest:rest', '/config'));
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(missing.body).message, 'services "nope-rest" not found');
    const pod = scenario.pod(namespace, jobManager)!;
    pod.ready = false;
    try {
      const down = await call('GET', proxy('sample-job-rest:rest', '/config'));
      assert.equal(down.status, 503);
      assert.deepEqual({ reason: JSON.parse(down.body).reason, message: JSON.parse(down.body).message }, { reason: 'ServiceUnavailable', message: 'no endpoints available for service "sample-job-rest"' });
    } finally {
      pod.ready = true;
    }
  });

  it('cuts the answer when the service cuts it', async () => {
    await assert.rejects(call('GET', proxy('sample-job-rest:rest', '/cut')));
  });

  it('lists services/proxy in discovery', async () => {
    const r = await call('GET', '/api/v1');
    const resources = (JSON.parse(r.body) as { resources: Array<{ name: string; verbs: string[] }> }).resources;
    assert.deepEqual(resources.find((x) => x.name === 'services/proxy')?.verbs, ['create', 'delete', 'get', 'patch', 'update']);
  });
});
