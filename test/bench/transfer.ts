// 3. Artifact transfer: a flame graph through the port-forward tunnel (client-node PortForward over the
// simulator's WebSocket) against a direct loopback download from the same HTTP server. Every download runs
// in a fresh child process (transfer-client.ts) that streams the body to a file; direct and tunnel alternate.
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { writeSyntheticFlameGraph } from '../sim/flink/synthetic-flamegraph.ts';
import { startScenario } from '../sim/scenario.ts';
import { fmtBytes, fmtMs, fmtRatio, MB, median, runBenchChild, type Section } from './common.ts';

const TARGET_RATIO = 0.5;
/** the tunnel may keep at most this share of the file referenced beyond what the direct download keeps */
const FLAT_SHARE = 0.25;
const FORWARDED_PORT = 9250;

interface ClientReport {
  bytes: number;
  ms: number;
  peakRssBytes: number;
  retainedBeforeBytes: number;
  peakRetainedBytes: number;
}

interface PathResult {
  medianMs: number;
  mbPerS: number;
  /** highest peak RSS of the throughput runs */
  peakRssBytes: number;
  /** peak RSS of the same client fetching 1 KiB */
  tinyPeakRssBytes: number;
  /** growth of referenced memory (heap + buffers after full GCs) during the download, in the GC-sampled run */
  retainedGrowthBytes: number;
  runsMs: number[];
}

export interface TransferSize {
  fileBytes: number;
  reps: number;
  direct: PathResult;
  tunnel: PathResult;
  ratio: number;
  /** downloads that failed (e.g. cut short), with the error */
  failures: string[];
  met: boolean;
}

export interface TransferResult {
  sizes: TransferSize[];
  met: boolean;
}

export async function benchTransfer(opts: { megabytes: number[]; reps: number }): Promise<TransferResult> {
  const sizes: TransferSize[] = [];
  for (const megabytes of opts.megabytes) sizes.push(await benchTransferSize({ megabytes, reps: opts.reps }));
  // the target is judged at the largest size
  return { sizes, met: sizes[sizes.length - 1]?.met ?? false };
}

async function benchTransferSize(opts: { megabytes: number; reps: number }): Promise<TransferSize> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-bench-transfer-'));
  const file = path.join(dir, 'artifact.html');
  const outFile = path.join(dir, 'downloaded.html');
  await writeSyntheticFlameGraph(file, { approxBytes: opts.megabytes * MB });
  const fileBytes = statSync(file).size;
  const server = http.createServer((req, res) => {
    if (req.url === '/tiny.html') {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': '1024' }).end('x'.repeat(1024));
    } else if (req.url === '/artifact.html') {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(fileBytes) });
      createReadStream(file).pipe(res);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const scenario = await startScenario({ deployments: [{ name: 'sample-job', namespace: 'squirrly', taskManagers: 1 }], clockSpeed: 1 });
  try {
    const pod = scenario.pods('squirrly').find((p) => p.labels['component'] === 'taskmanager');
    if (pod === undefined) throw new Error('no TaskManager pod in the scenario');
    scenario.setPortTarget('squirrly', pod.name, FORWARDED_PORT, { host: '127.0.0.1', port });
    const failures: string[] = [];
    const client = async (mode: 'direct' | 'tunnel', resource: string, gc = false): Promise<ClientReport> => {
      try {
        return await clientOnce(mode, resource, gc);
      } catch (error) {
        failures.push(`${mode}${gc ? ' (GC-sampled)' : ''}: ${error instanceof Error ? error.message.replace(/^.*failed/, 'failed') : String(error)}`);
        return { bytes: 0, ms: Number.NaN, peakRssBytes: Number.NaN, retainedBeforeBytes: Number.NaN, peakRetainedBytes: Number.NaN };
      }
    };
    const clientOnce = async (mode: 'direct' | 'tunnel', resource: string, gc: boolean): Promise<ClientReport> => {
      const args =
        mode === 'direct'
          ? [outFile, 'direct', `http://127.0.0.1:${port}${resource}`]
          : [outFile, 'tunnel', scenario.kubeconfigPath, 'squirrly', pod.name, String(FORWARDED_PORT), resource];
      const report = await runBenchChild<ClientReport>('transfer-client.ts', args, gc ? { nodeArgs: ['--expose-gc'] } : {});
      const expected = resource === '/tiny.html' ? 1024 : fileBytes;
      if (report.bytes !== expected) throw new Error(`${mode}: downloaded ${report.bytes} bytes of ${expected}`);
      return report;
    };
    const tiny = { direct: await client('direct', '/tiny.html'), tunnel: await client('tunnel', '/tiny.html') };
    await client('direct', '/artifact.html'); // warm-up: page cache
    const runs: Record<'direct' | 'tunnel', ClientReport[]> = { direct: [], tunnel: [] };
    for (let i = 0; i < opts.reps; i++) {
      runs.direct.push(await client('direct', '/artifact.html'));
      runs.tunnel.push(await client('tunnel', '/artifact.html'));
    }
    const gcRuns = { direct: await client('direct', '/artifact.html', true), tunnel: await client('tunnel', '/artifact.html', true) };
    const summary = (mode: 'direct' | 'tunnel'): PathResult => {
      const ok = runs[mode].filter((r) => Number.isFinite(r.ms));
      const ms = median(ok.map((r) => r.ms));
      return {
        medianMs: ms,
        mbPerS: fileBytes / MB / (ms / 1000),
        peakRssBytes: ok.length > 0 ? Math.max(...ok.map((r) => r.peakRssBytes)) : Number.NaN,
        tinyPeakRssBytes: tiny[mode].peakRssBytes,
        retainedGrowthBytes: gcRuns[mode].peakRetainedBytes - gcRuns[mode].retainedBeforeBytes,
        runsMs: runs[mode].map((r) => Math.round(r.ms)),
      };
    };
    const direct = summary('direct');
    const tunnel = summary('tunnel');
    const ratio = tunnel.mbPerS / direct.mbPerS;
    const met = failures.length === 0 && ratio >= TARGET_RATIO && tunnel.retainedGrowthBytes - direct.retainedGrowthBytes < FLAT_SHARE * fileBytes;
    return { fileBytes, reps: opts.reps, direct, tunnel, ratio, failures, met };
  } finally {
    await scenario.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
}

export function transferSection(result: TransferResult): Section {
  const row = (z: TransferSize, name: string, p: PathResult, ratio: string) => [
    name,
    fmtBytes(z.fileBytes),
    fmtMs(p.medianMs),
    `${p.mbPerS.toFixed(1)} MiB/s`,
    ratio,
    fmtBytes(p.peakRssBytes),
    fmtBytes(p.peakRssBytes - p.tinyPeakRssBytes),
    `${fmtBytes(p.retainedGrowthBytes)} (${((p.retainedGrowthBytes / z.fileBytes) * 100).toFixed(0)}%)`,
  ];
  return {
    title: '3. Artifact transfer',
    target: `tunnel >= ${TARGET_RATIO}x direct throughput; flat memory: tunnel keeps < ${FLAT_SHARE * 100}% of the file referenced beyond the direct client (largest file)`,
    header: ['path', 'file', 'median time', 'throughput', 'ratio', 'peak RSS', 'RSS over 1 KiB', 'referenced growth (of file)'],
    rows: result.sizes.flatMap((z) => [row(z, 'direct loopback HTTP', z.direct, '1.00x'), row(z, 'port-forward tunnel', z.tunnel, fmtRatio(z.ratio))]),
    notes: [
      `fresh child per download (body streamed to a file), ${result.sizes[0]?.reps ?? 0} alternating run(s) per path after a warm-up; median time`,
      '"RSS over 1 KiB": peak RSS minus that of the same client fetching 1 KiB (includes garbage not yet collected)',
      '"referenced growth": extra run with --expose-gc, heap + buffers after a full GC every 100 ms, max minus before',
      ...result.sizes.flatMap((z) => z.failures.map((f) => `FAILED download (${fmtBytes(z.fileBytes)}): ${f}`)),
    ],
    met: result.met,
  };
}

