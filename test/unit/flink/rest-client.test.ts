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
      if (req.url === '/huge') {
        // announced: refused before a byte is read
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(200 * 1024 * 1024) });
        return res.write('{"taskmanagers":[');
      }
      if (req.url === '/endless') {
        // chunked, never ending: refused once the cap is passed
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"taskmanagers":[');
        const block = Buffer.alloc(64 * 1024, 0x20);
        const pump = (): void => {
          while (!res.destroyed && res.write(block)) {
            /* fill the socket */
          }
          if (!res.destroyed) res.once('drain', pump);
        };
        return pump();
      }
      if (req.url === '/trickle' || req.url === '/file') {
        // one byte every 40 ms: slower in total than the deadline, never silent as long
        const body = req.url === '/file' ? 'x'.repeat(40) : '{"flink-version":"1.20.1"}';
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
        let i = 0;
        const timer = setInterval(() => {
          if (res.destroyed) return clearInterval(timer);
          res.write(body[i++]!);
          if (i === body.length) {
            clearInterval(timer);
            res.end();
          }
        }, 40);
        return;
      }
      if (req.url === '/stall') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.write('<html>'); // then silence
      }
      if (req.url === '/garbage') {
        res.writeHead(200);
        return res.end('<html>not flink</html>');
      }
      json(404, { errors: ['Not found: ' + req.url] });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

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

  it('an answer announced bigger than the cap is refused before reading, naming the cap', async () => {
    const client = new FlinkRestClient(base, { timeoutMs: 2000, maxResponseBytes: 1024 * 1024 });
    await assert.rejects(client.get('/huge'), { name: 'ByteCapError', message: 'Flink REST GET /huge answered more than 1 MiB, the cap for one JSON answer; refusing to read it' });
    assert.equal(hits.get('GET /huge'), 1); // too big is not worth another try
  });

  it('an endless answer stops at the cap instead of filling memory', async () => {
    const client = new FlinkRestClient(base, { timeoutMs: 10_000, maxResponseBytes: 1024 * 1024 });
    await assert.rejects(client.get('/endless'), { name: 'ByteCapError', message: /answered more than 1 MiB, the cap for one JSON answer/ });
  });

  it('a JSON answer that trickles past the deadline blames the body, not the connection, and is not retried', async () => {
    const client = new FlinkRestClient(base, { timeoutMs: 300, backoffMs: 1 });
    await assert.rejects(client.get('/trickle'), (err: TransportError) => {
      assert.equal(err.phase, 'body');
      assert.match(err.message, /^Flink REST GET \/trickle answered, then its body stalled past the 0\.3s deadline \(\d+ B arrived\)$/);
      return true;
    });
    assert.equal(hits.get('GET /trickle'), 1);
  });

  it('a streamed file that keeps flowing may take longer than the deadline', async () => {
    const client = new FlinkRestClient(base, { timeoutMs: 1000 });
    const stream = await client.open('/file');
    const chunks: Buffer[] = [];
    for await (const chunk of stream.body) chunks.push(Buffer.from(chunk));
    // 40 bytes 40 ms apart: 1.6 s in total, never 1 s without a byte
    assert.equal(Buffer.concat(chunks).toString(), 'x'.repeat(40));
  });

  it('a streamed file that goes silent fails naming the silence', async () => {
    const client = new FlinkRestClient(base, { timeoutMs: 200 });
    const stream = await client.open('/stall');
    await assert.rejects(
      (async () => {
        for await (const chunk of stream.body) void chunk;
      })(),
      { name: 'TransportError', message: 'Flink REST GET /stall answered, then its body stalled past the 0.2s deadline (6 B arrived)' },
    );
  });
});
