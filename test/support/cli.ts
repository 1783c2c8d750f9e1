// Runs the plugin as users do: a child process, either directly or through the real kubectl
// (which finds `kubectl-squirrly` on PATH). Returns what the user would have seen.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const entry = path.join(repoRoot, 'bin', 'kubectl-squirrly.js');
/** Node 24 of the devDependency: `npm test` puts it first on PATH. */
const nodeBinDir = path.join(repoRoot, 'node_modules', '.bin');
/**
 * SQUIRRLY_PLUGIN_BIN=dist/kubectl-squirrly runs every CLI test against the single executable
 * instead of the TypeScript sources (.ci/run does both).
 */
const builtBinary = process.env.SQUIRRLY_PLUGIN_BIN ? path.resolve(repoRoot, process.env.SQUIRRLY_PLUGIN_BIN) : undefined;

/** The command that runs the plugin directly. */
export function pluginCommand(): { command: string; args: string[] } {
  return builtBinary ? { command: builtBinary, args: [] } : { command: path.join(nodeBinDir, 'node'), args: [entry] };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** called with the child once it runs, e.g. to send SIGINT */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
  /** run through `kubectl squirrly …` instead of the plugin file directly */
  viaKubectl?: boolean;
  /** a command that runs the plugin's argv after its own (e.g. `unshare … sh -c …`), see in-pod.ts */
  wrapper?: string[];
}

/** A PATH folder holding `kubectl-squirrly`, as `npm link` or krew would provide it. */
export function pluginPathDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-path-'));
  if (builtBinary) {
    symlinkSync(builtBinary, path.join(dir, 'kubectl-squirrly'));
  } else {
    // The script's shebang finds Node 24 through PATH, so pin it here.
    writeFileSync(path.join(dir, 'kubectl-squirrly'), `#!/bin/sh\nexec '${path.join(nodeBinDir, 'node')}' '${entry}' "$@"\n`, { mode: 0o755 });
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const plugin = options.viaKubectl ? pluginPathDir() : undefined;
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-kubecache-'));
  const env: NodeJS.ProcessEnv = {
    PATH: [plugin?.dir, nodeBinDir, process.env.PATH].filter(Boolean).join(path.delimiter),
    HOME: process.env.HOME,
    KUBECACHEDIR: cacheDir,
    NO_COLOR: '1',
    ...options.env,
  };
  const direct = pluginCommand();
  const [plain, plainArgv] = options.viaKubectl ? ['kubectl', ['squirrly', ...args]] : [direct.command, [...direct.args, ...args]];
  const [command, argv] = options.wrapper && options.wrapper.length > 0 ? [options.wrapper[0]!, [...options.wrapper.slice(1), plain, ...plainArgv]] : [plain, plainArgv];
  return spawnCollect(command, argv as string[], env, options.cwd ?? repoRoot, options.timeoutMs ?? 120_000, options.onSpawn).finally(() => {
    plugin?.cleanup();
    rmSync(cacheDir, { recursive: true, force: true });
  });
}

/** Any command with the test PATH (Node 24 first); stdout and stderr as seen. */
export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<CliResult> {
  return spawnCollect(command, args, { PATH: [nodeBinDir, process.env.PATH].join(path.delimiter), HOME: process.env.HOME, ...env }, repoRoot, timeoutMs);
}

/** Spawns, collects stdout and stderr, and kills the child if it outlives the timeout. */
function spawnCollect(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  timeoutMs: number,
  onSpawn?: (child: import('node:child_process').ChildProcess) => void,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    onSpawn?.(child);
  });
}
