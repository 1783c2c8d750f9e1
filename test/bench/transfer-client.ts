// Child process of the transfer bench, so the peak RSS measured is the downloader's own.
// usage: transfer-client.ts direct <url>
//        transfer-client.ts tunnel <kubeconfig> <namespace> <pod> <port> <path>
// Prints one JSON line: bytes, ms, rssBeforeBytes, peakRssBytes, rssSamplesBytes.
import { loadKubeconfig } from '../../src/kube/kubeconfig.ts';
import { openPortForward, type Tunnel } from '../../src/kube/port-forward.ts';
import { peakRssBytes } from './common.ts';

async function download(url: string): Promise<{ bytes: number; ms: number; samples: number[] }> {
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(process.memoryUsage.rss()), 20);
  const started = performance.now();
  try {
    const response = await fetch(url);
    if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status} from ${url}`);
    let bytes = 0;
    for await (const chunk of response.body) bytes += (chunk as Uint8Array).byteLength;
    return { bytes, ms: performance.now() - started, samples };
  } finally {
    clearInterval(timer);
  }
}

const [mode, ...args] = process.argv.slice(2);
let tunnel: Tunnel | undefined;
let url: string;
if (mode === 'direct') {
  url = args[0] ?? '';
} else if (mode === 'tunnel') {
  const [kubeconfig = '', namespace = '', pod = '', port = '0', file = '/'] = args;
  const { kc } = await loadKubeconfig({ env: {}, kubeconfig });
  tunnel = await openPortForward(kc, namespace, pod, Number(port));
  url = tunnel.baseUrl + file;
} else {
  throw new Error(`unknown mode ${mode}`);
}
const rssBeforeBytes = process.memoryUsage.rss();
const result = await download(url);
const error = tunnel?.lastError();
await tunnel?.close();
if (error) throw new Error(`tunnel error: ${error}`);
process.stdout.write(`${JSON.stringify({ bytes: result.bytes, ms: result.ms, rssBeforeBytes, peakRssBytes: peakRssBytes(), rssSamplesBytes: result.samples })}\n`);
process.exit(0);
