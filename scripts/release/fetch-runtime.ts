// Gets the pinned official Node binary that becomes the body of the single executable: `npm pack`
// from the registry into a cache outside the repo, sha256-checked, extracted, and (on Linux) stripped.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NODE_RUNTIME_VERSION, type RuntimePlatform } from './runtimes.ts';
import { readTarGz } from './tar.ts';

export function runtimeCacheDir(): string {
  const base = process.env.SQUIRRLY_RUNTIME_CACHE
    ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'kubectl-squirrly', 'node-runtime');
  return path.join(base, NODE_RUNTIME_VERSION);
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function npmCommand(): { cmd: string; shell: boolean } {
  // npm is a .cmd shim on Windows, which spawn can only start through a shell.
  return { cmd: 'npm', shell: process.platform === 'win32' };
}

/** The registry tarball, downloaded once and verified against the pinned sha256 on every use. */
function runtimeTarball(p: RuntimePlatform & { npm: NonNullable<RuntimePlatform['npm']> }): Buffer {
  const dir = path.join(runtimeCacheDir(), p.id);
  const file = path.join(dir, `${p.npm.name}-${NODE_RUNTIME_VERSION}.tgz`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const { cmd, shell } = npmCommand();
    const r = spawnSync(cmd, ['pack', `${p.npm.name}@${NODE_RUNTIME_VERSION}`, '--silent', '--pack-destination', dir],
      { encoding: 'utf8', shell, stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0 || !existsSync(file)) {
      throw new Error(`npm pack ${p.npm.name}@${NODE_RUNTIME_VERSION} failed: ${(r.stderr || r.error?.message || '').trim()}`);
    }
  }
  const data = readFileSync(file);
  const got = sha256(data);
  if (got !== p.npm.tarballSha256) {
    throw new Error(`${file}: sha256 ${got} does not match the pinned ${p.npm.tarballSha256}; delete it and retry`);
  }
  return data;
}

/** Debug symbols make up ~18 MB of the Linux binary; only GNU strip for the host arch is trusted here. */
function canStrip(p: RuntimePlatform): boolean {
  return p.nodePlatform === 'linux' && process.platform === 'linux' && p.nodeArch === process.arch
    && spawnSync('strip', ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface Runtime { path: string; stripped: boolean; sha256: string; source: string }

/**
 * Path of the runtime binary to inject into. Platforms without a registry package need
 * SQUIRRLY_NODE_RUNTIME (an official node of the pinned version); its version is checked when it can run here.
 */
export function fetchRuntime(p: RuntimePlatform): Runtime {
  if (!p.npm) {
    const given = process.env.SQUIRRLY_NODE_RUNTIME;
    if (!given) throw new Error(`no registry package for ${p.id} at ${NODE_RUNTIME_VERSION}; set SQUIRRLY_NODE_RUNTIME`);
    if (p.nodePlatform === process.platform && p.nodeArch === process.arch) {
      const v = spawnSync(given, ['--version'], { encoding: 'utf8' }).stdout.trim();
      if (v !== `v${NODE_RUNTIME_VERSION}`) throw new Error(`SQUIRRLY_NODE_RUNTIME is ${v}, expected v${NODE_RUNTIME_VERSION}`);
    }
    return { path: given, stripped: false, sha256: sha256(readFileSync(given)), source: given };
  }
  const npm = p.npm;
  const dir = path.join(runtimeCacheDir(), p.id);
  const strip = canStrip(p);
  const out = path.join(dir, strip ? 'node.stripped' : path.basename(npm.binPath));
  const tarball = runtimeTarball({ ...p, npm });
  if (!existsSync(out)) {
    const entry = readTarGz(tarball).find((e) => e.name === npm.binPath);
    if (!entry) throw new Error(`${npm.name}@${NODE_RUNTIME_VERSION} has no ${npm.binPath}`);
    // Write then rename, so an interrupted build never leaves a half-written runtime in the cache.
    const tmp = `${out}.tmp-${process.pid}`;
    writeFileSync(tmp, entry.data);
    chmodSync(tmp, 0o755);
    if (strip) {
      const r = spawnSync('strip', [tmp], { encoding: 'utf8' });
      if (r.status !== 0) { rmSync(tmp, { force: true }); throw new Error(`strip failed: ${r.stderr}`); }
    }
    renameSync(tmp, out);
  }
  return { path: out, stripped: strip, sha256: sha256(readFileSync(out)), source: `${npm.name}@${NODE_RUNTIME_VERSION}` };
}

export function copyExecutable(from: string, to: string): void {
  copyFileSync(from, to);
  chmodSync(to, 0o755);
}
