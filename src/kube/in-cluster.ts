// The in-cluster configuration, as client-go's rest.InClusterConfig and clientcmd's deferred loading
// build it: when no kubeconfig file is found and KUBERNETES_SERVICE_HOST/PORT are set (the kubelet
// sets them in every pod), the API server is https://HOST:PORT, trusted through the ServiceAccount
// folder's ca.crt, with the bearer token of its token file (re-read per request: bound tokens rotate)
// and its namespace file as the default namespace. It becomes one more kubeconfig context, so the
// connection flags (--server, --token, --certificate-authority, -n ...) replace its parts as they
// replace a kubeconfig's.
import path from 'node:path';
import { SquirrlyError } from '../errors.ts';
import type { AuthInfoEntry, ClusterEntry, ContextEntry } from './kubeconfig-entries.ts';
import type { KubectlOverrides } from './kubectl-overrides.ts';
import { LocalFileError, readSmallRegularFile } from './local-file.ts';
import { serviceAccountOfToken, type ServiceAccountIdentity } from './service-account-token.ts';

/** Where the kubelet mounts the pod's ServiceAccount token, CA and namespace (fixed, as in client-go). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
export const IN_CLUSTER_CONTEXT = 'in-cluster';

const TOKEN_FILE = path.posix.join(SERVICE_ACCOUNT_DIR, 'token');
const CA_FILE = path.posix.join(SERVICE_ACCOUNT_DIR, 'ca.crt');
const NAMESPACE_FILE = path.posix.join(SERVICE_ACCOUNT_DIR, 'namespace');

const MAX_TOKEN_BYTES = 64 * 1024;
const MAX_CA_BYTES = 4 * 1024 * 1024;
const MAX_NAMESPACE_BYTES = 4 * 1024;
/** DNS-1123 label: what a namespace name is */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** What doctor says about the in-cluster configuration; never the token. */
export interface InClusterInfo {
  /** the ServiceAccount token file; absent when a flag replaced the token */
  tokenFile?: string;
  /** the namespace the pod gives (POD_NAMESPACE, else the namespace file), if any */
  namespace?: string;
  /** POD_NAMESPACE or the namespace file's path */
  namespaceSource?: string;
  /** whose token it is, when its claims say (the API server is what checks them) */
  serviceAccount?: ServiceAccountIdentity;
}

export interface InClusterEntries {
  cluster: ClusterEntry;
  user: AuthInfoEntry;
  context: ContextEntry;
  info: InClusterInfo;
}

/** https://HOST:PORT when both are set (an IPv6 host in brackets, as Go's JoinHostPort writes it), else undefined. */
export function inClusterServer(env: NodeJS.ProcessEnv): string | undefined {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  if (!host || !port) return undefined;
  return `https://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

function unusable(what: string, file: string, err: unknown, hint: string): SquirrlyError {
  const problem = err instanceof LocalFileError && err.problem === 'missing' ? 'does not exist' : `cannot be used: ${err instanceof Error ? err.message : String(err)}`;
  return new SquirrlyError(`in-cluster configuration: the ServiceAccount ${what} ${file} ${problem}`, { hint });
}

/**
 * The in-cluster context for `server`. The token and CA must be readable unless a flag replaces
 * them (client-go fails the same way); the namespace file is optional.
 */
export async function inClusterEntries(server: string, overrides: KubectlOverrides, env: NodeJS.ProcessEnv): Promise<InClusterEntries> {
  const tokenHint = 'mount the ServiceAccount token in the pod (automountServiceAccountToken: true), or pass --token or --kubeconfig';
  let serviceAccount: ServiceAccountIdentity | undefined;
  if (!overrides.token) {
    let token: string;
    try {
      token = (await readSmallRegularFile(TOKEN_FILE, MAX_TOKEN_BYTES)).trim();
    } catch (err) {
      throw unusable('token', TOKEN_FILE, err, tokenHint);
    }
    if (token === '') throw new SquirrlyError(`in-cluster configuration: the ServiceAccount token ${TOKEN_FILE} is empty`, { hint: tokenHint });
    serviceAccount = serviceAccountOfToken(token);
  }
  if (!overrides.certificateAuthority && overrides.insecureSkipTlsVerify !== true) {
    const caHint = 'mount the ServiceAccount CA in the pod, or pass --certificate-authority FILE';
    let pem: string;
    try {
      pem = await readSmallRegularFile(CA_FILE, MAX_CA_BYTES);
    } catch (err) {
      throw unusable('CA', CA_FILE, err, caHint);
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new SquirrlyError(`in-cluster configuration: the ServiceAccount CA ${CA_FILE} holds no PEM certificate`, { hint: caHint });
  }
  const pod = await podNamespace(env);
  return {
    cluster: { server, certificateAuthority: CA_FILE },
    user: { tokenFile: TOKEN_FILE },
    context: { cluster: IN_CLUSTER_CONTEXT, user: IN_CLUSTER_CONTEXT, ...(pod ? { namespace: pod.namespace } : {}) },
    info: {
      tokenFile: TOKEN_FILE,
      ...(pod ? { namespace: pod.namespace, namespaceSource: pod.source } : {}),
      ...(serviceAccount ? { serviceAccount } : {}),
    },
  };
}

/** client-go's order: POD_NAMESPACE (the downward API), else the ServiceAccount's namespace file. */
async function podNamespace(env: NodeJS.ProcessEnv): Promise<{ namespace: string; source: string } | undefined> {
  const fromEnv = env['POD_NAMESPACE'];
  if (fromEnv) return { namespace: validNamespace(fromEnv, 'POD_NAMESPACE'), source: 'POD_NAMESPACE' };
  let text: string;
  try {
    text = await readSmallRegularFile(NAMESPACE_FILE, MAX_NAMESPACE_BYTES);
  } catch (err) {
    if (err instanceof LocalFileError && err.problem === 'missing') return undefined;
    throw unusable('namespace file', NAMESPACE_FILE, err, 'pass --namespace NS');
  }
  const namespace = text.trim();
  return namespace === '' ? undefined : { namespace: validNamespace(namespace, NAMESPACE_FILE), source: NAMESPACE_FILE };
}

function validNamespace(value: string, where: string): string {
  if (NAMESPACE_NAME.test(value)) return value;
  throw new SquirrlyError(`in-cluster configuration: ${where} does not hold a namespace name`, { hint: 'pass --namespace NS' });
}
