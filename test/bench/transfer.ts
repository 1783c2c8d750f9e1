// 3. Artifact transfer: one flame graph through the port-forward tunnel (client-node PortForward over the
// simulator's WebSocket) against a direct loopback download from the same HTTP server. Each download runs
// in a fresh child process; direct and tunnel alternate.
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { writeSyntheticFlameGraph } from '../sim/flink/synthetic-flamegraph.ts';
import { startScenario } from '../sim/scenario.ts';
import { fmtBytes, fmtMs, fmtRatio, MB, median, runBenchChild, type Section } from './common.ts';

const TARGET_RATIO = 0.5;
const FORWARDED_PORT = 9250;

interface ClientReport {
  bytes: number;
  ms: number;
  rssBeforeBytes: number;
  peakRssBytes: number;
  rssSamplesBytes: number[];
}

export interface TransferResult {
  sizes: TransferSize[];
  met: boolean;
}

export interface TransferSize {
  fileBytes: number;
  reps: number;
  /** peak RSS of the same clients downloading 1 KiB */
  directIdlePeakRssBytes: number;
  tunnelIdlePeakRssBytes: number;
  direct: { mbPerS: number; ms: number; peakRssBytes: number; runs: ClientReport[] };
  tunnel: { mbPerS: number; ms: number; peakRssBytes: number; runs: ClientReport[] };
  ratio: number;
  /** peak RSS growth of the tunnel client over the idle client, as a share of the file size */
  tunnelMemoryShareOfFile: number;
  met: boolean;
}

const strip = (r: ClientReport): ClientReport => ({ ...r, rssSamplesBytes: [] });

export async function benchTransfer(opts: { megabytes: number[]; reps: number }): Promise<TransferResult> {
  const sizes: TransferSize[] = [];
  for (const megabytes of opts.megabytes) sizes.push(await benchTransferSize({ megabytes, reps: opts.reps }));
  // flatness and throughput are judged at the largest size
  const largest = sizes[sizes.length - 1];
  return { sizes, met: largest?.met ?? false };
}

async function benchTransferSize(opts: { megabytes: number; reps: number }): Promise<TransferSize> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-bench-transfer-'));
  const file = path.join(dir, 'artifact.html');
  await writeSyntheticFlameGraph(file, { approxBytes: opts.megabytes * MB });
  const fileBytes = statSync(file).size;
  const server = http.createServer((req, res) => {
    if (req.url === '/tiny.html') {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': '1024' }).end('x'.repeat(1024));
      return;
    }
    if (req.url !== '/artifact.html') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(fileBytes) });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const scenario = await startScenario({ deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 1 }], clockSpeed: 1 });
  try {
    const pod = scenario.pods('squirrly').find((p) => p.labels['component'] === 'taskmanager');
    if (pod === undefined) throw new Error('no TaskManager pod in the scenario');
    scenario.setPortTarget('squirrly', pod.name, FORWARDED_PORT, { host: '127.0.0.1', port });
    const direct = (file = '/artifact.html') => runBenchChild<ClientReport>('transfer-client.ts', ['direct', `http://127.0.0.1:${port}${file}`]);
    const tunnel = (file = '/artifact.html') =>
      runBenchChild<ClientReport>('transfer-client.ts', ['tunnel', scenario.kubeconfigPath, 'squirrly', pod.name, String(FORWARDED_PORT), file]);
    // the memory baselines: the same clients downloading 1 KiB
    const directIdle = await direct('/tiny.html');
    const tunnelIdle = await tunnel('/tiny.html');
    await direct(); // warm-up: page cache
    const directRuns: ClientReport[] = [];
    const tunnelRuns: ClientReport[] = [];
    for (let i = 0; i < opts.reps; i++) {
      directRuns.push(await direct());
      tunnelRuns.push(await tunnel());
    }
    for (const r of [...directRuns, ...tunnelRuns]) {
      if (r.bytes !== fileBytes) throw new Error(`downloaded ${r.bytes} bytes of ${fileBytes}`);
    }
    const summary = (runs: ClientReport[]) => {
      const ms = median(runs.map((r) => r.ms));
      return { mbPerS: fileBytes / MB / (ms / 1000), ms, peakRssBytes: Math.max(...runs.map((r) => r.peakRssBytes)), runs: runs.map(strip) };
    };
    const d = summary(directRuns);
    const t = summary(tunnelRuns);
    const ratio = t.mbPerS / d.mbPerS;
    const share = (t.peakRssBytes - tunnelIdle.peakRssBytes) / fileBytes;
    // flat memory: the client never holds a large part of the file
    return { fileBytes, reps: opts.reps, directIdlePeakRssBytes: directIdle.peakRssBytes, tunnelIdlePeakRssBytes: tunnelIdle.peakRssBytes, direct: d, tunnel: t, ratio, tunnelMemoryShareOfFile: share, met: ratio >= TARGET_RATIO && share < 0.5 };
  } finally {
    await scenario.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
}

export function transferSection(result: TransferResult): Section {
  const row = (r: TransferSize, name: string, s: TransferSize['direct'], ratio: string, idle: number) => [
    name,
    fmtBytes(r.fileBytes),
    fmtMs(s.ms),
    `${s.mbPerS.toFixed(1)} MiB/s`,
    ratio,
    fmtBytes(s.peakRssBytes),
    fmtBytes(s.peakRssBytes - idle),
  ];
  return {
    title: '3. Artifact transfer',
    target: `tunnel >= ${TARGET_RATIO}x direct throughput, flat client memory (peak RSS growth < 0.5x file)`,
    header: ['path', 'file', 'median time', 'throughput', 'ratio', 'peak RSS', 'over 1 KiB'],
    rows: result.sizes.flatMap((r) => [row(r, 'direct loopback HTTP', r.direct, '1.00x', r.directIdlePeakRssBytes), row(r, 'port-forward tunnel', r.tunnel, fmtRatio(r.ratio), r.tunnelIdlePeakRssBytes)]),
    notes: [
      `fresh child per download, ${result.sizes[0]?.reps ?? 0} alternating run(s) each after a warm-up; "over 1 KiB" = peak RSS − peak RSS of the same client fetching 1 KiB (direct ${fmtBytes(result.sizes[0]?.directIdlePeakRssBytes ?? 0)}, tunnel ${fmtBytes(result.sizes[0]?.tunnelIdlePeakRssBytes ?? 0)})`,
      ...result.sizes.map((r) => `${fmtBytes(r.fileBytes)}: tunnel client peak RSS growth = ${(r.tunnelMemoryShareOfFile * 100).toFixed(0)}% of the file size`),
    ],
    met: result.met,
  };
}
