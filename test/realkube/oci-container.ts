// Runs the project's OCI image with Debian's real tools: umoci unpacks it into a runtime bundle and
// crun runs it, as the image's user (umoci takes it from the image config) on a read-only root.
// Two things this needs on machines like CI's, which are containers themselves:
// - crun 1.8 refuses a host with both cgroup v1 controllers and a cgroup2 mount ("hybrid mode");
//   there it runs in a private mount namespace that shows only cgroup2 at /sys/fs/cgroup, with
//   --cgroup-manager=disabled (limits are not what the tests are about).
// - the container keeps the host's network namespace, so it reaches the API server on loopback.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const OCI_TOOLS = ['skopeo', 'umoci', 'crun', 'unshare'] as const;

export function missingOciTools(): string[] {
  return OCI_TOOLS.filter((t) => spawnSync(t, ['--version']).status !== 0);
}

/** `umoci unpack` of layout:tag into bundleDir (its rootfs/ and config.json). */
export function unpackImage(layout: string, tag: string, bundleDir: string): void {
  const r = spawnSync('umoci', ['unpack', ...(process.getuid?.() === 0 ? [] : ['--rootless']), '--image', `${layout}:${tag}`, bundleDir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`umoci unpack failed: ${r.stderr}`);
  // each run starts from umoci's own config, so nothing one run sets leaks into the next
  writeFileSync(path.join(bundleDir, PRISTINE), readFileSync(path.join(bundleDir, 'config.json')));
}

const PRISTINE = 'config.umoci.json';

export interface BundleProcess { uid: number; gid: number; args: string[]; env: string[]; cwd: string }

export function bundleProcess(bundleDir: string): BundleProcess {
  const c = JSON.parse(readFileSync(path.join(bundleDir, PRISTINE), 'utf8'));
  return { uid: c.process.user.uid, gid: c.process.user.gid, args: c.process.args, env: c.process.env, cwd: c.process.cwd };
}

export interface RunOptions {
  args: string[];
  env?: Record<string, string>;
  /** read-only bind mounts, destination -> host folder */
  mounts?: Record<string, string>;
  /** writable bind mounts (what a pod's emptyDirs are), destination -> host folder */
  writable?: Record<string, string>;
  timeoutMs?: number;
}

export interface ContainerResult { code: number | null; stdout: string; stderr: string }

let counter = 0;

const hybridCgroups = () => existsSync('/sys/fs/cgroup/unified') || existsSync('/sys/fs/cgroup/memory');

/** The crun command line for a bundle; wrapped in a private mount namespace on hybrid cgroup hosts. */
export function crunCommand(bundleDir: string, id: string): { cmd: string; args: string[] } {
  const crun = ['crun', '--cgroup-manager=disabled', 'run', '--bundle', bundleDir, id];
  if (!hybridCgroups()) return { cmd: crun[0]!, args: crun.slice(1) };
  const quoted = crun.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return { cmd: 'unshare', args: ['--mount', '--propagation', 'private', 'sh', '-c', `umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && exec ${quoted}`] };
}

/** Runs the image's entrypoint with these arguments (asynchronously: servers in this process must keep answering). */
export function runContainer(bundleDir: string, opts: RunOptions): Promise<ContainerResult> {
  const configFile = path.join(bundleDir, 'config.json');
  const c = JSON.parse(readFileSync(path.join(bundleDir, PRISTINE), 'utf8'));
  c.process.args = [c.process.args[0], ...opts.args];
  c.process.terminal = false;
  c.process.env = [...c.process.env.filter((e: string) => !e.startsWith('TERM=')), ...Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`)];
  c.root.readonly = true;
  c.linux.namespaces = c.linux.namespaces.filter((n: { type: string }) => n.type !== 'network');
  const binds = [
    ...Object.entries(opts.mounts ?? {}).map(([destination, source]) => ({ destination, type: 'bind', source, options: ['rbind', 'ro'] })),
    ...Object.entries(opts.writable ?? {}).map(([destination, source]) => ({ destination, type: 'bind', source, options: ['rbind', 'rw'] })),
  ];
  c.mounts = [...c.mounts.filter((m: { destination: string }) => !binds.some((b) => b.destination === m.destination)), ...binds];
  writeFileSync(configFile, JSON.stringify(c, null, 1));
  const id = `squirrly-test-${process.pid}-${++counter}`;
  const { cmd, args } = crunCommand(bundleDir, id);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { if (stdout.length < 1_000_000) stdout += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { if (stderr.length < 1_000_000) stderr += d.toString('utf8'); });
    const timer = setTimeout(() => {
      spawnSync('crun', ['kill', id, 'KILL']);
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      spawnSync('crun', ['delete', '--force', id]);
      resolve({ code, stdout, stderr });
    });
  });
}
