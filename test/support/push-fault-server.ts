// A stand-in for a profile store that answers from a script, for what a real Pyroscope will not do
// on request: fail a few times then recover, rate-limit, refuse with a hostile body. It records
// every request (path, query, headers, body size) so a test sees exactly what the plugin sent.
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultReply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface RecordedPush {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  bytes: number;
}

export interface FaultServer {
  readonly url: string;
  readonly requests: RecordedPush[];
  stop(): Promise<void>;
}

/** Answers the n-th request with script[n], and every later one with `fallback`. */
export async function startFaultServer(script: FaultReply[], fallback: FaultReply = { status: 200 }): Promise<FaultServer> {
  const requests: RecordedPush[] = [];
  const server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push({ path: url.pathname, query: url.searchParams, headers: req.headers, bytes });
      const reply = script[requests.length - 1] ?? fallback;
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * A plain HTTP forward proxy (requests in absolute form, as clients send http:// URLs to one),
 * recording each URL it was asked for and sending it on to `target` whatever host it names.
 */
export async function startForwardProxy(target: { host: string; port: number }): Promise<{ url: string; asked: string[]; stop(): Promise<void> }> {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    asked.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    const upstream = request({ host: target.host, port: target.port, method: req.method, path: url.pathname + url.search, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    asked,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
