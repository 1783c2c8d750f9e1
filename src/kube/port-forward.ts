// A local TCP endpoint that reaches a pod port, like `kubectl port-forward`: one local server,
// one WebSocket per accepted TCP connection (client-node's v4 channel protocol carries one
// connection per socket). close() tears down the server and every live connection.
import net from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { describeCause } from '../errors.ts';
import type { KubeConfig } from './client-node.ts';
import { listenOnLoopback } from './loopback.ts';

export interface Tunnel {
  /** e.g. http://127.0.0.1:41234 */
  readonly baseUrl: string;
  /** the last error reported by the API server or the kubelet for this tunnel, if any */
  lastError(): string | undefined;
  close(): Promise<void>;
}

export async function openPortForward(kc: KubeConfig, namespace: string, pod: string, port: number): Promise<Tunnel> {
  const { PortForward } = await import('./client-node.ts');
  const forwarder = new PortForward(kc, true);
  const sockets = new Set<net.Socket>();
  const websockets = new Set<{ close(): void; terminate?: () => void }>();
  let lastError: string | undefined;

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // client-node writes what the pod sends without looking at write()'s result; this relay
    // pauses the WebSocket while the local reader is behind, so a large download streams with
    // flat memory instead of piling up in the socket's buffer.
    let ws: { pause(): void; resume(): void } | undefined;
    const toLocal = new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (socket.write(chunk)) return done();
        ws?.pause();
        socket.once('drain', () => {
          ws?.resume();
          done();
        });
      },
    });
    toLocal.on('error', () => socket.destroy());
    const errors = new PassThrough();
    errors.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8').trim();
      if (text) {
        lastError = text;
        socket.destroy();
      }
    });
    forwarder
      .portForward(namespace, pod, [port], toLocal, errors, socket)
      .then((opened) => {
        if (typeof opened === 'function') return;
        ws = opened;
        websockets.add(opened);
        opened.on('close', () => {
          websockets.delete(opened);
          // end, not destroy: bytes still queued for the local reader must reach it.
          toLocal.end(() => socket.end());
        });
        if (socket.destroyed) opened.close();
      })
      .catch((err: unknown) => {
        // client-node rejects with a WebSocket ErrorEvent, not an Error.
        lastError = describeCause(err);
        socket.destroy();
      });
  });
  const baseUrl = await listenOnLoopback(server);
  return {
    baseUrl,
    lastError: () => lastError,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        for (const ws of websockets) (ws.terminate ?? ws.close).call(ws);
        server.close(() => resolve());
      }),
  };
}
