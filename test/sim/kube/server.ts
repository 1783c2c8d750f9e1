// The Kubernetes API server simulator: HTTPS with a per-start CA, bearer-token users with RBAC rules,
// REST + exec + port-forward, a request log and fault hooks.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer } from 'ws';
import type { RbacRule } from '../types.ts';
import { createServerCertificates } from './certificates.ts';
import { handleRestRequest, type KubeUser } from './rest.ts';
import { parseRoute } from './routes.ts';
import { internalError, refuseUpgrade, sendStatus, unauthorized } from './status.ts';
import { ClusterStore } from './store.ts';
import { handleUpgrade } from './upgrade.ts';

export interface RequestLogEntry {
  method: string;
  path: string;
  /** the raw query string without '?'; parse it with URLSearchParams */
  query: string;
  /** the authenticated user; undefined for anonymous or rejected requests */
  user: string | undefined;
  /** the HTTP status answered (101 for a successful upgrade); 0 while still in progress */
  status: number;
  upgrade: boolean;
  /** the Impersonate-* headers as sent, in order, names lower-cased (a name repeats per value) */
  impersonation: Array<[string, string]>;
}

export interface KubeSim {
  /** https://127.0.0.1:<port> */
  readonly url: string;
  /** the CA that signed the server certificate, PEM */
  readonly caPem: string;
  readonly store: ClusterStore;
  /** every request in arrival order */
  readonly requests: RequestLogEntry[];
  /** registers a user and returns its bearer token */
  addUser(name: string, rules: RbacRule[]): string;
  /** replaces the RBAC rules of an existing user */
  setRules(name: string, rules: RbacRule[]): void;
  /** delays every request whose path matches (substring or RegExp) by `ms` before it is answered */
  addDelay(path: string | RegExp, ms: number): void;
  clearDelays(): void;
  /** closes the listener and every open connection, ending exec children and tunnels */
  stop(): Promise<void>;
}

function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

function pathMatches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === 'string' ? path.includes(pattern) : pattern.test(path);
}

export async function startKubeSim(): Promise<KubeSim> {
  const certificates = await createServerCertificates();
  const store = new ClusterStore();
  const usersByToken = new Map<string, KubeUser>();
  const requests: RequestLogEntry[] = [];
  const delays: Array<{ path: string | RegExp; ms: number }> = [];
  const sockets = new Set<Socket>();
  const stopping = new AbortController();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  let serverAddress = '';

  /** Logs the request, applies delays and authenticates; undefined when it was already answered. */
  async function admit(req: IncomingMessage, upgrade: boolean, answerUnauthorized: () => void) {
    const url = new URL(req.url ?? '/', 'https://sim.invalid');
    const impersonation: Array<[string, string]> = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!.toLowerCase();
      if (name.startsWith('impersonate-')) impersonation.push([name, req.rawHeaders[i + 1]!]);
    }
    const entry: RequestLogEntry = { method: req.method ?? 'GET', path: url.pathname, query: url.search.slice(1), user: undefined, status: 0, upgrade, impersonation };
    requests.push(entry);
    const delay = delays.find((d) => pathMatches(d.path, url.pathname));
    if (delay !== undefined) {
      try {
        await sleep(delay.ms, undefined, { signal: stopping.signal });
      } catch {
        return undefined;
      }
    }
    const token = bearerToken(req);
    const user = token === undefined ? undefined : usersByToken.get(token);
    const route = parseRoute(url.pathname);
    // like the real server's public-info-viewer role, /version is open to anonymous callers
    if (user === undefined && !(token === undefined && route.kind === 'version')) {
      entry.status = 401;
      answerUnauthorized();
      return undefined;
    }
    entry.user = user?.name;
    return { entry, route, user: user ?? { name: 'system:anonymous', rules: [] }, query: url.searchParams };
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const admitted = await admit(req, false, () => sendStatus(res, unauthorized()));
    if (admitted === undefined) return;
    res.on('finish', () => {
      admitted.entry.status = res.statusCode;
    });
    await handleRestRequest({ store, user: admitted.user, serverAddress }, admitted.route, req, res, admitted.query);
  }

  async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const admitted = await admit(req, true, () => refuseUpgrade(socket, unauthorized()));
    if (admitted === undefined) return;
    admitted.entry.status = handleUpgrade({ store, user: admitted.user, wss }, admitted.route, req, socket, head, admitted.query);
  }

  const server = createServer({ key: certificates.keyPem, cert: certificates.certPem }, (req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendStatus(res, internalError(String(error)));
      else res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {
      // a client that vanished mid-upgrade is not the simulator's problem
    });
    onUpgrade(req, socket, head).catch(() => socket.destroy());
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  serverAddress = `127.0.0.1:${port}`;

  return {
    url: `https://${serverAddress}`,
    caPem: certificates.caPem,
    store,
    requests,
    addUser(name, rules) {
      const token = `${name}-${randomBytes(16).toString('hex')}`;
      usersByToken.set(token, { name, rules });
      return token;
    },
    setRules(name, rules) {
      for (const user of usersByToken.values()) if (user.name === name) user.rules = rules;
    },
    addDelay(path, ms) {
      delays.push({ path, ms });
    },
    clearDelays() {
      delays.length = 0;
    },
    async stop() {
      stopping.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const client of wss.clients) client.terminate();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
