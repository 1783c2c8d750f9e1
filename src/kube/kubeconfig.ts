// Kubeconfig loading with kubectl's rules, not client-node's: KUBECONFIG lists merge with the
// first file winning per key (and for current-context); missing and empty files are ignored while
// an unreadable or undecodable one is an error naming it (client-go's loader); --kubeconfig names
// one explicit file; only the context in use must be complete. kubectl's flags then override the
// merged result (kubectl-overrides.ts), and the user's credentials get their source. With no file
// found inside a pod, the in-cluster configuration stands in as one more context (in-cluster.ts).
import os from 'node:os';
import path from 'node:path';
import { SquirrlyError, UsageError } from '../errors.ts';
import type { Cluster, User } from './client-node.ts';
import { chooseCredentials, type CredentialSource, type CredentialSummary } from './credentials.ts';
import type { ExecClusterInfo, HelperTerminal } from './exec-credential.ts';
import { impersonationHeaders } from './impersonation.ts';
import { IN_CLUSTER_CONTEXT, inClusterEntries, inClusterServer, type InClusterInfo } from './in-cluster.ts';
import { kubeconfigEntries, type AuthInfoEntry, type ClusterEntry, type ContextEntry, type KubeconfigFile } from './kubeconfig-entries.ts';
import { overrideAuthInfo, overrideCluster, overrideContext, type KubectlOverrides } from './kubectl-overrides.ts';
import { LocalFileError, readSmallRegularFile } from './local-file.ts';
import type { RequestKubeConfig } from './request-kubeconfig.ts';

/** A kubeconfig is text of a few KiB; a bigger "kubeconfig" is a wrong path (or /dev/zero). */
export const MAX_KUBECONFIG_BYTES = 4 * 1024 * 1024;

export interface KubeconfigOptions {
  kubeconfig?: string;
  /** kept beside `overrides` for callers that only pick a context and namespace */
  context?: string;
  namespace?: string;
  /** kubectl's global flags */
  overrides?: KubectlOverrides;
  /** what an exec credential helper may use of the terminal (default: its stderr only) */
  terminal?: HelperTerminal;
  env: NodeJS.ProcessEnv;
}

export interface LoadedKubeconfig {
  kc: RequestKubeConfig;
  contextName: string;
  namespace: string;
  server: string;
  /** the files that were read, for messages */
  files: string[];
  credentials: CredentialSource;
  /** where the credentials come from, for doctor; never the secret */
  credentialSummary: CredentialSummary;
  /** set when no kubeconfig was found and the pod's ServiceAccount is used */
  inCluster?: InClusterInfo;
}

/** Which files kubectl would read, in precedence order. Pure, so it is tested without I/O. */
export function kubeconfigPaths(opts: { kubeconfig?: string; env: NodeJS.ProcessEnv; home?: string }): {
  paths: string[];
  explicit: boolean;
} {
  if (opts.kubeconfig) return { paths: [opts.kubeconfig], explicit: true };
  const list = opts.env.KUBECONFIG;
  if (list) return { paths: [...new Set(list.split(path.delimiter).filter((p) => p !== ''))], explicit: false };
  return { paths: [path.join(opts.home ?? os.homedir(), '.kube', 'config')], explicit: false };
}

/** One file, or undefined when it does not exist and may be skipped. */
async function readKubeconfigFile(file: string, explicit: boolean): Promise<KubeconfigFile | undefined> {
  let text: string;
  try {
    text = await readSmallRegularFile(file, MAX_KUBECONFIG_BYTES);
  } catch (err) {
    if (err instanceof LocalFileError && err.problem === 'missing') {
      if (!explicit) return undefined;
      throw new UsageError(`kubeconfig file ${file} does not exist`, 'pass an existing file to --kubeconfig, or drop the flag to use KUBECONFIG / ~/.kube/config');
    }
    throw new SquirrlyError(`kubeconfig file ${file} cannot be used: ${err instanceof Error ? err.message : String(err)}`, {
      hint: explicit ? 'pass a kubeconfig file to --kubeconfig' : 'remove it from KUBECONFIG, or replace it with a kubeconfig file',
    });
  }
  const { loadYaml } = await import('./client-node.ts');
  let document: unknown;
  try {
    document = text.trim() === '' ? null : loadYaml<unknown>(text);
  } catch (err) {
    throw invalid(file, firstLine(err));
  }
  if (document !== null && document !== undefined && (typeof document !== 'object' || Array.isArray(document))) throw invalid(file, 'not a kubeconfig (no clusters, users or contexts)');
  return kubeconfigEntries(document, file);
}

function invalid(file: string, why: string): SquirrlyError {
  return new SquirrlyError(`kubeconfig file ${file} is not valid: ${why}`, { hint: `check it with: kubectl config view --kubeconfig ${file}` });
}

export async function loadKubeconfig(opts: KubeconfigOptions): Promise<LoadedKubeconfig> {
  const overrides: KubectlOverrides = {
    ...opts.overrides,
    ...(opts.context ? { context: opts.context } : {}),
    ...(opts.namespace ? { namespace: opts.namespace } : {}),
  };
  const { paths, explicit } = kubeconfigPaths(opts);
  const clusters = new Map<string, ClusterEntry>();
  const users = new Map<string, AuthInfoEntry>();
  const contexts = new Map<string, ContextEntry>();
  let currentContext = '';
  const files: string[] = [];

  for (const file of paths) {
    const one = await readKubeconfigFile(file, explicit);
    if (!one) continue;
    files.push(file);
    for (const [name, c] of one.clusters) if (!clusters.has(name)) clusters.set(name, c);
    for (const [name, u] of one.users) if (!users.has(name)) users.set(name, u);
    for (const [name, c] of one.contexts) if (!contexts.has(name)) contexts.set(name, c);
    if (!currentContext && one.currentContext) currentContext = one.currentContext;
  }

  // client-go's deferred loading: no kubeconfig file at all, inside a pod -> the in-cluster configuration
  let inCluster: InClusterInfo | undefined;
  const inClusterUrl = files.length === 0 ? inClusterServer(opts.env) : undefined;
  if (inClusterUrl !== undefined) {
    const entries = await inClusterEntries(inClusterUrl, overrides, opts.env);
    clusters.set(IN_CLUSTER_CONTEXT, entries.cluster);
    users.set(IN_CLUSTER_CONTEXT, entries.user);
    contexts.set(IN_CLUSTER_CONTEXT, entries.context);
    currentContext = IN_CLUSTER_CONTEXT;
    inCluster = entries.info;
  } else if (files.length === 0 && !overrides.server) {
    throw new SquirrlyError(`no kubeconfig found (looked in ${paths.join(', ')})`, {
      hint: 'set KUBECONFIG or pass --kubeconfig FILE (inside a pod, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT select the ServiceAccount)',
    });
  }

  // --server alone (with --token or a certificate) needs no context, as with kubectl
  const contextName = overrides.context || currentContext;
  let contextEntry: ContextEntry = {};
  if (contextName) {
    const found = contexts.get(contextName);
    if (!found) {
      const known = [...contexts.keys()];
      throw new UsageError(
        `context "${contextName}" does not exist in the kubeconfig`,
        known.length ? `known contexts: ${known.join(', ')}` : 'the kubeconfig defines no contexts',
      );
    }
    contextEntry = found;
  } else if (!overrides.server) {
    throw new UsageError('the kubeconfig has no current context', 'pass --context NAME (see: kubectl config get-contexts)');
  }
  const context = overrideContext(contextEntry, overrides);

  const clusterName = context.cluster ?? '';
  const clusterEntry = clusters.get(clusterName);
  if (overrides.cluster && !clusterEntry) {
    throw new UsageError(`cluster "${overrides.cluster}" does not exist in the kubeconfig`, `known clusters: ${[...clusters.keys()].join(', ') || 'none'}`);
  }
  const cluster = overrideCluster(clusterEntry ?? {}, overrides);
  if (!cluster.server) {
    throw new SquirrlyError(
      clusterEntry
        ? `cluster "${clusterName}" of context "${contextName}" has no server`
        : `context "${contextName}" refers to cluster "${clusterName}", which the kubeconfig does not define`,
      { hint: 'fix the kubeconfig (kubectl config view), choose another --context, or pass --server' },
    );
  }

  const userName = context.user ?? '';
  const userEntry = users.get(userName);
  if (overrides.user && !userEntry) {
    throw new UsageError(`auth info "${overrides.user}" does not exist`, `known users: ${[...users.keys()].join(', ') || 'none'}`);
  }
  // a context whose user is not defined is not an error for kubectl: it connects without credentials
  const user = overrideAuthInfo(userEntry ?? {}, overrides);
  validateExec(user, userName);

  const server = cluster.server.replace(/\/+$/, '');
  const clientCluster: Cluster = {
    name: clusterName || 'cluster',
    server,
    skipTLSVerify: cluster.insecureSkipTlsVerify === true,
    ...(cluster.certificateAuthorityData ? { caData: cluster.certificateAuthorityData } : {}),
    ...(cluster.certificateAuthority ? { caFile: cluster.certificateAuthority } : {}),
    ...(cluster.tlsServerName ? { tlsServerName: cluster.tlsServerName } : {}),
    ...(cluster.proxyUrl ? { proxyUrl: cluster.proxyUrl } : {}),
  };
  const clientUser: User = {
    name: userName || 'user',
    ...(user.clientCertificateData ? { certData: user.clientCertificateData } : {}),
    ...(user.clientCertificate ? { certFile: user.clientCertificate } : {}),
    ...(user.clientKeyData ? { keyData: user.clientKeyData } : {}),
    ...(user.clientKey ? { keyFile: user.clientKey } : {}),
    ...(user.username ? { username: user.username } : {}),
    ...(user.password ? { password: user.password } : {}),
    ...(user.authProvider ? { authProvider: user.authProvider } : {}),
  };
  const choice = chooseCredentials({
    user,
    userName,
    missingUser: userName !== '' && !userEntry,
    cluster: user.exec?.provideClusterInfo ? await execClusterInfo(cluster, cluster.server) : { server: cluster.server },
    terminal: opts.terminal ?? { stdinIsTerminal: false, stderr: 'inherit' },
    env: opts.env,
    inCluster: inCluster !== undefined && userName === IN_CLUSTER_CONTEXT,
  });
  // kubectl's order, with the old Job's NAMESPACE variable just below the flag.
  const namespace = overrides.namespace || opts.env.NAMESPACE || context.namespace || 'default';
  const { RequestKubeConfig } = await import('./request-kubeconfig.ts');
  const kc = new RequestKubeConfig({
    cluster: clientCluster,
    user: clientUser,
    contextName: contextName || 'flags',
    namespace,
    credentials: choice.source,
    impersonation: impersonationHeaders(choice.summary.impersonation),
  });
  return {
    kc,
    contextName: contextName || '(flags)',
    namespace,
    server,
    files,
    credentials: choice.source,
    credentialSummary: choice.summary,
    // a --token replaces the ServiceAccount's: then the token's claims say nothing about who connects
    ...(inCluster ? { inCluster: choice.summary.source === 'tokenFile' ? inCluster : withoutToken(inCluster) } : {}),
  };
}

function withoutToken(info: InClusterInfo): InClusterInfo {
  const { serviceAccount: _account, tokenFile: _file, ...rest } = info;
  return rest;
}

/** client-go's validation of the exec section, for the user in use only. */
function validateExec(user: AuthInfoEntry, userName: string): void {
  if (!user.exec) return;
  const hint = 'fix users[].user.exec in the kubeconfig';
  if (!user.exec.command) throw new SquirrlyError(`command must be specified for ${userName} to use exec authentication plugin`, { hint });
  if (!user.exec.apiVersion) throw new SquirrlyError(`apiVersion must be specified for ${userName} to use exec authentication plugin`, { hint });
  if (user.exec.env.some((e) => !e.name)) throw new SquirrlyError(`env variable name must be specified for ${userName} to use exec authentication plugin`, { hint });
  if (user.authProvider) throw new SquirrlyError(`authProvider cannot be provided in combination with an exec plugin for ${userName}`, { hint });
}

/** The cluster as client-go hands it to a helper with provideClusterInfo: the CA as data even when the kubeconfig names a file. */
async function execClusterInfo(cluster: ClusterEntry, server: string): Promise<ExecClusterInfo> {
  let caData = cluster.certificateAuthorityData ? Buffer.from(cluster.certificateAuthorityData, 'base64').toString('base64') : undefined;
  if (!caData && cluster.certificateAuthority) {
    try {
      caData = Buffer.from(await readSmallRegularFile(cluster.certificateAuthority, MAX_KUBECONFIG_BYTES)).toString('base64');
    } catch (err) {
      throw new SquirrlyError(`failed to load CA bundle for execProvider: ${err instanceof Error ? err.message : String(err)}`, {
        hint: 'fix clusters[].cluster.certificate-authority in the kubeconfig, or --certificate-authority',
      });
    }
  }
  return {
    server,
    ...(cluster.tlsServerName ? { tlsServerName: cluster.tlsServerName } : {}),
    ...(cluster.insecureSkipTlsVerify ? { insecureSkipTlsVerify: true } : {}),
    ...(caData ? { certificateAuthorityData: caData } : {}),
    ...(cluster.proxyUrl ? { proxyUrl: cluster.proxyUrl } : {}),
    ...(cluster.disableCompression ? { disableCompression: true } : {}),
    ...(cluster.execExtension !== undefined ? { config: cluster.execExtension } : {}),
  };
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? text;
}
