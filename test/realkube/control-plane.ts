// A real Kubernetes control plane on loopback: etcd, kube-apiserver (RBAC, token and client-certificate
// users, service-account tokens) and kwok as the one node's kubelet, from the binaries test/realkube/build.sh
// made. No scheduler and no controller-manager: pods name their node, and nothing garbage-collects.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadYaml } from '@kubernetes/client-node';
import { startGroup, tail, type GroupProcess } from '../e2e/support/processes.ts';
import { freePorts } from '../e2e/support/ports.ts';
import { AdminApi, waitUntil } from './api.ts';
import { createControlPlanePki, type ControlPlanePki } from './certificates.ts';
import { flinkDeploymentCrd, flinkSessionJobCrd } from './flink-crds.ts';

const here = dirname(fileURLToPath(import.meta.url));
const buildScript = join(here, 'build.sh');
export const execWrapper = join(here, 'pod-exec.sh');

export const nodeName = 'squirrly-node';
/** the `kubernetes` Service's address: the range must be loopback like everything else here */
const serviceIpRange = '127.100.0.0/16';
const serviceIp = '127.100.0.1';
const containerPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Folder with kube-apiserver, etcd, kwok and kwok's CRDs and stages, or undefined when they were never
 * built. SQUIRRLY_REALKUBE_BIN names another folder of the same shape.
 */
export function locateBinaries(): string | undefined {
  const override = process.env['SQUIRRLY_REALKUBE_BIN'];
  if (override) return override;
  try {
    return execFileSync('bash', [buildScript, '--locate'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the real control plane tier must be skipped, or undefined when it can run. Under CI missing
 * binaries are an error: the tier must fail there, not pass by skipping.
 */
export function realKubeSkipReason(): string | undefined {
  if (locateBinaries() !== undefined) return undefined;
  if (process.env['CI']) throw new Error('the real control plane binaries are required under CI: run test/realkube/build.sh');
  return 'no real control plane binaries (run test/realkube/build.sh); skipping the real API server tests';
}

export interface StaticUser {
  name: string;
  token: string;
  groups: string[];
}

export interface ControlPlane {
  readonly server: string;
  readonly caPem: string;
  readonly pki: ControlPlanePki;
  /** the API as system:masters, for the harness only */
  readonly admin: AdminApi;
  /** token users of the token file: 'admin' (system:masters), 'squirrly-user' and 'limited' (no groups) */
  readonly users: Record<'admin' | 'squirrly-user' | 'limited', StaticUser>;
  readonly dir: string;
  /** the last lines of every process's log, for failure messages */
  logTails(lines?: number): string;
  stop(): Promise<void>;
}

function token(): string {
  return randomBytes(24).toString('hex');
}

/** kwok's default pod stages make every pod Running and Ready; pods labelled for holding keep the status the scenario gives them. */
export const holdStatusLabel = 'squirrly.test/hold-status';

/** the documents of a multi-document YAML file, empty ones left out (client-node's loadAllYaml trips on those) */
function yamlDocuments(text: string): any[] {
  return text
    .split(/^---\s*$/m)
    .filter((doc) => doc.replace(/#.*$/gm, '').trim() !== '')
    .map((doc) => loadYaml<any>(doc));
}

function holdAwareStages(stagesYaml: string): string {
  const docs = yamlDocuments(stagesYaml);
  let patched = 0;
  for (const stage of docs) {
    if (stage?.spec?.resourceRef?.kind !== 'Pod' || !['pod-ready', 'pod-complete'].includes(stage?.metadata?.name)) continue;
    stage.spec.selector.matchExpressions.push({ key: `.metadata.labels["${holdStatusLabel}"]`, operator: 'DoesNotExist' });
    patched++;
  }
  if (patched !== 2) throw new Error(`kwok's pod stages changed shape (found ${patched} of pod-ready, pod-complete)`);
  return docs.map((doc) => JSON.stringify(doc)).join('\n---\n');
}

function kubeconfigFor(server: string, caFile: string, userToken: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'realkube', cluster: { server, 'certificate-authority': caFile } }],
    users: [{ name: 'user', user: { token: userToken } }],
    contexts: [{ name: 'realkube', context: { cluster: 'realkube', user: 'user' } }],
    'current-context': 'realkube',
  });
}

export async function startControlPlane(): Promise<ControlPlane> {
  const bin = locateBinaries();
  if (bin === undefined) throw new Error('no real control plane binaries: run test/realkube/build.sh');
  const dir = await mkdtemp(join(tmpdir(), 'squirrly-realkube-'));
  const processes: GroupProcess[] = [];
  const stop = async () => {
    // kwok first (it writes through the API server), etcd last
    for (const child of [...processes].reverse()) await child.stop(10_000);
    await rm(dir, { recursive: true, force: true });
  };
  const logTails = (lines = 30) => processes.map((p) => `--- ${p.name}\n${tail(p.logFile, lines)}`).join('\n');
  try {
    const [etcdPort, etcdPeerPort, apiPort, kubeletPort] = (await freePorts(4)) as [number, number, number, number];
    const pki = await createControlPlanePki(dir, serviceIp);
    const users = {
      admin: { name: 'admin', token: token(), groups: ['system:masters'] },
      'squirrly-user': { name: 'squirrly-user', token: token(), groups: [] },
      limited: { name: 'limited', token: token(), groups: [] },
    };
    const kwokToken = token();
    const csvLine = (u: StaticUser) => `${u.token},${u.name},${u.name},"${u.groups.join(',')}"`;
    const tokenFile = join(dir, 'tokens.csv');
    await writeFile(tokenFile, [...Object.values(users).map(csvLine), csvLine({ name: 'kwok', token: kwokToken, groups: ['system:masters'] }), ''].join('\n'), { mode: 0o600 });

    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    const etcd = startGroup('etcd', [
      join(bin, 'etcd'), '--name', 'default', '--data-dir', join(dir, 'etcd'),
      '--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl,
      '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl, '--initial-cluster', `default=${peerUrl}`,
      '--unsafe-no-fsync', '--log-level', 'warn',
    ], { logFile: join(dir, 'etcd.log') });
    processes.push(etcd);
    await waitUntil('etcd to be healthy', async () => {
      if (etcd.hasExited()) throw new Error(`etcd exited:\n${tail(etcd.logFile)}`);
      const answer = await fetch(`${etcdUrl}/health`);
      return answer.ok && ((await answer.json()) as { health?: string }).health === 'true' ? true : undefined;
    });

    const server = `https://127.0.0.1:${apiPort}`;
    const apiServer = startGroup('kube-apiserver', [
      join(bin, 'kube-apiserver'),
      '--etcd-servers', etcdUrl,
      '--bind-address', '127.0.0.1', '--advertise-address', '127.0.0.1', '--secure-port', String(apiPort),
      '--tls-cert-file', pki.apiServer.certFile, '--tls-private-key-file', pki.apiServer.keyFile,
      '--client-ca-file', pki.caFile,
      '--token-auth-file', tokenFile,
      '--authorization-mode', 'Node,RBAC',
      '--service-account-issuer', 'https://kubernetes.default.svc',
      '--service-account-key-file', pki.serviceAccountPublicFile,
      '--service-account-signing-key-file', pki.serviceAccountKeyFile,
      '--service-cluster-ip-range', serviceIpRange,
      '--kubelet-preferred-address-types', 'InternalIP',
      '--kubelet-certificate-authority', pki.caFile,
      '--kubelet-client-certificate', pki.kubeletClient.certFile, '--kubelet-client-key', pki.kubeletClient.keyFile,
      // its reconciler would write 127.0.0.1 into the `kubernetes` Endpoints, which validation refuses
      '--endpoint-reconciler-type', 'none',
      // no controller creates the `default` ServiceAccounts this admission plugin insists on
      '--disable-admission-plugins', 'ServiceAccount',
      '--profiling=false',
    ], { logFile: join(dir, 'kube-apiserver.log') });
    processes.push(apiServer);
    const admin = new AdminApi(server, pki.caPem, users.admin.token);
    await waitUntil('kube-apiserver to be ready', async () => {
      if (apiServer.hasExited()) throw new Error(`kube-apiserver exited:\n${tail(apiServer.logFile)}`);
      const answer = await admin.send('GET', '/readyz');
      return answer.status === 200 ? true : undefined;
    }, 120_000, 250);
    await waitUntil('the default namespace', async () => ((await admin.send('GET', '/api/v1/namespaces/default')).status === 200 ? true : undefined));

    // kwok's CRDs (exec and port-forward targets), then the Flink operator's
    const crds = [...yamlDocuments(await readFile(join(bin, 'crds.yaml'), 'utf8')), flinkDeploymentCrd, flinkSessionJobCrd];
    for (const crd of crds) await admin.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    for (const crd of crds) {
      const name = (crd as { metadata: { name: string } }).metadata.name;
      await waitUntil(`CRD ${name} to be established`, async () => {
        const current = await admin.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
        const established = (current?.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True');
        return established ? true : undefined;
      });
    }

    const stagesFile = join(dir, 'stages.yaml');
    await writeFile(stagesFile, holdAwareStages(await readFile(join(bin, 'stages.yaml'), 'utf8')));
    const kwokKubeconfig = join(dir, 'kwok.kubeconfig');
    await writeFile(kwokKubeconfig, kubeconfigFor(server, pki.caFile, kwokToken), { mode: 0o600 });
    // kwok's exec runs commands with kwok's own environment: give it nothing of ours
    const kwok = startGroup('kwok', [
      'env', '-i', `PATH=${containerPath}`, `KWOK_EXEC_WRAPPER=${execWrapper}`,
      join(bin, 'kwok'),
      '--kubeconfig', kwokKubeconfig,
      '--config', stagesFile,
      '--manage-nodes-with-annotation-selector', 'kwok.x-k8s.io/node=fake',
      '--server-address', `127.0.0.1:${kubeletPort}`,
      '--tls-cert-file', pki.kubelet.certFile, '--tls-private-key-file', pki.kubelet.keyFile,
      '--node-ip', '127.0.0.1', '--node-port', String(kubeletPort),
      '--cidr', '127.42.0.0/16',
      '--enable-crds', 'ClusterExec,Exec,ClusterPortForward,PortForward',
    ], { logFile: join(dir, 'kwok.log') });
    processes.push(kwok);

    await admin.create('/api/v1/nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: nodeName, annotations: { 'kwok.x-k8s.io/node': 'fake' }, labels: { 'kubernetes.io/hostname': nodeName, type: 'kwok' } },
    });
    await waitUntil('the kwok node to be Ready', async () => {
      if (kwok.hasExited()) throw new Error(`kwok exited:\n${tail(kwok.logFile)}`);
      const node = await admin.get(`/api/v1/nodes/${nodeName}`);
      return (node?.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
    }, 60_000, 200);

    return { server, caPem: pki.caPem, pki, admin, users, dir, logTails, stop };
  } catch (error) {
    const detail = logTails(20);
    await stop();
    throw new Error(`${(error as Error).message}\n${detail}`, { cause: error });
  }
}

/**
 * One control plane per test process, shared by the scenarios that follow each other: starting one
 * costs seconds, and scenarios stay apart by removing what they created. It stops shortly after the
 * last scenario released it, unless another took it meanwhile.
 */
let shared: { plane: Promise<ControlPlane>; users: number; idle?: NodeJS.Timeout } | undefined;

export async function acquireControlPlane(): Promise<ControlPlane> {
  if (shared === undefined) {
    const plane = startControlPlane();
    shared = { plane, users: 0 };
    plane.catch(() => {
      shared = undefined;
    });
  }
  const current = shared;
  clearTimeout(current.idle);
  current.idle = undefined;
  current.users++;
  return current.plane;
}

/** Gives the control plane back; it stops in the background a moment later unless acquired again. */
export function releaseControlPlane(): void {
  const current = shared;
  if (current === undefined) return;
  current.users--;
  if (current.users > 0) return;
  // ref'd on purpose: the process waits for the stop instead of leaving etcd's data behind
  current.idle = setTimeout(() => {
    if (shared === current) shared = undefined;
    current.plane.then((plane) => plane.stop()).catch(() => undefined);
  }, 500);
}
