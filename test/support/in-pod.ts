// Runs the plugin the way it runs inside a pod: in a private mount namespace (`unshare --mount`, as
// the simulator runs pod commands) where a folder holding `token`, `ca.crt` and `namespace` is bound
// on /var/run/secrets/kubernetes.io/serviceaccount (over a private tmpfs, so the host's /run is
// untouched), with KUBERNETES_SERVICE_HOST/PORT set, HOME an empty folder and no KUBECONFIG. The
// plugin then finds no kubeconfig and takes the in-cluster configuration with no test-only switch.
// An /etc/hosts of the test's own can be bound too, so cluster names (`<svc>.<ns>.svc`) resolve
// through the real resolver; an /etc/resolv.conf naming only loopback comes with it, so no name is
// ever asked of a DNS server off this machine. Runs the sources or SQUIRRLY_PLUGIN_BIN, like every CLI suite.
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, type CliOptions, type CliResult } from './cli.ts';

/** The folder the kubelet mounts; the plugin reads this fixed path, as client-go does. */
export const POD_SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface ServiceAccountFiles {
  token?: string;
  caPem?: string;
  namespace?: string;
}

export interface ServiceAccountFolder {
  /** the host folder bound on the ServiceAccount path */
  readonly dir: string;
  /** replaces the token as the kubelet rotates it: a new file renamed over the old one */
  rotateToken(token: string): void;
  removeToken(): void;
  cleanup(): void;
}

/** A ServiceAccount folder with these files (a file left out is not there). */
export function serviceAccountFolder(files: ServiceAccountFiles): ServiceAccountFolder {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-serviceaccount-'));
  const write = (name: string, text: string) => {
    const next = path.join(dir, `..${name}.next`);
    writeFileSync(next, text, { mode: 0o600 });
    renameSync(next, path.join(dir, name));
  };
  if (files.token !== undefined) write('token', files.token);
  if (files.caPem !== undefined) write('ca.crt', files.caPem);
  if (files.namespace !== undefined) write('namespace', files.namespace);
  return {
    dir,
    rotateToken: (token) => write('token', token),
    removeToken: () => rmSync(path.join(dir, 'token'), { force: true }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface InPodOptions extends Omit<CliOptions, 'wrapper' | 'viaKubectl'> {
  serviceAccount: ServiceAccountFolder;
  /** the API server the pod's environment names (KUBERNETES_SERVICE_HOST/PORT come from it) */
  server: string;
  /** names the pod's /etc/hosts resolves besides localhost, e.g. { 'job-rest.ns.svc': '127.0.0.1' }; no other name resolves */
  hosts?: Record<string, string>;
}

// $1 the ServiceAccount folder, $2 a folder with `hosts` and `resolv.conf` to bind over /etc's, or '';
// no caller text is ever part of the script.
const podScript =
  'sa=$1; dns=$2; shift 2; ' +
  `mount -t tmpfs squirrly-run /var/run && mkdir -p ${POD_SERVICE_ACCOUNT_DIR} && mount --bind "$sa" ${POD_SERVICE_ACCOUNT_DIR} && ` +
  '{ [ -z "$dns" ] || { mount --bind "$dns/hosts" /etc/hosts && mount --bind "$dns/resolv.conf" /etc/resolv.conf; }; } && exec "$@"';

/** KUBERNETES_SERVICE_HOST/PORT for a server URL, as the kubelet sets them (an IPv6 host without brackets). */
export function serviceEnvironment(server: string): { KUBERNETES_SERVICE_HOST: string; KUBERNETES_SERVICE_PORT: string } {
  const url = new URL(server);
  return { KUBERNETES_SERVICE_HOST: url.hostname.replace(/^\[(.*)\]$/, '$1'), KUBERNETES_SERVICE_PORT: url.port || '443' };
}

export async function runCliInPod(args: string[], options: InPodOptions): Promise<CliResult> {
  const { serviceAccount, server, hosts, env, ...cli } = options;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'squirrly-pod-'));
  try {
    const home = path.join(scratch, 'home');
    mkdirSync(home);
    let dnsDir = '';
    if (hosts) {
      dnsDir = path.join(scratch, 'dns');
      mkdirSync(dnsDir);
      const lines = ['127.0.0.1 localhost', '::1 localhost ip6-localhost', ...Object.entries(hosts).map(([name, address]) => `${address} ${name}`)];
      writeFileSync(path.join(dnsDir, 'hosts'), `${lines.join('\n')}\n`);
      writeFileSync(path.join(dnsDir, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
    }
    return await runCli(args, {
      ...cli,
      wrapper: ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', podScript, 'sh', serviceAccount.dir, dnsDir],
      // runCli starts from an empty environment: no KUBECONFIG reaches the plugin
      env: { HOME: home, ...serviceEnvironment(server), ...env },
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
