// Fills krew/squirrly.yaml.tmpl from the release archives found in a folder: version, download
// URIs, lowercase sha256 and the files each archive holds.
// usage: node scripts/release/krew-manifest.ts [--dir dist/release] [--version v0.1.0]
//          [--base-url <release download URL>] [--homepage <URL>] [--out dist/release/squirrly.yaml]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sha256 } from './fetch-runtime.ts';
import { PLATFORMS, archiveName, type RuntimePlatform } from './runtimes.ts';
import { readTarGz } from './tar.ts';
import { readZip } from './zip.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function archiveEntries(file: string): string[] {
  const data = readFileSync(file);
  return (file.endsWith('.zip') ? readZip(data) : readTarGz(data)).map((e) => e.name);
}

/** GitHub repository (owner/name) for URLs: CI's GITHUB_REPOSITORY, else package.json repository. */
export function defaultRepository(): string | undefined {
  if (process.env.GITHUB_REPOSITORY) return process.env.GITHUB_REPOSITORY;
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { repository?: string | { url?: string } };
  const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  return url?.match(/github\.com[/:]([^/]+\/[^/.]+)/)?.[1];
}

export interface ManifestInput { dir: string; version: string; baseUrl: string; homepage: string }

const q = (s: string) => JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar

function platformBlock(p: RuntimePlatform, file: string, baseUrl: string): string {
  const files = archiveEntries(file).filter((n) => !n.includes('/'));
  return [
    '  - selector:',
    '      matchLabels:',
    `        os: ${q(p.krew.os)}`,
    `        arch: ${q(p.krew.arch)}`,
    `    uri: ${q(`${baseUrl}/${path.basename(file)}`)}`,
    `    sha256: ${q(sha256(readFileSync(file)))}`,
    '    files:',
    ...files.map((f) => `      - from: ${q(f)}\n        to: "."`),
    `    bin: ${q(p.exe)}`,
  ].join('\n');
}

export function renderManifest(input: ManifestInput): string {
  const present = PLATFORMS.map((p) => ({ p, file: path.join(input.dir, archiveName(p)) })).filter((x) => existsSync(x.file));
  if (present.length === 0) throw new Error(`no release archives in ${input.dir}`);
  const tmpl = readFileSync(path.join(ROOT, 'krew', 'squirrly.yaml.tmpl'), 'utf8');
  const values: Record<string, string> = {
    version: q(input.version),
    homepage: q(input.homepage),
    platforms: present.map(({ p, file }) => platformBlock(p, file, input.baseUrl)).join('\n'),
  };
  return tmpl
    .split('\n').filter((l) => !l.startsWith('#')).join('\n') // template notes are not part of the manifest
    .replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
      const v = values[k];
      if (v === undefined) throw new Error(`krew template: unknown placeholder {{${k}}}`);
      return v;
    });
}

export function writeManifest(opts: Partial<ManifestInput> & { out?: string; packageVersion: string }): string {
  const version = opts.version ?? `v${opts.packageVersion}`;
  const repo = defaultRepository() ?? 'OWNER/kubectl-squirrly';
  const dir = opts.dir ?? path.join(ROOT, 'dist', 'release');
  const text = renderManifest({
    dir,
    version,
    baseUrl: opts.baseUrl ?? `https://github.com/${repo}/releases/download/${version}`,
    homepage: opts.homepage ?? `https://github.com/${repo}`,
  });
  const out = opts.out ?? path.join(dir, 'squirrly.yaml');
  writeFileSync(out, text);
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: {
    dir: { type: 'string' }, version: { type: 'string' }, 'base-url': { type: 'string' }, homepage: { type: 'string' }, out: { type: 'string' },
  } });
  const packageVersion = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const out = writeManifest({
    packageVersion,
    ...(values.dir ? { dir: path.resolve(values.dir) } : {}),
    ...(values.version ? { version: values.version } : {}),
    ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
    ...(values.homepage ? { homepage: values.homepage } : {}),
    ...(values.out ? { out: path.resolve(values.out) } : {}),
  });
  process.stdout.write(`${path.relative(process.cwd(), out)}\n`);
}
