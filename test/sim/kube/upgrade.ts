// Exec and port-forward upgrade requests: every check happens before the upgrade so a refusal carries a
// Status body, as the real API server's does (kubectl prints it after its SPDY fallback is refused too).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { SimPod } from '../types.ts';
import { runExec } from './exec.ts';
import { runPortForward } from './portforward.ts';
import { isAllowed } from './rbac.ts';
import type { KubeUser } from './rest.ts';
import type { Route } from './routes.ts';
import { badRequest, forbidden, internalError, notFound, notImplemented, refuseUpgrade, type KubeStatus } from './status.ts';
import type { ClusterStore } from './store.ts';

export interface UpgradeContext {
  store: ClusterStore;
  user: KubeUser;
  wss: WebSocketServer;
}

interface Session {
  protocol: string;
  start: (ws: WebSocket) => void;
}

const kubectlPortForwardTunnel = 'SPDY/3.1+portforward.k8s.io';

function booleanParameter(query: URLSearchParams, name: string): boolean {
  return (query.get(name) ?? '').toLowerCase() === 'true';
}

function offeredProtocols(req: IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
}

function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return req.method === 'GET' && (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

function podNotRunning(pod: SimPod, container: string): KubeStatus | undefined {
  if (pod.phase === 'Running') return undefined;
  if (pod.phase === 'Pending') return badRequest(`unable to upgrade connection: container not found ("${container}")`);
  return badRequest(`cannot exec into a container in a completed pod; current phase is ${pod.phase}`);
}

function execSession(req: IncomingMessage, pod: SimPod, query: URLSearchParams): Session | KubeStatus {
  const container = query.get('container') || pod.containers[0] || '';
  if (!pod.containers.includes(container)) return badRequest(`container ${container} is not valid for pod ${pod.name}`);
  const notRunning = podNotRunning(pod, container);
  if (notRunning) return notRunning;
  if (pod.execError !== undefined) return internalError(pod.execError);
  const command = query.getAll('command');
  if (command.length === 0) return badRequest('you must specify at least 1 command');
  if (!isWebSocketUpgrade(req)) return notImplemented('exec over SPDY is not supported by the simulator; use WebSocket');
  const offered = offeredProtocols(req);
  const protocol = ['v5.channel.k8s.io', 'v4.channel.k8s.io'].find((p) => offered.includes(p));
  if (protocol === undefined) return badRequest(`requested protocol(s) are not supported: ${offered.join(', ')}`);
  const request = {
    pod,
    command,
    stdin: booleanParameter(query, 'stdin'),
    stdout: booleanParameter(query, 'stdout'),
    stderr: booleanParameter(query, 'stderr'),
  };
  return { protocol, start: (ws) => runExec(ws, request) };
}

function portForwardSession(req: IncomingMessage, pod: SimPod, query: URLSearchParams): Session | KubeStatus {
  const notRunning = podNotRunning(pod, pod.containers[0] ?? '');
  if (notRunning) return notRunning;
  const offered = offeredProtocols(req);
  if (!isWebSocketUpgrade(req) || offered.includes(kubectlPortForwardTunnel)) {
    return notImplemented('port-forward over SPDY is not supported by the simulator; use WebSocket v4.channel.k8s.io');
  }
  const ports = query.getAll('ports').flatMap((p) => p.split(',')).map((p) => p.trim());
  if (ports.length !== 1) return badRequest('exactly one port must be requested');
  const port = Number(ports[0]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return badRequest(`invalid port "${ports[0]}"`);
  if (!offered.includes('v4.channel.k8s.io')) return badRequest(`requested protocol(s) are not supported: ${offered.join(', ')}`);
  return { protocol: 'v4.channel.k8s.io', start: (ws) => runPortForward(ws, pod, port) };
}

/** Handles an upgrade request; returns the HTTP status it answered with, for the request log. */
export function handleUpgrade(
  context: UpgradeContext,
  route: Route,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  query: URLSearchParams,
): number {
  const refuse = (status: KubeStatus) => {
    refuseUpgrade(socket, status);
    return status.code;
  };
  if (route.kind !== 'resource' || route.type.resource !== 'pods' || route.name === undefined || route.namespace === undefined ||
    (route.subresource !== 'exec' && route.subresource !== 'portforward')) {
    return refuse(badRequest('this path cannot be upgraded'));
  }
  const { name, namespace, subresource } = route;
  // a WebSocket upgrade is a GET: authorized as `get`, then (Kubernetes 1.35+) as `create` too; SPDY's POST as `create`
  for (const verb of req.method === 'POST' ? ['create'] : ['get', 'create']) {
    if (!isAllowed(context.user.rules, { verb, group: '', resource: 'pods', subresource, namespace })) {
      return refuse(forbidden({ resource: 'pods', group: '', name }, { user: context.user.name, verb, subresource, namespace }));
    }
  }
  const pod = context.store.simPod(namespace, name);
  if (pod === undefined) return refuse(notFound({ resource: 'pods', group: '', name }));
  const session = subresource === 'exec' ? execSession(req, pod, query) : portForwardSession(req, pod, query);
  if ('code' in session) return refuse(session);
  // ws picks the subprotocol through handleProtocols, which reads it back from this header
  req.headers['sec-websocket-protocol'] = session.protocol;
  context.wss.handleUpgrade(req, socket, head, (ws) => {
    // a client sending invalid frames ends its own session, never the simulator
    ws.on('error', () => ws.terminate());
    session.start(ws);
  });
  return 101;
}
