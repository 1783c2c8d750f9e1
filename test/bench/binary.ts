// The single executable under test: reused when newer than every source file, else built (full bench).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { nodeBin, repoRoot, runChild } from './common.ts';

export const binaryPath = path.join(repoRoot, 'dist', 'kubectl-squirrly');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

export function binaryIsFresh(): boolean {
  if (!existsSync(binaryPath)) return false;
  const sources = Math.max(
    newestMtime(path.join(repoRoot, 'src')),
    newestMtime(path.join(repoRoot, 'prompts')),
    statSync(path.join(repoRoot, 'package.json')).mtimeMs,
  );
  return statSync(binaryPath).mtimeMs >= sources;
}

export interface BinaryStatus {
  /** path of a binary that matches the sources, if any */
  path: string | undefined;
  /** 'fresh', 'built in <s>', or why there is none */
  state: string;
}

export async function ensureBinary(build: boolean): Promise<BinaryStatus> {
  if (binaryIsFresh()) return { path: binaryPath, state: 'fresh (reused)' };
  if (!build) return { path: undefined, state: existsSync(binaryPath) ? 'stale, not rebuilt in smoke mode' : 'absent, not built in smoke mode' };
  const run = await runChild(nodeBin, [path.join(repoRoot, 'scripts', 'build-binary.ts')], { timeoutMs: 600_000 });
  if (run.code !== 0 || !existsSync(binaryPath)) {
    return { path: undefined, state: `build failed: ${run.stderr.trim().split('\n').slice(-2).join(' | ')}` };
  }
  return { path: binaryPath, state: `built in ${(run.ms / 1000).toFixed(0)} s` };
}
