// Node single-executable step: SEA blob (startup bundle + chunks + prompts as assets), injected
// with postject into a copy of the pinned runtime.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BundleResult } from './bundle.ts';
import { copyExecutable } from './fetch-runtime.ts';
import type { RuntimePlatform } from './runtimes.ts';

const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

function run(cmd: string, args: readonly string[], what: string): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}): ${(r.stderr || r.error?.message || '').trim()}`);
}

export interface SeaOptions {
  root: string;
  bundle: BundleResult;
  workDir: string;
  platform: RuntimePlatform;
  /** Runtime copied into the executable. */
  runtime: string;
  /**
   * A node of the same version that runs on this machine, used to write the blob and caches.
   * For a foreign target the blob must not contain V8 code caches (they are host-specific).
   */
  generator: string;
  native: boolean;
  out: string;
}

/** Every prompts/*.md under the key `prompts/<file>`, read by src/analysis/prompts.ts via node:sea. */
function promptAssets(root: string): Record<string, string> {
  const dir = path.join(root, 'prompts');
  const assets: Record<string, string> = {};
  if (!existsSync(dir)) return assets;
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.md')).sort()) assets[`prompts/${f}`] = path.join(dir, f);
  return assets;
}

export function buildSea(o: SeaOptions): void {
  const assets = promptAssets(o.root);
  for (const c of o.bundle.chunks) {
    assets[`chunks/${c.name}.cjs`] = c.file;
    if (o.native) {
      const cache = c.file.replace(/\.cjs$/, '.cache');
      run(o.generator, [path.join(o.root, 'scripts', 'release', 'make-chunk-cache.ts'), c.file, cache], `code cache for ${c.name}`);
      assets[`chunks/${c.name}.cache`] = cache;
    }
  }
  const blob = path.join(o.workDir, `sea-${o.platform.id}.blob`);
  const config = path.join(o.workDir, `sea-config-${o.platform.id}.json`);
  writeFileSync(config, JSON.stringify({
    main: o.bundle.main,
    output: blob,
    disableExperimentalSEAWarning: true,
    // Code cache and snapshot are V8-build specific, so only a native build may carry them.
    useCodeCache: o.native,
    useSnapshot: false, // the dependencies touch tty/http2 handles at load time; snapshot building aborts
    execArgv: ['--disable-warning=ExperimentalWarning'],
    assets,
  }, null, 2));
  run(o.generator, ['--experimental-sea-config', config], 'SEA blob');

  rmSync(o.out, { force: true });
  copyExecutable(o.runtime, o.out);
  const darwin = o.platform.nodePlatform === 'darwin';
  const canSign = darwin && process.platform === 'darwin';
  // Injecting invalidates the runtime's signature; macOS on arm64 refuses unsigned code, so the
  // signature is removed first and an ad-hoc one added after (no Developer ID signing here).
  if (canSign) run('codesign', ['--remove-signature', o.out], 'codesign --remove-signature');
  const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
  run(process.execPath, [postject, o.out, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE,
    ...(darwin ? ['--macho-segment-name', 'NODE_SEA'] : [])], 'postject');
  if (canSign) run('codesign', ['--sign', '-', o.out], 'codesign --sign -');
}
