// A local HTTP endpoint that reaches a Service through the API server's service proxy
// (`<server>/api/v1/namespaces/<ns>/services/<name>:<port>/proxy/<path>`), the way
// `kubectl get --raw` does. It needs `services/proxy` (get for GET, create for POST) instead of
// `pods/portforward`. Each local request becomes one HTTPS request with the kubeconfig's
// credentials; bodies stream both ways, status and headers pass through, and a body cut upstream
// is cut locally too, so the caller's retries see the same failure as with a port-forward.
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { pipeline } from 'node:stream';
import { SquirrlyError } from '../errors.ts';
import { KubeApiError, unauthorized } from './api-errors.ts';
import type { LoadedKubeconfig } from './kubeconfig.ts';
import type { LocalTunnel } from './port-forward.ts';
import { closeLoopback, listenOnLoopback } from './loopback.ts';
import { unbracket } from './proxy-for-url.ts';

export interface ServiceProxyTunnel extends LocalTunnel {
  /** the last refusal of the API server itself (not of the service), with the fix */
  lastProblem(): SquirrlyError | undefined;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) and those this proxy sets itself.
const dropped = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'authorization', 'proxy-authorization', 'cookie']);
/** a Status body is small; anything bigger is the service's own answer */
const maxStatusBytes = 64 * 1024;

/** The URL prefix of the service proxy, without a trailing slash. */
export function serviceProxyPrefix(server: string, namespace: string, service: string, port: string, scheme?: 'https'): string {
  const base = server.replace(/\/+$/, '');
  const id = `${scheme ? `${scheme}:` : ''}${encodeURIComponent(service)}:${encodeURIComponent(port)}`;
  return `${base}/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${id}/proxy`;
}

/** The HTTP verb RBAC checks for a proxied request of this method. */
export function proxyVerb(method: string): string {
  switch (method.toUpperCase()) {
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return 'get';
  }
}

interface KubeStatus {
  kind?: unknown;
  message?: unknown;
  reason?: unknown;
  code?: unknown;
}

/** An API server Status for the proxy, turned into an error that names the fix; undefined for anything else. */
export function proxyStatusProblem(status: number, body: string, ctx: { method: string; namespace: string; service: string; server: string }): SquirrlyError | undefined {
  let parsed: KubeStatus;
  try {
    parsed = JSON.parse(body) as KubeStatus;
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || parsed.kind !== 'Status') return undefined;
  const said = typeof parsed.message === 'string' ? parsed.message : '';
  const where = `in namespace "${ctx.namespace}"`;
  if (status === 401) return unauthorized(ctx.server);
  if (status === 403) {
    const verb = proxyVerb(ctx.method);
    return new KubeApiError(`permission denied: you may not ${verb} services/proxy ${where} (needed by --via proxy)`, 403,
      `ask your cluster admin for a Role that allows "get" and "create" on "services/proxy", or use --via port-forward (needs "create" on "pods/portforward")`);
  }
  if (status === 404) {
    return new KubeApiError(said || `service "${ctx.service}" not found ${where}`, 404,
      `the operator creates the service ${ctx.service} for the JobManager's REST API; check it: kubectl get service ${ctx.service} -n ${ctx.namespace}`);
  }
  if (status === 503) {
    return new KubeApiError(`the service ${ctx.service} has no ready JobManager behind it${said ? ` (${said})` : ''}`, 503,
      `check the JobManager pod and the service's endpoints: kubectl get endpoints ${ctx.service} -n ${ctx.namespace}`);
  }
  return new KubeApiError(`the API server answered ${status}${said ? `: ${said}` : ''} while proxying to service ${ctx.service}`, status);
}

export async function openServiceProxy(config: LoadedKubeconfig, namespace: string, service: string, portName: string, scheme?: 'https'): Promise<ServiceProxyTunnel> {
  const prefix = new URL(serviceProxyPrefix(config.server, namespace, service, portName, scheme));
  const secure = prefix.protocol === 'https:';
  const upstreams = new Set<http.ClientRequest>();
  const sockets = new Set<net.Socket>();
  let lastError: string | undefined;
  let lastProblem: SquirrlyError | undefined;

  const forward = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const headers: http.OutgoingHttpHeaders = {};
    for (const [key, value] of Object.entries(req.headers)) if (!dropped.has(key) && value !== undefined) headers[key] = value;
    const options: https.RequestOptions = {
      protocol: prefix.protocol,
      // URL keeps the brackets of an IPv6 literal ([::1]); a socket wants the bare address
      hostname: unbracket(prefix.hostname),
      port: prefix.port || (secure ? 443 : 80),
      method,
      path: prefix.pathname + (req.url ?? '/'),
      headers,
    };
    // CA, client certificate and key, bearer token or exec/OIDC credentials, proxy-url: as client-node applies them.
    await config.kc.applyToHTTPSOptions(options);
    const upstream = (secure ? https : http).request(options);
    upstreams.add(upstream);
    upstream.on('close', () => upstreams.delete(upstream));
    upstream.on('error', (err) => {
      lastError = `the API server at ${config.server} could not be reached: ${err.message}`;
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(lastError);
      } else {
        res.destroy(err);
      }
    });
    upstream.on('response', (answer) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [key, value] of Object.entries(answer.headers)) if (!dropped.has(key) && key !== 'set-cookie' && value !== undefined) out[key] = value;
      const status = answer.statusCode ?? 502;
      const isJson = String(answer.headers['content-type'] ?? '').includes('json');
      const length = Number(answer.headers['content-length'] ?? NaN);
      if (status >= 400 && isJson && !(length > maxStatusBytes)) {
        // Small JSON errors are read whole: an API server Status (RBAC, no service, no endpoints) is
        // remembered with the fix; Flink's own {"errors": [...]} passes through unchanged.
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('error', (err) => res.destroy(err));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          const problem = proxyStatusProblem(status, body.toString('utf8'), { method, namespace, service, server: config.server });
          if (problem) {
            lastProblem = problem;
            lastError = problem.message;
          }
          res.writeHead(status, { ...out, 'content-length': body.length });
          res.end(body);
        });
        return;
      }
      res.writeHead(status, out);
      pipeline(answer, res, () => {
        // a body cut upstream has already destroyed `res`: the local client sees the same cut
      });
    });
    pipeline(req, upstream, () => {
      // errors of the request side are reported through upstream's 'error' above
    });
  };

  const server = http.createServer((req, res) => {
    forward(req, res).catch((err: unknown) => {
      lastError = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(lastError);
      } else {
        res.destroy();
      }
    });
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  const baseUrl = await listenOnLoopback(server);
  return {
    baseUrl,
    lastError: () => lastError,
    lastProblem: () => lastProblem,
    close: () => closeLoopback(server, [...upstreams, ...sockets]),
  };
}
