// The build only accepts the pinned Node runtime: a registry tarball with another sha256 is refused.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fetchRuntime, runtimeCacheDir } from '../../scripts/release/fetch-runtime.ts';
import { NODE_RUNTIME_VERSION, PLATFORMS, platformById } from '../../scripts/release/runtimes.ts';
import { writeTarGz } from '../../scripts/release/tar.ts';

const cache = mkdtempSync(path.join(os.tmpdir(), 'squirrly-runtime-'));
after(() => rmSync(cache, { recursive: true, force: true }));

describe('pinned Node runtime', () => {
  it('pins one version and a lowercase sha256 for every registry package', () => {
    assert.match(NODE_RUNTIME_VERSION, /^\d+\.\d+\.\d+$/);
    for (const p of PLATFORMS) if (p.npm) assert.match(p.npm.tarballSha256, /^[a-f0-9]{64}$/, p.id);
  });

  it('refuses a cached tarball whose sha256 differs from the pin', () => {
    const previous = process.env.SQUIRRLY_RUNTIME_CACHE;
    process.env.SQUIRRLY_RUNTIME_CACHE = cache;
    try {
      const p = platformById('win-x64'); // never stripped or executed here, so any host can run this
      const dir = path.join(runtimeCacheDir(), p.id);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `${p.npm!.name}-${NODE_RUNTIME_VERSION}.tgz`),
        writeTarGz([{ name: p.npm!.binPath, data: Buffer.from('not node'), mode: 0o755 }]));
      assert.throws(() => fetchRuntime(p), /does not match the pinned/);
    } finally {
      if (previous === undefined) delete process.env.SQUIRRLY_RUNTIME_CACHE;
      else process.env.SQUIRRLY_RUNTIME_CACHE = previous;
    }
  });

  it('needs an explicit runtime for platforms the registry does not carry at this version', () => {
    const previous = process.env.SQUIRRLY_NODE_RUNTIME;
    delete process.env.SQUIRRLY_NODE_RUNTIME;
    try {
      assert.throws(() => fetchRuntime(platformById('darwin-arm64')), /SQUIRRLY_NODE_RUNTIME/);
    } finally {
      if (previous !== undefined) process.env.SQUIRRLY_NODE_RUNTIME = previous;
    }
  });
});
