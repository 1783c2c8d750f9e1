// krew's manifest rules, mirrored because krew itself cannot be installed on the build machines:
// structural validation (internal/index/validation/validate.go) plus the extra checks of
// cmd/validate-krew-manifest. Each function returns human-readable problems; empty means valid.
import { LICENSE_NAMES, applyFileOperations, type FileOperation } from './krew-files.ts';

export const KREW_API_VERSION = 'krew.googlecontainertools.github.com/v1alpha2';
export const KNOWN_PLATFORMS: readonly { os: string; arch: string }[] = [
  ['windows', '386'], ['windows', 'amd64'], ['windows', 'arm64'], ['linux', '386'], ['linux', 'amd64'], ['linux', 'arm'],
  ['linux', 'arm64'], ['linux', 'ppc64le'], ['darwin', '386'], ['darwin', 'amd64'], ['darwin', 'arm64'],
].map(([os, arch]) => ({ os: os!, arch: arch! }));

interface Requirement { key: string; operator: string; values?: string[] }
interface Selector { matchLabels?: Record<string, string>; matchExpressions?: Requirement[] }
export interface Platform { selector?: Selector | null; uri?: string; sha256?: string; files?: FileOperation[]; bin?: string }
export interface Manifest {
  apiVersion?: string; kind?: string; metadata?: { name?: string };
  spec?: { version?: string; shortDescription?: string; platforms?: Platform[] };
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i;
// k8s.io/apimachinery version.ParseSemantic, with krew's extra "must start with v".
const SEMVER = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

function validatePlatform(p: Platform, i: number): string[] {
  const e: string[] = [];
  const at = `platforms[${i}]`;
  if (!p.uri) e.push(`${at}: uri has to be set`);
  if (!p.sha256 || !/^[a-f0-9]{64}$/.test(p.sha256)) e.push(`${at}: sha256 "${p.sha256 ?? ''}" is not a valid lowercase hex sha256`);
  if (!p.bin) e.push(`${at}: bin has to be set`);
  if (p.files !== undefined) {
    if (!Array.isArray(p.files) || p.files.length === 0) e.push(`${at}: files is set but empty`);
    else p.files.forEach((f, j) => { if (!f?.from || !f?.to) e.push(`${at}: files[${j}] needs from and to`); });
  }
  const s = p.selector;
  if (!s || (s.matchLabels === undefined && s.matchExpressions === undefined)) e.push(`${at}: selector has to be set`);
  else {
    if (s.matchLabels !== undefined && Object.keys(s.matchLabels).length === 0) e.push(`${at}: matchLabels is empty`);
    if (s.matchExpressions !== undefined && s.matchExpressions.length === 0) e.push(`${at}: matchExpressions is empty`);
    const keys = [...Object.keys(s.matchLabels ?? {}), ...(s.matchExpressions ?? []).map((r) => r.key)];
    for (const k of keys) if (k !== 'os' && k !== 'arch') e.push(`${at}: selector key "${k}" is not allowed (only os, arch)`);
  }
  return e;
}

/** validate.go ValidatePlugin(name, plugin): `fileName` is the manifest's base name without .yaml. */
export function validateStructure(m: Manifest, fileName: string): string[] {
  const e: string[] = [];
  if (m.apiVersion !== KREW_API_VERSION) e.push(`apiVersion "${m.apiVersion}" is not ${KREW_API_VERSION}`);
  if (m.kind !== 'Plugin') e.push(`kind "${m.kind}" is not Plugin`);
  const name = m.metadata?.name ?? '';
  if (!/^[\w-]+$/.test(name) || WINDOWS_RESERVED.test(name)) e.push(`plugin name "${name}" is not valid`);
  if (name !== fileName) e.push(`plugin name "${name}" does not match file name "${fileName}"`);
  const spec = m.spec ?? {};
  if (!spec.shortDescription || /[\r\n]/.test(spec.shortDescription)) e.push('shortDescription must be a single non-empty line');
  if (!spec.version || !SEMVER.test(spec.version)) e.push(`version "${spec.version ?? ''}" is not a semver starting with v`);
  if (!Array.isArray(spec.platforms) || spec.platforms.length === 0) e.push('at least one platform is required');
  else spec.platforms.forEach((p, i) => e.push(...validatePlatform(p, i)));
  return e;
}

/** k8s LabelSelector semantics on the os/arch label set. */
export function selectorMatches(s: Selector | null | undefined, labels: { os: string; arch: string }): boolean {
  if (!s) return false;
  const get = (k: string) => (labels as Record<string, string>)[k];
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) if (get(k) !== v) return false;
  for (const r of s.matchExpressions ?? []) {
    const v = get(r.key);
    const ok = r.operator === 'In' ? v !== undefined && (r.values ?? []).includes(v)
      : r.operator === 'NotIn' ? v === undefined || !(r.values ?? []).includes(v)
      : r.operator === 'Exists' ? v !== undefined
      : r.operator === 'DoesNotExist' ? v === undefined : false;
    if (!ok) return false;
  }
  return true;
}

/**
 * validate-krew-manifest's checks on top of the structure. `archivePaths(i)` lists the files of
 * platform i's archive (the tool installs each platform; here the archive is read directly).
 */
export function validateRelease(m: Manifest, manifestFile: string, archivePaths: (i: number) => readonly string[]): string[] {
  const e: string[] = [];
  if (!manifestFile.endsWith('.yaml')) e.push(`${manifestFile}: manifest file extension must be .yaml`);
  const base = manifestFile.replace(/^.*[\\/]/, '').replace(/\.yaml$/, '');
  e.push(...validateStructure(m, base));
  if (e.length > 0) return e; // like the tool: a manifest that does not load is not installed
  const platforms = m.spec?.platforms ?? [];
  platforms.forEach((p, i) => {
    if (!KNOWN_PLATFORMS.some((k) => selectorMatches(p.selector, k))) e.push(`platforms[${i}]: selector matches no supported os/arch`);
  });
  for (const k of KNOWN_PLATFORMS) {
    const matching = platforms.flatMap((p, i) => (selectorMatches(p.selector, k) ? [i] : []));
    if (matching.length > 1) e.push(`${k.os}/${k.arch} is matched by more than one platform (${matching.join(', ')})`);
  }
  platforms.forEach((p, i) => {
    const installed = [...applyFileOperations(archivePaths(i), p.files).values()];
    if (p.bin && !installed.includes(p.bin.replace(/^\.\//, ''))) e.push(`platforms[${i}]: bin ${p.bin} is not installed by files`);
    if (!installed.some((f) => !f.includes('/') && LICENSE_NAMES.includes(f.toLowerCase()))) {
      e.push(`platforms[${i}]: no LICENSE file is extracted`);
    }
  });
  return e;
}
