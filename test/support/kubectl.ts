// Runs the real kubectl against a simulated cluster, each run with its own empty discovery cache so that
// nothing learned from an earlier server (or port) carries over.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface KubectlResult {
  /** exit code; 124 when the run was killed for taking longer than its timeout */
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  kubeconfig: string;
  /** default 120 s: generous for a loaded machine, only there so a hung run cannot block the suite */
  timeoutMs?: number;
  /** extra environment variables, e.g. KUBECTL_REMOTE_COMMAND_WEBSOCKETS */
  env?: Record<string, string>;
  stdin?: string;
}

const timedOutExitCode = 124;

/** The kubectl executable on PATH, or undefined. */
export function findKubectl(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'kubectl');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * Why kubectl tests must be skipped, or undefined when kubectl is available.
 * Under CI a missing kubectl is an error, so the suite fails instead of silently skipping.
 */
export function kubectlSkipReason(): string | undefined {
  if (findKubectl() !== undefined) return undefined;
  if (process.env['CI']) throw new Error('kubectl is required under CI but was not found on PATH');
  return 'kubectl not found on PATH; skipping the kubectl tests';
}

export async function runKubectl(args: string[], options: KubectlOptions): Promise<KubectlResult> {
  const kubectl = findKubectl();
  if (kubectl === undefined) throw new Error('kubectl not found on PATH');
  const cacheDir = await mkdtemp(join(tmpdir(), 'squirrly-kubectl-cache-'));
  try {
    // a clean environment: the host's may hold credentials or another KUBECONFIG
    const env = {
      PATH: process.env['PATH'] ?? '',
      HOME: cacheDir,
      KUBECONFIG: options.kubeconfig,
      KUBECACHEDIR: cacheDir,
      ...options.env,
    };
    return await new Promise<KubectlResult>((resolve, reject) => {
      const child = spawn(kubectl, args, { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 120_000 });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.stdin.on('error', () => {
        // kubectl may exit before reading its input
      });
      child.stdin.end(options.stdin ?? '');
      child.on('error', reject);
      child.on('close', (code, signal) => {
        resolve({
          code: code ?? (signal === 'SIGTERM' ? timedOutExitCode : 128),
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
        });
      });
    });
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}
