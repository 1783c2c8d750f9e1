// Shared helpers of the benchmarks: child processes, statistics, formatting.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Node 24 of the devDependency; it runs the TypeScript sources directly. */
export const nodeBin = path.join(repoRoot, 'node_modules', '.bin', 'node');
export const benchDir = path.join(repoRoot, 'test', 'bench');

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  onSpawn?: (child: ChildProcess) => void;
  /** each complete stderr line with the ms since spawn at which it arrived */
  onStderrLine?: (line: string, ms: number) => void;
}

/** Runs a command to completion asynchronously (so servers in this process keep answering) and times it. */
export function runChild(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd ?? repoRoot,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    let pending = '';
    child.stderr.on('data', (d: Buffer) => {
      const text = d.toString();
      stderr += text;
      if (options.onStderrLine === undefined) return;
      const at = performance.now() - started;
      const parts = (pending + text).split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) options.onStderrLine(line, at);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
    options.onSpawn?.(child);
  });
}

/** Runs one of the bench's own TypeScript child scripts and returns the JSON it prints last on stdout. */
export async function runBenchChild<T>(script: string, args: readonly string[], options: SpawnOptions & { nodeArgs?: string[] } = {}): Promise<T> {
  const run = await runChild(nodeBin, [...(options.nodeArgs ?? []), path.join(benchDir, script), ...args], options);
  if (run.code !== 0) {
    throw new Error(`${script} ${args.join(' ')} failed (${run.code ?? run.signal}): ${run.stderr.trim().split('\n').filter((l) => /error/i.test(l)).slice(0, 3).join(' | ')}`);
  }
  const last = run.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as T;
}

/**
 * Peak resident set size of this process so far, in bytes. On Linux from VmHWM, the high-water mark of
 * this program's own address space: getrusage's ru_maxrss survives execve, so a child spawned by a big
 * parent would report at least the parent's size. Elsewhere ru_maxrss.
 */
export function peakRssBytes(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
    if (kb !== undefined) return Number(kb) * 1024;
  } catch {
    // no procfs
  }
  return process.resourceUsage().maxRSS * 1024;
}

export const MB = 1024 * 1024;

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : Math.abs(ms) < 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(0)} ms`;
}

export function fmtBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '-';
  if (Math.abs(bytes) >= MB) return `${(bytes / MB).toFixed(1)} MiB`;
  if (Math.abs(bytes) >= 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${bytes} B`;
}

export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}x` : '-';
}

export function verdict(ok: boolean | undefined): string {
  return ok === undefined ? 'n/a' : ok ? 'MET' : 'MISSED';
}

/** One printed section of the result table. */
export interface Section {
  title: string;
  target: string;
  header: string[];
  rows: string[][];
  notes: string[];
  /** undefined when the target does not apply (e.g. skipped) */
  met: boolean | undefined;
}

export function renderSection(section: Section): string {
  const widths = section.header.map((h, i) => Math.max(h.length, ...section.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const out = [`== ${section.title} — target: ${section.target} — ${verdict(section.met)}`, line(section.header), line(widths.map((w) => '-'.repeat(w)))];
  for (const row of section.rows) out.push(line(row));
  for (const note of section.notes) out.push(`   ${note}`);
  return out.join('\n');
}
