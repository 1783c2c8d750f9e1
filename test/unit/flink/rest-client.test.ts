// The REST client against a local HTTP server over real sockets.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { FlinkRestClient, FlinkRestError, TransportError } from '../../../src/flink/rest-client.ts';

describe('FlinkRestClient', () => {
  const hits = new Map<string, number>();
  let server: http.Server;
  let base: string;
  before(async () => {
    server = http.createServer((req, res) => {
      const key = `${req.method} ${req.url}`;
      const n = (hits.get(key) ?? 0) + 1;
      hits.set(key, n);
      const json = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/flaky') return n < 3 ? json(503, { errors: ['busy'] }) : json(200, { ok: n });
      if (req.url === '/trigger') return json(500, { errors: ['Internal server error.', '<Exception on server side:\nx.y.Z: still under profiling\n\tat a.b>'] });
      if (req.url === '/bad') return json(400, { errors: ['bad request'] });
      if (req.url === '/garbage') {
        res.writeHead(200);
        return res.end('<html>not flink</html>');
      }
      json(404, { errors: ['Not found: ' + req.url] });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('retries a GET on 5xx with backoff until it answers', async () => {
    const client = new FlinkRestClient(base, { timeoutMs: 2000, backoffMs: 1 });
    assert.deepEqual(await client.get('/flaky'), { ok: 3 });
  });

  it("never retries a POST, and puts Flink's real message first", async () => {
    const client = new FlinkRestClient(base, { timeoutMs: 2000, backoffMs: 1 });
    await assert.rejects(client.post('/trigger', { mode: 'ITIMER', duration: 1 }), (err: FlinkRestError) => {
      assert.equal(err.status, 500);
      assert.equal(err.message, 'Flink REST POST /trigger failed with 500: x.y.Z: still under profiling');
      assert.match(err.text, /still under profiling/);
      return true;
    });
    assert.equal(hits.get('POST /trigger'), 1);
  });

  it('does not retry a 4xx; an answer that is not JSON says where to look', async () => {
    const client = new FlinkRestClient(base, { timeoutMs: 2000, backoffMs: 1 });
    await assert.rejects(client.get('/bad'), FlinkRestError);
    assert.equal(hits.get('GET /bad'), 1);
    await assert.rejects(client.get('/garbage'), /returned malformed JSON \(22 bytes\)/);
  });

  it('a refused connection is a TransportError after the attempts are used', async () => {
    const client = new FlinkRestClient('http://127.0.0.1:1', { timeoutMs: 2000, attempts: 2, backoffMs: 1 });
    await assert.rejects(client.get('/config'), TransportError);
  });
});
