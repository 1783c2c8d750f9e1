// A real Grafana Pyroscope server for the push tests: the binary test/pyroscope/build.sh builds,
// one process on free loopback ports with its data in a temp folder, stopped with SIGTERM. Tests
// skip when it was never built, except under CI, where a missing server is a failure.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../e2e/support/ports.ts';

const buildScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'build.sh');

/** Folder holding the `pyroscope` binary, or undefined when it was never built. SQUIRRLY_PYROSCOPE_BIN names another. */
export function locatePyroscope(): string | undefined {
  const override = process.env['SQUIRRLY_PYROSCOPE_BIN'];
  if (override) return override;
  try {
    return execFileSync('bash', [buildScript, '--locate'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Why the Pyroscope tests must be skipped, or undefined when they can run; under CI a missing binary throws. */
export function pyroscopeSkipReason(): string | undefined {
  if (locatePyroscope() !== undefined) return undefined;
  if (process.env['CI']) throw new Error('the Pyroscope server is required under CI: run test/pyroscope/build.sh');
  return 'no Pyroscope binary (run test/pyroscope/build.sh); skipping the real Pyroscope tests';
}

export interface PyroscopeServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** what the server wrote, for failure messages */
  log(): string;
  stop(): Promise<void>;
}

export interface PyroscopeOptions {
  /** -auth.multitenancy-enabled: every request must name its tenant in X-Scope-OrgID */
  multiTenant?: boolean;
}

export async function startPyroscope(options: PyroscopeOptions = {}): Promise<PyroscopeServer> {
  const dir = locatePyroscope();
  if (dir === undefined) throw new Error('no Pyroscope binary: run test/pyroscope/build.sh');
  const data = mkdtempSync(path.join(os.tmpdir(), 'squirrly-pyroscope-'));
  const [http, grpc, memberlist] = (await freePorts(3)) as [number, number, number];
  const loopback = '127.0.0.1';
  const args = [
    '-target=all',
    `-server.http-listen-address=${loopback}`, `-server.http-listen-port=${http}`,
    `-server.grpc-listen-address=${loopback}`, `-server.grpc-listen-port=${grpc}`,
    `-memberlist.bind-addr=${loopback}`, `-memberlist.advertise-addr=${loopback}`, `-memberlist.bind-port=${memberlist}`,
    // every ring member advertises loopback, or it dials the machine's other addresses
    ...['compactor.ring.instance-addr', 'distributor.ring.instance-addr', 'ingester.lifecycler.addr', 'overrides-exporter.ring.instance-addr',
      'query-frontend.instance-addr', 'query-scheduler.ring.instance-addr', 'store-gateway.sharding-ring.instance-addr'].map((flag) => `-${flag}=${loopback}`),
    '-ingester.min-ready-duration=0s',
    `-pyroscopedb.data-path=${path.join(data, 'db')}`,
    '-storage.backend=filesystem', `-storage.filesystem.dir=${path.join(data, 'blocks')}`,
    '-usage-stats.enabled=false', '-self-profiling.disable-push=true',
    ...(options.multiTenant ? ['-auth.multitenancy-enabled=true'] : []),
  ];
  const child = spawn(path.join(dir, 'pyroscope'), args, { cwd: data, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-64 * 1024);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const url = `http://${loopback}:${http}`;
  const stop = async (): Promise<void> => {
    await stopChild(child);
    rmSync(data, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, log: () => output, stop };
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Pyroscope exited with ${child.exitCode}:\n${log()}`);
    try {
      const response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Pyroscope was not ready within 60 s:\n${log()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Reading back what the server holds, through its query API. */
export interface SeriesQuery {
  /** e.g. process_cpu:cpu:count:cpu:count */
  profileTypeId: string;
  /** e.g. {service_name="squirrly/sample-job"} */
  labelSelector: string;
  startMs: number;
  endMs: number;
  tenant?: string;
}

async function connectCall<T>(base: string, method: string, body: unknown, tenant?: string): Promise<T> {
  const response = await fetch(`${base}/querier.v1.QuerierService/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(tenant ? { 'x-scope-orgid': tenant } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method}: HTTP ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** The merged total of every matching profile (SelectMergeStacktraces' tree `total`). */
export async function totalSamples(base: string, query: SeriesQuery): Promise<number> {
  const answer = await connectCall<{ flamegraph?: { total?: string | number } }>(base, 'SelectMergeStacktraces', {
    profileTypeID: query.profileTypeId,
    labelSelector: query.labelSelector,
    start: String(query.startMs),
    end: String(query.endMs),
  }, query.tenant);
  return Number(answer.flamegraph?.total ?? 0);
}

/** The profile types the server holds in a time range. */
export async function profileTypes(base: string, startMs: number, endMs: number, tenant?: string): Promise<string[]> {
  const answer = await connectCall<{ profileTypes?: Array<{ ID: string }> }>(base, 'ProfileTypes', { start: String(startMs), end: String(endMs) }, tenant);
  return (answer.profileTypes ?? []).map((t) => t.ID);
}

/** The values of a label among the matching series. */
export async function labelValues(base: string, name: string, matcher: string, startMs: number, endMs: number, tenant?: string): Promise<string[]> {
  const answer = await connectCall<{ names?: string[] }>(base, 'LabelValues', { name, matchers: [matcher], start: String(startMs), end: String(endMs) }, tenant);
  return answer.names ?? [];
}
