// `npm run build:release`: single executables for every platform buildable here, packed as krew
// archives (.tar.gz; .zip for Windows) with LICENSE, plus the krew manifest, into dist/release/.
// usage: node scripts/release/build-release.ts [--platforms all|host|none|linux-x64,win-x64,...]
//          [--reuse-binary] (package an existing dist/<exe> for the host) [--no-manifest]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { load as loadYaml } from 'js-yaml';
import { ROOT, buildBinary, defaultOutput, packageVersion } from '../build-binary.ts';
import { sha256 } from './fetch-runtime.ts';
import { validateRelease, type Manifest } from './krew-validate.ts';
import { archiveEntries, writeManifest } from './krew-manifest.ts';
import { PLATFORMS, archiveName, hostPlatform, platformById, type RuntimePlatform } from './runtimes.ts';
import { writeTarGz, type ArchiveEntry } from './tar.ts';
import { writeZip } from './zip.ts';

export const RELEASE_DIR = path.join(ROOT, 'dist', 'release');

export function packArchive(p: RuntimePlatform, exe: string, outDir = RELEASE_DIR): string {
  const entries: ArchiveEntry[] = [{ name: p.exe, data: readFileSync(exe), mode: 0o755 }];
  // The completion helper is a shell script, so only unix archives carry it.
  if (p.archive === 'tar.gz') entries.push({ name: 'kubectl_complete-squirrly', data: readFileSync(path.join(ROOT, 'krew', 'kubectl_complete-squirrly')), mode: 0o755 });
  entries.push({ name: 'LICENSE', data: readFileSync(path.join(ROOT, 'LICENSE')), mode: 0o644 });
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, archiveName(p));
  writeFileSync(file, p.archive === 'zip' ? writeZip(entries) : writeTarGz(entries));
  writeFileSync(`${file}.sha256`, `${sha256(readFileSync(file))}  ${path.basename(file)}\n`);
  return file;
}

/** Platforms whose runtime can be had here: a registry package, or SQUIRRLY_NODE_RUNTIME for the host. */
function buildable(p: RuntimePlatform): boolean {
  const host = p.nodePlatform === process.platform && p.nodeArch === process.arch;
  return p.npm !== null || (host && !!process.env.SQUIRRLY_NODE_RUNTIME);
}

export function validateReleaseDir(manifestFile: string, dir = path.dirname(manifestFile)): string[] {
  const m = loadYaml(readFileSync(manifestFile, 'utf8')) as Manifest;
  return validateRelease(m, manifestFile, (i) => {
    const uri = m.spec?.platforms?.[i]?.uri ?? '';
    return archiveEntries(path.join(dir, uri.replace(/^.*\//, '')));
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: {
    platforms: { type: 'string', default: 'all' }, 'reuse-binary': { type: 'boolean' }, 'no-manifest': { type: 'boolean' },
  } });
  const wanted = values.platforms === 'all' ? PLATFORMS.filter(buildable)
    : values.platforms === 'host' ? [hostPlatform()]
    : values.platforms === 'none' ? [] // manifest only, from archives already in dist/release (release workflow)
    : values.platforms.split(',').map(platformById);
  for (const p of values.platforms === 'all' ? PLATFORMS.filter((x) => !wanted.includes(x)) : []) {
    process.stdout.write(`skip ${p.id}: no Node runtime package at the pinned version here (built by the release workflow)\n`);
  }
  for (const p of wanted) {
    const existing = defaultOutput(p);
    const exe = values['reuse-binary'] && existsSync(existing) ? existing : (await buildBinary({ platform: p })).path;
    const file = packArchive(p, exe);
    process.stdout.write(`${path.relative(process.cwd(), file)}: ${(readFileSync(file).length / 1e6).toFixed(1)} MB\n`);
  }
  if (!values['no-manifest']) {
    const manifest = writeManifest({ packageVersion: packageVersion(), dir: RELEASE_DIR });
    const problems = validateReleaseDir(manifest);
    if (problems.length > 0) throw new Error(`krew manifest is invalid:\n  ${problems.join('\n  ')}`);
    process.stdout.write(`${path.relative(process.cwd(), manifest)}: valid\n`);
  }
}
