// Shared by the release tests: the host's release archive and krew manifest, built once into
// dist/test-release/ and reused while newer than every input. Skips (outside CI only) when the
// pinned Node runtime cannot be fetched from the registry.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT, buildBinary, packageVersion } from '../../scripts/build-binary.ts';
import { packArchive } from '../../scripts/release/build-release.ts';
import { writeManifest } from '../../scripts/release/krew-manifest.ts';
import { archiveName, hostPlatform } from '../../scripts/release/runtimes.ts';

export const FIXTURE_DIR = path.join(ROOT, 'dist', 'test-release');

export interface ReleaseFixture { dir: string; archive: string; manifest: string; version: string }

function newestInput(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(p).map((f) => newestInput(path.join(p, f))));
}

let built: Promise<ReleaseFixture | string> | undefined;

/** The fixture, or the reason it cannot be built here (a string) when skipping is allowed. */
export function releaseFixture(): Promise<ReleaseFixture | string> {
  built ??= (async () => {
    const host = hostPlatform();
    const archive = path.join(FIXTURE_DIR, archiveName(host));
    const manifest = path.join(FIXTURE_DIR, 'squirrly.yaml');
    const inputs = Math.max(...['src', 'scripts', 'prompts', 'krew', 'package.json', 'package-lock.json', 'LICENSE'].map((f) => newestInput(path.join(ROOT, f))));
    if (!existsSync(archive) || !existsSync(manifest) || statSync(archive).mtimeMs < inputs || statSync(manifest).mtimeMs < inputs) {
      mkdirSync(FIXTURE_DIR, { recursive: true });
      let exe: string;
      try {
        exe = (await buildBinary({ platform: host, out: path.join(FIXTURE_DIR, 'build', host.exe), workDir: path.join(FIXTURE_DIR, 'build') })).path;
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        if (!process.env.CI && /npm pack/.test(msg)) return `the pinned Node runtime could not be fetched: ${msg.split('\n')[0]}`;
        throw err;
      }
      packArchive(host, exe, FIXTURE_DIR);
      writeManifest({ packageVersion: packageVersion(), dir: FIXTURE_DIR, out: manifest });
    }
    return { dir: FIXTURE_DIR, archive, manifest, version: packageVersion() };
  })();
  return built;
}
