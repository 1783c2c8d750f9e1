// Small local fronts for the network cases kubectl handles: an HTTP CONNECT proxy and a SOCKS5
// proxy that record what they were asked, a TCP front on another address (IPv6 loopback), and a
// plain-HTTP front like `kubectl proxy` (credentials added on the way in) that can refuse upgrades
// the way some proxies and load balancers in front of an API server do.
import { writeFileSync } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

export interface Target {
  host: string;
  port: number;
}

export interface Front {
  /** e.g. http://127.0.0.1:41234, socks5://127.0.0.1:41235 */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

function track(server: net.Server): { stop(): Promise<void> } {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function listen(server: net.Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return (server.address() as net.AddressInfo).port;
}

function splice(a: net.Socket, b: Duplex): void {
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.pipe(b);
  b.pipe(a);
}

/** An HTTP proxy that only tunnels (CONNECT), recording each "host:port" it was asked for. */
export async function startConnectProxy(resolve: (host: string, port: number) => Target): Promise<Front & { connects: string[]; authorizations: string[] }> {
  const connects: string[] = [];
  /** Proxy-Authorization headers, in order */
  const authorizations: string[] = [];
  const server = http.createServer((_req, res) => {
    res.writeHead(405).end('this proxy only tunnels');
  });
  server.on('connect', (req: IncomingMessage, client: net.Socket, head: Buffer) => {
    const asked = req.url ?? '';
    connects.push(asked);
    if (req.headers['proxy-authorization']) authorizations.push(req.headers['proxy-authorization']);
    const colon = asked.lastIndexOf(':');
    const target = resolve(asked.slice(0, colon).replace(/^\[|\]$/g, ''), Number(asked.slice(colon + 1)));
    const upstream = net.connect(target.port, target.host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      splice(client, upstream);
    });
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
  });
  const tracked = track(server);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, connects, authorizations, stop: tracked.stop };
}

export interface SocksRequest {
  host: string;
  port: number;
  /** how the client named the destination: a domain name is resolved here, at the proxy */
  addressType: 'domain' | 'ipv4' | 'ipv6';
}

/** A SOCKS5 proxy (no authentication, CONNECT only) that records what each client asked for. */
export async function startSocks5Proxy(resolve: (host: string, port: number) => Target): Promise<Front & { requests: SocksRequest[] }> {
  const requests: SocksRequest[] = [];
  const server = net.createServer((client) => {
    client.on('error', () => client.destroy());
    let buffered = Buffer.alloc(0);
    let stage: 'greeting' | 'request' = 'greeting';
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      if (stage === 'greeting') {
        if (buffered.length < 2 || buffered.length < 2 + buffered[1]!) return;
        buffered = buffered.subarray(2 + buffered[1]!);
        client.write(Buffer.of(5, 0));
        stage = 'request';
      }
      if (buffered.length < 5) return;
      const type = buffered[3];
      const length = type === 1 ? 4 : type === 4 ? 16 : 1 + buffered[4]!;
      if (buffered.length < 4 + length + 2) return;
      client.off('data', onData);
      const address = buffered.subarray(4, 4 + length);
      const port = buffered.readUInt16BE(4 + length);
      const rest = buffered.subarray(4 + length + 2);
      const request: SocksRequest =
        type === 1 ? { host: [...address].join('.'), port, addressType: 'ipv4' }
        : type === 4 ? { host: (address.toString('hex').match(/.{4}/g) ?? []).join(':'), port, addressType: 'ipv6' }
        : { host: address.subarray(1).toString('utf8'), port, addressType: 'domain' };
      requests.push(request);
      const target = resolve(request.host, port);
      const upstream = net.connect(target.port, target.host, () => {
        client.write(Buffer.of(5, 0, 0, 1, 127, 0, 0, 1, 0, 0));
        if (rest.length) upstream.write(rest);
        splice(client, upstream);
      });
      upstream.on('error', () => client.end(Buffer.of(5, 4, 0, 1, 0, 0, 0, 0, 0, 0)));
    };
    client.on('data', onData);
  });
  const tracked = track(server);
  const port = await listen(server);
  return { url: `socks5://127.0.0.1:${port}`, port, requests, stop: tracked.stop };
}

/** A raw TCP front on another local address (e.g. ::1) forwarding to `target`. */
export async function startTcpFront(host: string, target: Target): Promise<Front> {
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host, () => splice(client, upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const tracked = track(server);
  const port = await listen(server, host);
  return { url: `tcp://${host.includes(':') ? `[${host}]` : host}:${port}`, port, stop: tracked.stop };
}

/**
 * A plain-HTTP front for an HTTPS API server that adds the bearer token, as `kubectl proxy` does.
 * With `refuseUpgrades` it answers every WebSocket upgrade 400 "Upgrade request required".
 */
export async function startHttpFront(options: { server: string; caPem: string; token: string; refuseUpgrades?: boolean }): Promise<Front & { upgrades: string[]; authorizations: string[] }> {
  const upstream = new URL(options.server);
  const upgrades: string[] = [];
  /** Authorization headers the client sent itself */
  const authorizations: string[] = [];
  const connectUpstream = () => tls.connect({ host: upstream.hostname, port: Number(upstream.port), ca: options.caPem, servername: 'localhost' });
  const headersFor = (req: IncomingMessage): http.OutgoingHttpHeaders => {
    if (req.headers.authorization) authorizations.push(req.headers.authorization);
    const headers: http.OutgoingHttpHeaders = { ...req.headers, host: upstream.host, authorization: `Bearer ${options.token}` };
    return headers;
  };
  const server = http.createServer((req, res) => {
    const forwarded = http.request({
      method: req.method,
      path: req.url,
      headers: headersFor(req),
      createConnection: () => connectUpstream(),
    });
    forwarded.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  server.on('upgrade', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    upgrades.push(req.url ?? '');
    client.on('error', () => client.destroy());
    if (options.refuseUpgrades) {
      const body = 'Upgrade request required';
      client.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    const socket = connectUpstream();
    socket.on('secureConnect', () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (const [key, value] of Object.entries(headersFor(req))) {
        for (const one of Array.isArray(value) ? value : [value]) lines.push(`${key}: ${String(one)}`);
      }
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) socket.write(head);
      splice(socket, client);
    });
    socket.on('error', () => client.destroy());
  });
  const tracked = track(server);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, upgrades, authorizations, stop: tracked.stop };
}

export interface KubeconfigSpec {
  server: string;
  namespace: string;
  caPem?: string;
  token?: string;
  tlsServerName?: string;
  proxyUrl?: string;
}

/** A one-context kubeconfig in `dir` for the network cases; returns its path. */
export function writeNetworkKubeconfig(dir: string, name: string, spec: KubeconfigSpec): string {
  const file = path.join(dir, `${name}.yaml`);
  const cluster = [
    `    server: ${JSON.stringify(spec.server)}`,
    ...(spec.caPem ? [`    certificate-authority-data: ${Buffer.from(spec.caPem).toString('base64')}`] : []),
    ...(spec.tlsServerName ? [`    tls-server-name: ${spec.tlsServerName}`] : []),
    ...(spec.proxyUrl ? [`    proxy-url: ${JSON.stringify(spec.proxyUrl)}`] : []),
  ];
  const yaml = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: net',
    '  cluster:',
    ...cluster,
    'users:',
    '- name: net-user',
    '  user:',
    ...(spec.token ? [`    token: ${spec.token}`] : ['    {}']),
    'contexts:',
    '- name: net',
    '  context:',
    '    cluster: net',
    '    user: net-user',
    `    namespace: ${spec.namespace}`,
    'current-context: net',
    '',
  ].join('\n');
  writeFileSync(file, yaml, { mode: 0o600 });
  return file;
}
