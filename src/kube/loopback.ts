// Both REST transports are a local server that only this process talks to.
import type net from 'node:net';

/** Listens on an ephemeral loopback port; resolves with the base URL for HTTP clients. */
export async function listenOnLoopback(server: net.Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

/** Cuts every open connection (local sockets and their upstreams), then stops listening. */
export function closeLoopback(server: net.Server, connections: Iterable<{ destroy(): unknown }>): Promise<void> {
  for (const connection of connections) connection.destroy();
  return new Promise<void>((resolve) => server.close(() => resolve()));
}
