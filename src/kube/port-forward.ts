// A local TCP endpoint that reaches a pod port, like `kubectl port-forward`: one local server,
// one WebSocket per accepted TCP connection, speaking the API server's v4.channel.k8s.io
// port-forward protocol (the one client-node uses). The protocol is spoken here rather than
// through client-node's PortForward because that one ignores backpressure: a slow reader made
// a large download pile up in memory. Here the WebSocket pauses while the local reader is behind,
// and the local socket pauses while the WebSocket's send buffer is full.
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { RawData, WebSocket as WebSocketType } from 'ws';
import { describeCause } from '../errors.ts';
import type { KubeConfig } from './client-node.ts';
import type { Tunnel } from './cluster.ts';
import { closeLoopback, listenOnLoopback } from './loopback.ts';

/** A tunnel before the cluster adds its diagnosis. */
export type LocalTunnel = Omit<Tunnel, 'diagnose'>;

/** A WebSocket upgrade answered with something else than 101: the status and the start of the body. */
export interface RefusedUpgrade {
  status: number;
  body: string;
}

export interface PortForwardTunnel extends LocalTunnel {
  /** the last refused upgrade, if any */
  refusedUpgrade(): RefusedUpgrade | undefined;
}

const DATA = 0;
const ERROR = 1;
/** pause reading the local socket while this much is waiting to go out on the WebSocket */
const SEND_HIGH_WATER = 1024 * 1024;

export async function openPortForward(kc: KubeConfig, namespace: string, pod: string, port: number): Promise<PortForwardTunnel> {
  const { WebSocket } = await import('ws');
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = `${cluster.server.replace(/^http/, 'ws')}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/portforward?ports=${port}`;
  const sockets = new Set<net.Socket>();
  const websockets = new Set<WebSocketType>();
  let lastError: string | undefined;
  let refused: RefusedUpgrade | undefined;

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.pause(); // nothing is read until the WebSocket is open
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    void connect(socket);
  });

  async function connect(socket: net.Socket): Promise<void> {
    // Credentials (token, client certificate, CA) exactly as client-node applies them.
    const options: Record<string, unknown> = {};
    try {
      await kc.applyToHTTPSOptions(options);
    } catch (err) {
      lastError = describeCause(err);
      socket.destroy();
      return;
    }
    const ws = new WebSocket(url, ['v4.channel.k8s.io'], { ...options, perMessageDeflate: false });
    websockets.add(ws);
    // The first message on each channel is the port number (2 bytes), not data.
    const prefixPending = [true, true];

    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      lastError = `the API server refused the port-forward with ${res.statusCode}`;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 4096) body += chunk;
      });
      res.on('end', () => {
        lastError = statusMessage(body) ?? lastError;
        refused = { status: res.statusCode ?? 0, body: body.slice(0, 512) };
        ws.terminate();
      });
    });
    ws.on('error', (err) => {
      lastError ??= describeCause(err);
      socket.destroy();
    });
    ws.on('open', () => {
      socket.on('data', (chunk: Buffer) => {
        ws.send(Buffer.concat([Buffer.of(DATA), chunk]));
        if (ws.bufferedAmount > SEND_HIGH_WATER) {
          socket.pause();
          waitForSendBuffer(ws, () => socket.resume());
        }
      });
      // The v4 protocol has no half-close: the local side ending ends the tunnel connection.
      socket.on('end', () => ws.close());
      socket.resume();
    });
    ws.on('message', (data: RawData) => {
      const message = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
      const channel = message[0];
      if (channel !== DATA && channel !== ERROR) return;
      let payload = message.subarray(1);
      if (prefixPending[channel]) {
        prefixPending[channel] = false;
        payload = payload.subarray(2);
      }
      if (payload.length === 0) return;
      if (channel === ERROR) {
        lastError = payload.toString('utf8').trim();
        socket.destroy();
        return;
      }
      if (!socket.write(payload)) {
        ws.pause();
        socket.once('drain', () => ws.resume());
      }
    });
    ws.on('close', () => {
      websockets.delete(ws);
      // end, not destroy: bytes still queued for the local reader must reach it.
      socket.end();
    });
    socket.on('close', () => {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.terminate();
    });
  }

  const baseUrl = await listenOnLoopback(server);
  return {
    baseUrl,
    lastError: () => lastError,
    refusedUpgrade: () => refused,
    close: () => closeLoopback(server, [...sockets, ...[...websockets].map((ws) => ({ destroy: () => ws.terminate() }))]),
  };
}

/** Polls the send buffer after a write overran it; `ws` has no 'drain' event of its own. */
function waitForSendBuffer(ws: WebSocketType, then: () => void): void {
  const check = (): void => {
    if (ws.readyState !== ws.OPEN || ws.bufferedAmount <= SEND_HIGH_WATER / 2) then();
    else setTimeout(check, 5);
  };
  setTimeout(check, 5);
}

/** The message of a Kubernetes Status body, when that is what the API server sent. */
function statusMessage(body: string): string | undefined {
  try {
    const status = JSON.parse(body) as { message?: unknown };
    return typeof status.message === 'string' ? status.message : undefined;
  } catch {
    return undefined;
  }
}
