// One reproducible image layer: entries sorted by path, every parent folder present, one fixed
// mtime, owner root unless an entry says otherwise, no user or group names; written as a tar by
// tar-stream, gzip-compressed, straight into the layout's blob folder. The digest is the
// compressed blob's, the diff_id the uncompressed tar's, as the OCI image spec defines them.
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack as tarPack, type Header } from 'tar-stream';

interface Owned { uid?: number; gid?: number }
export type LayerEntry =
  | ({ path: string; type: 'file'; mode: number; data: Buffer } & Owned)
  | ({ path: string; type: 'directory'; mode: number } & Owned)
  | ({ path: string; type: 'symlink'; target: string } & Owned);

export interface WrittenBlob { digest: string; size: number }
export interface WrittenLayer extends WrittenBlob { diffId: string; tarSize: number; entries: number }

function normalise(p: string): string {
  const clean = path.posix.normalize(p).replace(/^\/+/, '').replace(/\/+$/, '');
  if (clean === '' || clean === '.' || clean.startsWith('../')) throw new Error(`bad layer path: ${p}`);
  return clean;
}

/** The entries with their parent folders added (0755, root), sorted by path, duplicates refused. */
export function layerTree(entries: readonly LayerEntry[]): LayerEntry[] {
  const byPath = new Map<string, LayerEntry>();
  for (const e of entries) {
    const p = normalise(e.path);
    if (byPath.has(p)) throw new Error(`layer path twice: ${p}`);
    byPath.set(p, { ...e, path: p });
  }
  for (const p of [...byPath.keys()]) {
    for (let dir = path.posix.dirname(p); dir !== '.'; dir = path.posix.dirname(dir)) {
      if (!byPath.has(dir)) byPath.set(dir, { path: dir, type: 'directory', mode: 0o755 });
      else if (byPath.get(dir)!.type !== 'directory') throw new Error(`${dir} is a parent of ${p} but not a folder`);
    }
  }
  // plain code-unit order, so the result does not depend on the build machine's locale
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function hashing(hash: Hash, count: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      count.bytes += chunk.length;
      done(null, chunk);
    },
  });
}

function header(e: LayerEntry, mtime: Date): Partial<Header> & Pick<Header, 'name'> {
  const common = { mtime, uid: e.uid ?? 0, gid: e.gid ?? 0, uname: '', gname: '' };
  if (e.type === 'file') return { ...common, name: e.path, type: 'file', mode: e.mode, size: e.data.length };
  if (e.type === 'directory') return { ...common, name: `${e.path}/`, type: 'directory', mode: e.mode };
  return { ...common, name: e.path, type: 'symlink', mode: 0o777, linkname: e.target };
}

/** Writes the layer into blobsDir (the layout's blobs/sha256) under its digest. */
export async function writeLayer(entries: readonly LayerEntry[], blobsDir: string, opts: { mtime: Date; gzipLevel?: number }): Promise<WrittenLayer> {
  const tree = layerTree(entries);
  mkdirSync(blobsDir, { recursive: true });
  const tmp = path.join(blobsDir, `.layer-${process.pid}-${Date.now()}`);
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  const tarCount = { bytes: 0 };
  const gzCount = { bytes: 0 };
  const pack = tarPack();
  // gzip's own header holds no time or name here (zlib leaves both empty), so the bytes depend on the input only
  const written = pipeline(pack as AsyncIterable<Buffer>, hashing(tarHash, tarCount), createGzip({ level: opts.gzipLevel ?? 6 }), hashing(gzHash, gzCount), createWriteStream(tmp));
  for (const e of tree) {
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error | null) => (err ? reject(err) : resolve());
      if (e.type === 'file') pack.entry(header(e, opts.mtime), e.data, done);
      else pack.entry(header(e, opts.mtime), done);
    });
  }
  pack.finalize();
  await written;
  const hex = gzHash.digest('hex');
  renameSync(tmp, path.join(blobsDir, hex));
  return { digest: `sha256:${hex}`, size: gzCount.bytes, diffId: `sha256:${tarHash.digest('hex')}`, tarSize: tarCount.bytes, entries: tree.length };
}
