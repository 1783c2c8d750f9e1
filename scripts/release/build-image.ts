// `npm run build:image`: an OCI image layout of the single executable on a minimal Debian base,
// written without a container engine into dist/image/ (tag = the package version). Two layers:
// the base (image-base.ts) and the executable at /usr/local/bin/kubectl-squirrly. Reproducible:
// every time in it is SOURCE_DATE_EPOCH, else the last commit's time, so the same commit and
// binary give the same digests.
// usage: node scripts/release/build-image.ts [--binary dist/kubectl-squirrly] [--rebuild-binary]
//          [--out dist/image] [--platform linux-x64] [--tag VERSION]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ROOT, buildBinary, defaultOutput, packageVersion } from '../build-binary.ts';
import { missingForElf, type FileTree } from './elf-needs.ts';
import { CA_BUNDLE, LIBRARY_DIRS, NONROOT, baseEntries, type DebianPackage } from './image-base.ts';
import { defaultRepository } from './krew-manifest.ts';
import { blobsDir, writeImageLayout, type WrittenImage } from './oci-layout.ts';
import { writeLayer, type LayerEntry } from './oci-layer.ts';
import { hostPlatform, platformById, type RuntimePlatform } from './runtimes.ts';

export const IMAGE_EXE = '/usr/local/bin/kubectl-squirrly';
export const IMAGE_DIR = path.join(ROOT, 'dist', 'image');

export function debCacheDir(): string {
  return process.env.SQUIRRLY_DEB_CACHE
    ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'kubectl-squirrly', 'debian');
}

function git(args: string[]): string | undefined {
  const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** SOURCE_DATE_EPOCH, else the last commit's time, else 0: never the clock. */
export function sourceDate(env: NodeJS.ProcessEnv = process.env): Date {
  const raw = env.SOURCE_DATE_EPOCH ?? git(['log', '-1', '--format=%ct']) ?? '0';
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0) throw new Error(`SOURCE_DATE_EPOCH must be whole seconds, got ${JSON.stringify(raw)}`);
  return new Date(seconds * 1000);
}

export interface ImageInput {
  binary: string;
  outDir: string;
  platform: RuntimePlatform;
  tag: string;
  version: string;
  revision: string;
  source: string;
  created: Date;
  cacheDir: string;
}

export interface BuiltImage extends WrittenImage { dir: string; tag: string; packages: readonly DebianPackage[]; bytes: number }

/** Reads files of a layer's entries by path, following its symlinks as the loader would inside the image. */
export function layerFiles(entries: readonly LayerEntry[]): FileTree {
  const byPath = new Map(entries.map((e) => [e.path.replace(/^\/+/, ''), e]));
  return {
    read(p) {
      let at = p.replace(/^\/+/, '');
      for (let hops = 0; hops < 16; hops++) {
        const e = byPath.get(at);
        if (!e || e.type === 'directory') return undefined;
        if (e.type === 'file') return e.data;
        at = e.target.startsWith('/') ? e.target.slice(1) : path.posix.normalize(path.posix.join(path.posix.dirname(at), e.target));
      }
      return undefined;
    },
  };
}

export async function buildImage(input: ImageInput): Promise<BuiltImage> {
  if (input.platform.nodePlatform !== 'linux') throw new Error(`the image is Linux only, not ${input.platform.id}`);
  const { entries, packages } = baseEntries(input.platform.id, input.cacheDir);
  const executable = readFileSync(input.binary);
  const missing = missingForElf(executable, layerFiles(entries), LIBRARY_DIRS[input.platform.id] ?? []);
  if (missing.length > 0) throw new Error(`the image's base lacks what ${input.binary} needs to start: ${missing.join(', ')}`);
  // written next to the destination and swapped in whole, so a failed build leaves the old image intact
  const work = `${input.outDir}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  try {
    const blobs = blobsDir(work);
    const base = await writeLayer(entries, blobs, { mtime: input.created });
    const exe = await writeLayer([{ path: IMAGE_EXE, type: 'file', mode: 0o755, data: executable }], blobs, { mtime: input.created });
    const image = writeImageLayout(work, {
      architecture: input.platform.krew.arch,
      os: 'linux',
      created: input.created,
      user: `${NONROOT.uid}:${NONROOT.gid}`,
      entrypoint: [IMAGE_EXE],
      env: [`PATH=/usr/local/bin:/usr/bin:/bin`, `SSL_CERT_FILE=${CA_BUNDLE}`, `HOME=${NONROOT.home}`],
      workingDir: NONROOT.home,
      labels: {
        'org.opencontainers.image.source': input.source,
        'org.opencontainers.image.version': input.version,
        'org.opencontainers.image.revision': input.revision,
        'org.opencontainers.image.licenses': 'Apache-2.0',
        'org.opencontainers.image.title': 'kubectl-squirrly',
      },
      layers: [
        { ...base, createdBy: `Debian bookworm: ${packages.map((p) => `${p.name}=${p.version}`).join(' ')}; CA bundle, ${NONROOT.name} user, /tmp` },
        { ...exe, createdBy: `${IMAGE_EXE} (single executable ${input.version})` },
      ],
    }, input.tag);
    rmSync(input.outDir, { recursive: true, force: true });
    renameSync(work, input.outDir);
    const bytes = readdirSync(blobsDir(input.outDir)).reduce((n, f) => n + statSync(path.join(blobsDir(input.outDir), f)).size, 0);
    return { ...image, dir: input.outDir, tag: input.tag, packages, bytes };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The newest modification time of what goes into the executable (sources, build scripts, dependencies). */
function newestSourceTime(): number {
  let newest = 0;
  const walk = (p: string) => {
    const s = statSync(p);
    if (s.isDirectory()) for (const f of readdirSync(p)) walk(path.join(p, f));
    else newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of ['src', 'scripts', 'prompts', 'package.json', 'package-lock.json']) {
    if (existsSync(path.join(ROOT, p))) walk(path.join(ROOT, p));
  }
  return newest;
}

/** The existing executable when it is newer than every source, else a fresh build:binary. */
export async function releaseBinary(platform: RuntimePlatform, opts: { binary?: string; rebuild?: boolean }): Promise<{ path: string; reused: boolean }> {
  if (opts.binary) return { path: path.resolve(opts.binary), reused: true };
  const existing = defaultOutput(platform);
  if (!opts.rebuild && existsSync(existing) && statSync(existing).mtimeMs >= newestSourceTime()) return { path: existing, reused: true };
  return { path: (await buildBinary({ platform })).path, reused: false };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: {
    binary: { type: 'string' }, 'rebuild-binary': { type: 'boolean' }, out: { type: 'string' }, platform: { type: 'string' }, tag: { type: 'string' },
  } });
  const started = performance.now();
  const platform = values.platform ? platformById(values.platform) : hostPlatform();
  const binary = await releaseBinary(platform, { ...(values.binary ? { binary: values.binary } : {}), rebuild: !!values['rebuild-binary'] });
  const version = packageVersion();
  const repo = defaultRepository() ?? 'OWNER/kubectl-squirrly';
  const image = await buildImage({
    binary: binary.path,
    outDir: path.resolve(values.out ?? IMAGE_DIR),
    platform,
    tag: values.tag ?? version,
    version,
    revision: process.env.GITHUB_SHA ?? git(['rev-parse', 'HEAD']) ?? 'unknown',
    source: `https://github.com/${repo}`,
    created: sourceDate(),
    cacheDir: debCacheDir(),
  });
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`${path.relative(process.cwd(), binary.path)}: ${binary.reused ? 'reused' : 'built'}\n`);
  process.stdout.write(`${path.relative(process.cwd(), image.dir)}:${image.tag} ${image.manifest.digest}\n`);
  process.stdout.write(`  layers ${image.layers.map((l) => `${mb(l.size)} (${mb(l.tarSize)} unpacked)`).join(' + ')}, ${mb(image.bytes)} in blobs, ${seconds} s\n`);
}
