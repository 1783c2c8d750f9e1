// Child process of the transfer bench, so the memory measured is the downloader's own.
// usage: transfer-client.ts <out-file> direct <url>
//        transfer-client.ts <out-file> tunnel <kubeconfig> <namespace> <pod> <port> <path>
// The body is streamed to <out-file>, as the plugin saves artifacts. Run with --expose-gc to also sample
// the memory still referenced (heap + buffers after a full GC) every 100 ms: a client that buffers what it
// cannot write yet shows it there, while peak RSS also includes garbage not yet collected.
// Prints one JSON line (ClientReport).
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Tunnel } from '../../src/kube/cluster.ts';
import { connectCluster } from '../../src/kube/kube-cluster.ts';
import { peakRssBytes } from './common.ts';

const gc = (globalThis as { gc?: () => void }).gc;

function retainedBytes(): number {
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

async function download(url: string, outFile: string, retainedBefore: number): Promise<{ bytes: number; ms: number; peakRetainedBytes: number }> {
  let peakRetainedBytes = retainedBefore;
  const timer = gc ? setInterval(() => (peakRetainedBytes = Math.max(peakRetainedBytes, retainedBytes())), 100) : undefined;
  const started = performance.now();
  try {
    const response = await fetch(url);
    if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status} from ${url}`);
    let bytes = 0;
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => (bytes += chunk.byteLength));
    await pipeline(body, createWriteStream(outFile));
    return { bytes, ms: performance.now() - started, peakRetainedBytes };
  } finally {
    clearInterval(timer);
  }
}

const [outFile = '', mode, ...args] = process.argv.slice(2);
let tunnel: Tunnel | undefined;
let url: string;
if (mode === 'direct') {
  url = args[0] ?? '';
} else if (mode === 'tunnel') {
  const [kubeconfig = '', namespace = '', pod = '', port = '0', file = '/'] = args;
  const cluster = await connectCluster({ env: {}, kubeconfig, namespace, timeoutMs: 30_000 });
  tunnel = await cluster.portForward(pod, Number(port));
  url = tunnel.baseUrl + file;
} else {
  throw new Error(`unknown mode ${mode}`);
}
const retainedBeforeBytes = gc ? retainedBytes() : 0;
const result = await download(url, outFile, retainedBeforeBytes);
const error = tunnel?.lastError();
await tunnel?.close();
if (error) throw new Error(`tunnel error: ${error}`);
process.stdout.write(
  `${JSON.stringify({ bytes: result.bytes, ms: result.ms, peakRssBytes: peakRssBytes(), retainedBeforeBytes, peakRetainedBytes: result.peakRetainedBytes })}\n`,
);
process.exit(0);
