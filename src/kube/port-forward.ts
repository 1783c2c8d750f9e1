// A local TCP endpoint that reaches a pod port, like `kubectl port-forward`: one local server,
// one WebSocket per accepted TCP connection (client-node's v4 channel protocol carries one
// connection per socket). close() tears down the server and every live connection.
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { describeCause } from '../errors.ts';
import type { KubeConfig } from './client-node.ts';

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
    const errors = new PassThrough();
    errors.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8').trim();
      if (text) {
        lastError = text;
        socket.destroy();
      }
    });
    forwarder
      .portForward(namespace, pod, [port], socket, errors, socket)
      .then((ws) => {
        if (typeof ws === 'function') return;
        websockets.add(ws);
        ws.on('close', () => {
          websockets.delete(ws);
          socket.destroy();
        });
        if (socket.destroyed) ws.close();
      })
      .catch((err: unknown) => {
        // client-node rejects with a WebSocket ErrorEvent, not an Error.
        lastError = describeCause(err);
        socket.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    lastError: () => lastError,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        for (const ws of websockets) (ws.terminate ?? ws.close).call(ws);
        server.close(() => resolve());
      }),
  };
}
