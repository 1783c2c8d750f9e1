// An OCI image layout (oci-layout, index.json, blobs/sha256/…) of one image: its layers, a config
// that runs the executable as the non-root user, a manifest, and an index entry whose
// org.opencontainers.image.ref.name is the tag (`skopeo inspect oci:DIR:TAG` finds it by that).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WrittenBlob, WrittenLayer } from './oci-layer.ts';

export const MEDIA = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export interface ImageConfigInput {
  architecture: string;
  os: string;
  created: Date;
  user: string;
  entrypoint: string[];
  env: string[];
  workingDir: string;
  labels: Record<string, string>;
  layers: readonly (WrittenLayer & { createdBy: string })[];
}

export function blobsDir(layoutDir: string): string {
  return path.join(layoutDir, 'blobs', 'sha256');
}

/** Writes JSON as a blob; the bytes are what is hashed, so they are written exactly once, here. */
export function writeJsonBlob(layoutDir: string, value: unknown): WrittenBlob {
  const bytes = Buffer.from(JSON.stringify(value));
  const hex = createHash('sha256').update(bytes).digest('hex');
  mkdirSync(blobsDir(layoutDir), { recursive: true });
  writeFileSync(path.join(blobsDir(layoutDir), hex), bytes);
  return { digest: `sha256:${hex}`, size: bytes.length };
}

export function imageConfig(c: ImageConfigInput): unknown {
  const created = c.created.toISOString().replace(/\.000Z$/, 'Z');
  return {
    created,
    architecture: c.architecture,
    os: c.os,
    config: { User: c.user, Env: c.env, Entrypoint: c.entrypoint, WorkingDir: c.workingDir, Labels: c.labels },
    rootfs: { type: 'layers', diff_ids: c.layers.map((l) => l.diffId) },
    history: c.layers.map((l) => ({ created, created_by: l.createdBy })),
  };
}

export interface WrittenImage { manifest: WrittenBlob; config: WrittenBlob; layers: readonly WrittenLayer[] }

/** Config, manifest, index.json and oci-layout for layers already written into the layout's blobs. */
export function writeImageLayout(layoutDir: string, c: ImageConfigInput, tag: string): WrittenImage {
  const config = writeJsonBlob(layoutDir, imageConfig(c));
  const manifest = writeJsonBlob(layoutDir, {
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    config: { mediaType: MEDIA.config, digest: config.digest, size: config.size },
    layers: c.layers.map((l) => ({ mediaType: MEDIA.layer, digest: l.digest, size: l.size })),
    annotations: { 'org.opencontainers.image.created': c.created.toISOString().replace(/\.000Z$/, 'Z') },
  });
  writeFileSync(path.join(layoutDir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA.index,
    manifests: [{
      mediaType: MEDIA.manifest, digest: manifest.digest, size: manifest.size,
      platform: { architecture: c.architecture, os: c.os },
      annotations: { 'org.opencontainers.image.ref.name': tag },
    }],
  }));
  writeFileSync(path.join(layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  return { manifest, config, layers: c.layers };
}
