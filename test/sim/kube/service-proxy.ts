// The API server's service proxy: `/api/v1/namespaces/{ns}/services/[https:]{name}[:{port}]/proxy/{path}`
// for any method. RBAC is checked on `services/proxy` with the verb of the method, the service's
// selector picks a Ready pod, the port (by name or number) leads through targetPort to the pod's
// port target, and the request and the answer stream through unchanged, cuts included.
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as requestTls } from 'node:https';
import { pipeline } from 'node:stream';
import type { SimPod } from '../types.ts';
import type { KubeObject } from './objects.ts';
import { isAllowed } from './rbac.ts';
import type { KubeUser } from './rest.ts';
import type { Route } from './routes.ts';
import { forbidden, notFound, sendStatus, serviceUnavailable } from './status.ts';
import type { ClusterStore } from './store.ts';

export interface ServiceProxyContext {
  store: ClusterStore;
  user: KubeUser;
}

// Hop-by-hop headers, and the caller's credentials (the real server strips them after authenticating).
const dropped = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'authorization']);

/** The RBAC verb of a proxied request, as the real request-info resolver maps methods. */
export function proxyVerb(method: string): string {
  const verbs: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
  return verbs[method.toUpperCase()] ?? 'get';
}

interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
}

function selects(selector: Record<string, string> | undefined, pod: SimPod): boolean {
  if (selector === undefined || Object.keys(selector).length === 0) return false; // no selector: no managed endpoints
  return Object.entries(selector).every(([key, value]) => pod.labels[key] === value);
}

function findPort(service: KubeObject, port: string | undefined): ServicePort | undefined {
  const ports = (service.spec?.ports ?? []) as ServicePort[];
  if (port === undefined) return ports.length === 1 ? ports[0] : ports.find((p) => p.name === undefined || p.name === '');
  return ports.find((p) => p.name === port || String(p.port) === port);
}

function containerPort(pod: SimPod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  return pod.ports?.find((p) => p.name === target)?.containerPort;
}

function proxyHeaders(headers: IncomingMessage['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(headers)) if (!dropped.has(key) && value !== undefined) out[key] = value;
  return out;
}

export function proxyToService(
  context: ServiceProxyContext,
  route: Extract<Route, { kind: 'serviceProxy' }>,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const { namespace, service: name } = route;
  const method = req.method ?? 'GET';
  const verb = proxyVerb(method);
  if (!isAllowed(context.user.rules, { verb, group: '', resource: 'services', subresource: 'proxy', namespace })) {
    return sendStatus(res, forbidden({ resource: 'services', group: '', name }, { user: context.user.name, verb, subresource: 'proxy', namespace }));
  }
  const service = context.store.get('services', namespace, name);
  if (service === undefined) return sendStatus(res, notFound({ resource: 'services', group: '', name }));
  const servicePort = findPort(service, route.port);
  if (servicePort === undefined) {
    return sendStatus(res, serviceUnavailable(`no endpoints available for service "${name}"`));
  }
  const selector = service.spec?.selector as Record<string, string> | undefined;
  const pod = context.store.simPods(namespace).find((p) => p.phase === 'Running' && p.ready && selects(selector, p));
  const port = pod === undefined ? undefined : containerPort(pod, servicePort);
  if (pod === undefined || port === undefined) {
    return sendStatus(res, serviceUnavailable(`no endpoints available for service "${name}"`));
  }
  const target = pod.portTargets[port];
  if (target === undefined) {
    return sendStatus(res, serviceUnavailable(`error trying to reach service: dial tcp ${pod.ip}:${port}: connect: connection refused`));
  }
  const search = new URL(req.url ?? '/', 'https://sim.invalid').search;
  const upstreamOptions = { host: target.host, port: target.port, method, path: route.path + search, headers: proxyHeaders(req.headers) };
  // `https:name:port`: the API server speaks TLS to the pod and, like the real one, does not verify its certificate
  const upstream = route.scheme === 'https' ? requestTls({ ...upstreamOptions, rejectUnauthorized: false }) : request(upstreamOptions);
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const reason = error.code === 'ECONNREFUSED' ? 'connect: connection refused' : error.message;
    sendStatus(res, serviceUnavailable(`error trying to reach service: dial tcp ${pod.ip}:${port}: ${reason}`));
  });
  upstream.on('response', (answer) => {
    res.writeHead(answer.statusCode ?? 502, proxyHeaders(answer.headers));
    // a body cut by the service is cut for the caller too: pipeline destroys `res` on 'aborted'
    pipeline(answer, res, () => undefined);
  });
  pipeline(req, upstream, () => undefined);
}
