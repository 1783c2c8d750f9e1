// The OCI image layout from the project's own writer: the same inputs give the same digests, every
// blob is named by its sha256 and every diff_id is the sha256 of the unpacked layer, the layers list
// in GNU tar sorted, owned by root, with one fixed time, and skopeo reads the layout. The base is the
// real one (pinned Debian packages); the executable is a small stand-in (coreutils' true, which needs
// only libc), and an executable whose libraries the base lacks is refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { IMAGE_EXE, buildImage, debCacheDir, sourceDate, type BuiltImage, type ImageInput } from '../../scripts/release/build-image.ts';
import { layerTree } from '../../scripts/release/oci-layer.ts';
import { platformById } from '../../scripts/release/runtimes.ts';

const TRUE = '/usr/bin/true';
const has = (cmd: string, arg = '--version') => spawnSync(cmd, [arg]).status === 0;
const missing = ['apt-get', 'dpkg-deb', 'tar'].filter((c) => !has(c)).concat(existsSync(TRUE) ? [] : [TRUE]);
function skipReason(): string | false {
  if (missing.length === 0) return false;
  const reason = `the image's base is built from Debian packages: ${missing.join(', ')} missing here`;
  if (process.env.CI) throw new Error(`${reason}; under CI this must run`);
  return reason;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'squirrly-image-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const blob = (img: BuiltImage, digest: string) => readFileSync(path.join(img.dir, 'blobs', 'sha256', digest.replace(/^sha256:/, '')));
const json = (img: BuiltImage, digest: string) => JSON.parse(blob(img, digest).toString('utf8'));

describe('layer tree', () => {
  it('adds parent folders, sorts by path and refuses a path twice', () => {
    const tree = layerTree([
      { path: '/usr/local/bin/x', type: 'file', mode: 0o755, data: Buffer.from('x') },
      { path: 'etc/passwd', type: 'file', mode: 0o644, data: Buffer.from('') },
      { path: 'lib64/ld', type: 'symlink', target: '/lib/ld' },
    ]);
    assert.deepEqual(tree.map((e) => e.path), ['etc', 'etc/passwd', 'lib64', 'lib64/ld', 'usr', 'usr/local', 'usr/local/bin', 'usr/local/bin/x']);
    assert.throws(() => layerTree([{ path: 'a', type: 'directory', mode: 0o755 }, { path: '/a/', type: 'directory', mode: 0o755 }]), /twice/);
    assert.throws(() => layerTree([{ path: '../x', type: 'directory', mode: 0o755 }]), /bad layer path/);
  });
});

describe('OCI image layout', { skip: skipReason() }, () => {
  const exe = path.join(tmp, 'stand-in');
  const input = (outDir: string, over: Partial<ImageInput> = {}): ImageInput => ({
    binary: exe, outDir, platform: platformById('linux-x64'), tag: '9.9.9', version: '9.9.9', revision: 'abc123',
    source: 'https://github.com/example/kubectl-squirrly', created: sourceDate({ SOURCE_DATE_EPOCH: '1700000000' }), cacheDir: debCacheDir(), ...over,
  });
  let first: BuiltImage;
  let second: BuiltImage;
  before(async () => {
    writeFileSync(exe, Buffer.concat([readFileSync(TRUE), Buffer.alloc(100_000, 3)]));
    first = await buildImage(input(path.join(tmp, 'a')));
    second = await buildImage(input(path.join(tmp, 'b')));
  });

  it('two builds of the same inputs are byte-identical, down to index.json', () => {
    assert.equal(first.manifest.digest, second.manifest.digest);
    assert.equal(readFileSync(path.join(first.dir, 'index.json'), 'utf8'), readFileSync(path.join(second.dir, 'index.json'), 'utf8'));
    assert.deepEqual(readdirSync(path.join(first.dir, 'blobs', 'sha256')).sort(), readdirSync(path.join(second.dir, 'blobs', 'sha256')).sort());
  });

  it('another source date or executable gives another digest', async () => {
    const later = await buildImage(input(path.join(tmp, 'c'), { created: sourceDate({ SOURCE_DATE_EPOCH: '1700000001' }) }));
    assert.notEqual(later.manifest.digest, first.manifest.digest);
    const otherExe = path.join(tmp, 'stand-in-2');
    writeFileSync(otherExe, readFileSync(TRUE));
    const other = await buildImage(input(path.join(tmp, 'd'), { binary: otherExe }));
    assert.equal(other.layers[0]!.digest, first.layers[0]!.digest, 'the base layer does not depend on the executable');
    assert.notEqual(other.layers[1]!.digest, first.layers[1]!.digest);
  });

  it('an executable that needs a library the base lacks is refused, naming it; so is a file that is not ELF', async (t) => {
    const id = '/usr/bin/id'; // coreutils' id links libselinux, which the base leaves out
    if (!existsSync(id)) return t.skip(`no ${id} here`);
    await assert.rejects(buildImage(input(path.join(tmp, 'e'), { binary: id })), /lacks what .* needs to start: libselinux\.so\.1/);
    const script = path.join(tmp, 'script.sh');
    writeFileSync(script, '#!/bin/sh\n');
    await assert.rejects(buildImage(input(path.join(tmp, 'f'), { binary: script })), /not an ELF file/);
    assert.ok(!existsSync(path.join(tmp, 'e')) && !existsSync(path.join(tmp, 'f')), 'nothing written');
  });

  it('blobs are named by their sha256, diff_ids are the unpacked layers\' and index.json names the tag', () => {
    for (const f of readdirSync(path.join(first.dir, 'blobs', 'sha256'))) assert.equal(sha(blob(first, f)), f);
    assert.deepEqual(JSON.parse(readFileSync(path.join(first.dir, 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });
    const index = JSON.parse(readFileSync(path.join(first.dir, 'index.json'), 'utf8'));
    assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], '9.9.9');
    assert.equal(index.manifests[0].digest, first.manifest.digest);
    const manifest = json(first, first.manifest.digest);
    const config = json(first, manifest.config.digest);
    assert.deepEqual(config.rootfs.diff_ids, manifest.layers.map((l: { digest: string }) => `sha256:${sha(gunzipSync(blob(first, l.digest)))}`));
    assert.equal(config.config.User, '65532:65532');
    assert.deepEqual(config.config.Entrypoint, [IMAGE_EXE]);
    assert.equal(config.created, '2023-11-14T22:13:20Z');
    assert.deepEqual(config.config.Labels['org.opencontainers.image.revision'], 'abc123');
  });

  it('GNU tar lists each layer sorted, owned by root (the home folder by the user), at the source date, with no shell', () => {
    const listings = first.layers.map((l) => {
      const file = path.join(tmp, `${l.digest.slice(7)}.tar.gz`);
      writeFileSync(file, blob(first, l.digest));
      const r = spawnSync('tar', ['--numeric-owner', '--full-time', '-tvzf', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim().split('\n').map((line) => {
        const [mode, owner, , date, time, name, , target] = line.split(/\s+/);
        return { mode: mode!, owner: owner!, when: `${date} ${time}`, name: name!, target };
      });
    });
    const [base, top] = listings as [typeof listings[0], typeof listings[0]];
    assert.deepEqual(top.map((e) => e.name), ['usr/', 'usr/local/', 'usr/local/bin/', 'usr/local/bin/kubectl-squirrly']);
    for (const entries of listings) {
      const names = entries.map((e) => e.name.replace(/\/$/, ''));
      assert.deepEqual(names, [...names].sort(), 'entries in path order');
      for (const e of entries) {
        assert.equal(e.when, new Date(1700000000 * 1000).toISOString().replace('T', ' ').replace('.000Z', ''), e.name);
        assert.equal(e.owner, e.name === 'home/nonroot/' ? '65532/65532' : '0/0', e.name);
      }
    }
    const names = new Set(base.map((e) => e.name));
    for (const needed of ['lib64/ld-linux-x86-64.so.2', 'lib/x86_64-linux-gnu/libc.so.6', 'usr/lib/x86_64-linux-gnu/libstdc++.so.6', 'etc/ssl/certs/ca-certificates.crt', 'etc/passwd', 'tmp/']) {
      assert.ok(names.has(needed), needed);
    }
    assert.equal(base.find((e) => e.name === 'tmp/')!.mode, 'drwxrwxrwt');
    assert.ok(!base.some((e) => /(^|\/)(sh|bash|dash)$/.test(e.name)), 'no shell');
    assert.match(readFileSync(path.join(tmp, `${first.layers[0]!.digest.slice(7)}.tar.gz`)).subarray(0, 2).toString('hex'), /^1f8b$/);
  });

  it('skopeo reads the layout: tag, architecture, labels and layers', (t) => {
    if (!has('skopeo')) {
      if (process.env.CI) assert.fail('skopeo is missing; .ci/run installs it');
      return t.skip('no skopeo here (apt-get install skopeo)');
    }
    const r = spawnSync('skopeo', ['inspect', `oci:${first.dir}:9.9.9`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const seen = JSON.parse(r.stdout);
    assert.equal(seen.Digest, first.manifest.digest);
    assert.equal(seen.Architecture, 'amd64');
    assert.equal(seen.Os, 'linux');
    assert.equal(seen.Labels['org.opencontainers.image.version'], '9.9.9');
    assert.deepEqual(seen.Layers, first.layers.map((l) => l.digest));
  });
});
