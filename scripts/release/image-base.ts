// The image's base: only what the single executable needs at run time. The official Node build is
// linked against glibc (loader, libc, libm, libdl, libpthread), libstdc++ and libgcc_s; those files
// come from pinned Debian bookworm packages (apt-get download, checked against the sha256 below,
// unpacked with dpkg-deb), with each package's copyright file. Added: the CA bundle as
// update-ca-certificates writes it, a non-root user, /tmp, and dpkg status stubs so scanners can
// tell which Debian packages the files came from. No shell, no package manager.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sha256 } from './fetch-runtime.ts';
import type { LayerEntry } from './oci-layer.ts';
import type { PlatformId } from './runtimes.ts';

export interface DebianPackage {
  name: string;
  version: string;
  arch: string;
  sha256: string;
  /** files and symlinks to take, as paths inside the package */
  keep: readonly string[];
}

export const NONROOT = { uid: 65532, gid: 65532, name: 'nonroot', home: '/home/nonroot' } as const;
export const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

const LIB = 'lib/x86_64-linux-gnu';

/** Debian 12 (bookworm) packages, pinned; bump version and sha256 together when Debian updates them. */
export const BASE_PACKAGES: Partial<Record<PlatformId, readonly DebianPackage[]>> = {
  'linux-x64': [
    {
      name: 'libc6', version: '2.36-9+deb12u14', arch: 'amd64', sha256: 'ba4f88f73dbc3ae9055f3c20f4523bfdbaf1ad13ff95e258924f77d20b4fbedf',
      keep: [`${LIB}/ld-linux-x86-64.so.2`, 'lib64/ld-linux-x86-64.so.2', `${LIB}/libc.so.6`, `${LIB}/libm.so.6`, `${LIB}/libdl.so.2`, `${LIB}/libpthread.so.0`, 'usr/share/doc/libc6/copyright'],
    },
    {
      name: 'libstdc++6', version: '12.2.0-14+deb12u1', arch: 'amd64', sha256: '5cd3171216d4ab0fc911cfe9c35509bf2dd8f47761c43b7f6a4296701551a24d',
      keep: ['usr/lib/x86_64-linux-gnu/libstdc++.so.6', 'usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30'],
    },
    {
      name: 'libgcc-s1', version: '12.2.0-14+deb12u1', arch: 'amd64', sha256: '3016e62cb4b7cd8038822870601f5ed131befe942774d0f745622cc77d8a88f7',
      keep: [`${LIB}/libgcc_s.so.1`],
    },
    // libstdc++6's and libgcc-s1's copyright is gcc-12-base's (their doc folders link to it)
    {
      name: 'gcc-12-base', version: '12.2.0-14+deb12u1', arch: 'amd64', sha256: '1896a2aacf4ad681ff5eacc24a5b0ca4d5d9c9b9c9e4b6de5197bc1e116ea619',
      keep: ['usr/share/doc/gcc-12-base/copyright'],
    },
    {
      name: 'ca-certificates', version: '20250419~deb12u2', arch: 'all', sha256: 'b9f76b5271a7ac373fd5e7e1b5b826a71ddd702b42a0d104955ecb1acfffc94b',
      keep: ['usr/share/doc/ca-certificates/copyright'],
    },
  ],
};

/** where the loader looks with no ld.so.cache (Debian's multiarch default path) */
export const LIBRARY_DIRS: Partial<Record<PlatformId, readonly string[]>> = {
  'linux-x64': [LIB, 'usr/lib/x86_64-linux-gnu'],
};

export function basePackages(platform: PlatformId): readonly DebianPackage[] {
  const pkgs = BASE_PACKAGES[platform];
  if (!pkgs) throw new Error(`no pinned Debian base for ${platform} (pinned: ${Object.keys(BASE_PACKAGES).join(', ')})`);
  return pkgs;
}

export function debFileName(p: DebianPackage): string {
  // apt-get download escapes ':' in epochs as %3a; none of the pins has an epoch
  return `${p.name}_${p.version}_${p.arch}.deb`;
}

function run(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.error) throw new Error(`${cmd} is needed to build the image's base (${r.error.message}); it ships with Debian`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** The package file from the cache, else from Debian with apt-get download; refused unless its sha256 matches the pin. */
export function fetchDeb(p: DebianPackage, cacheDir: string): string {
  const file = path.join(cacheDir, debFileName(p));
  if (existsSync(file) && sha256(readFileSync(file)) === p.sha256) return file;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = mkdtempSync(path.join(cacheDir, '.download-'));
  try {
    // writable by apt's sandbox user, so it downloads as that user wherever it can reach the folder
    chmodSync(tmp, 0o777);
    const spec = `${p.name}${p.arch === 'all' ? '' : `:${p.arch}`}=${p.version}`;
    let r = spawnSync('apt-get', ['download', '-q', spec], { cwd: tmp, encoding: 'utf8' });
    // a fresh machine may have no package lists yet; root can fetch them once
    if (r.status !== 0 && !r.error && process.getuid?.() === 0) {
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
      r = spawnSync('apt-get', ['download', '-q', spec], { cwd: tmp, encoding: 'utf8' });
    }
    if (r.error) throw new Error(`apt-get is needed to fetch ${spec} for the image's base (build on Debian bookworm)`);
    if (r.status !== 0) throw new Error(`apt-get download ${spec} failed (is the pin still in Debian? run apt-get update first): ${r.stderr.trim()}`);
    const got = readdirSync(tmp).find((f) => f.endsWith('.deb'));
    if (!got) throw new Error(`apt-get download ${spec} wrote no .deb`);
    const digest = sha256(readFileSync(path.join(tmp, got)));
    if (digest !== p.sha256) throw new Error(`${got}: sha256 ${digest}, pinned ${p.sha256}`);
    renameSync(path.join(tmp, got), file);
    return file;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function isSymlink(p: string): boolean {
  try { return lstatSync(p).isSymbolicLink(); } catch { return false; }
}

function packageEntries(p: DebianPackage, deb: string, scratch: string): LayerEntry[] {
  const dir = path.join(scratch, p.name);
  run('dpkg-deb', ['-x', deb, dir]);
  return p.keep.map((rel): LayerEntry => {
    const abs = path.join(dir, rel);
    if (!existsSync(abs) && !isSymlink(abs)) throw new Error(`${debFileName(p)} has no ${rel}`);
    if (isSymlink(abs)) return { path: rel, type: 'symlink', target: readlinkSync(abs) };
    return { path: rel, type: 'file', mode: statSync(abs).mode & 0o755, data: readFileSync(abs) };
  });
}

/** The PEM bundle update-ca-certificates builds from every certificate the package ships, in name order. */
function caBundle(deb: string, scratch: string): Buffer {
  const dir = path.join(scratch, 'ca-bundle');
  run('dpkg-deb', ['-x', deb, dir]);
  const mozilla = path.join(dir, 'usr/share/ca-certificates/mozilla');
  const certs = readdirSync(mozilla).filter((f) => f.endsWith('.crt')).sort();
  if (certs.length === 0) throw new Error(`${path.basename(deb)} has no certificates`);
  return Buffer.concat(certs.map((f) => {
    const pem = readFileSync(path.join(mozilla, f), 'utf8');
    return Buffer.from(pem.endsWith('\n') ? pem : `${pem}\n`);
  }));
}

const text = (p: string, body: string, mode = 0o644): LayerEntry => ({ path: p, type: 'file', mode, data: Buffer.from(body) });

/** Everything in the base layer, from the pinned packages (fetched into cacheDir when missing). */
export function baseEntries(platform: PlatformId, cacheDir: string): { entries: LayerEntry[]; packages: readonly DebianPackage[] } {
  const packages = basePackages(platform);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'squirrly-image-base-'));
  try {
    const entries: LayerEntry[] = [];
    for (const p of packages) {
      const deb = fetchDeb(p, cacheDir);
      entries.push(...packageEntries(p, deb, scratch));
      if (p.name === 'ca-certificates') entries.push({ path: CA_BUNDLE.slice(1), type: 'file', mode: 0o644, data: caBundle(deb, scratch) });
      entries.push(text(`var/lib/dpkg/status.d/${p.name}`, `Package: ${p.name}\nVersion: ${p.version}\nArchitecture: ${p.arch}\nStatus: install ok installed\n`));
    }
    const { uid, gid, name, home } = NONROOT;
    entries.push(
      text('etc/passwd', `root:x:0:0:root:/root:/sbin/nologin\n${name}:x:${uid}:${gid}:${name}:${home}:/sbin/nologin\n`),
      text('etc/group', `root:x:0:\n${name}:x:${gid}:\n`),
      // no /etc/nsswitch.conf: glibc then resolves hosts from files, then DNS, which is what is wanted
      { path: 'tmp', type: 'directory', mode: 0o1777 },
      // the one entry not owned by root: the user's home, the working directory
      { path: home.slice(1), type: 'directory', mode: 0o755, uid, gid },
      { path: 'root', type: 'directory', mode: 0o700 },
    );
    return { entries, packages };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
