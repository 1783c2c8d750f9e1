// Kubeconfig loading with kubectl's rules, not client-node's: KUBECONFIG lists merge with the
// first file winning per key (and for current-context), missing files are ignored, and
// --kubeconfig names one explicit file. client-node throws on duplicates and on missing files.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SquirrlyError, UsageError } from '../errors.ts';
import type { Cluster, Context, KubeConfig, User } from './client-node.ts';

export interface KubeconfigOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  env: NodeJS.ProcessEnv;
}

export interface LoadedKubeconfig {
  kc: KubeConfig;
  contextName: string;
  namespace: string;
  server: string;
  /** the files that were read, for messages */
  files: string[];
}

/** Which files kubectl would read, in precedence order. Pure, so it is tested without I/O. */
export function kubeconfigPaths(opts: { kubeconfig?: string; env: NodeJS.ProcessEnv; home?: string }): {
  paths: string[];
  explicit: boolean;
} {
  if (opts.kubeconfig) return { paths: [opts.kubeconfig], explicit: true };
  const list = opts.env.KUBECONFIG;
  if (list) return { paths: list.split(path.delimiter).filter((p) => p !== ''), explicit: false };
  return { paths: [path.join(opts.home ?? os.homedir(), '.kube', 'config')], explicit: false };
}

export async function loadKubeconfig(opts: KubeconfigOptions): Promise<LoadedKubeconfig> {
  const { KubeConfig } = await import('./client-node.ts');
  const { paths, explicit } = kubeconfigPaths(opts);
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext = '';
  const files: string[] = [];

  for (const file of paths) {
    if (!existsSync(file)) {
      if (explicit) {
        throw new UsageError(`kubeconfig file ${file} does not exist`, 'pass an existing file to --kubeconfig, or drop the flag to use KUBECONFIG / ~/.kube/config');
      }
      continue;
    }
    const one = new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (err) {
      throw new SquirrlyError(`kubeconfig file ${file} is not valid: ${firstLine(err)}`, {
        hint: `check it with: kubectl config view --kubeconfig ${file}`,
      });
    }
    files.push(file);
    for (const c of one.clusters) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of one.users) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of one.contexts) if (!contexts.has(c.name)) contexts.set(c.name, c);
    if (!currentContext && one.currentContext) currentContext = one.currentContext;
  }

  if (files.length === 0) {
    throw new SquirrlyError(`no kubeconfig found (looked in ${paths.join(', ')})`, {
      hint: 'set KUBECONFIG or pass --kubeconfig FILE',
    });
  }

  const contextName = opts.context ?? currentContext;
  if (!contextName) {
    throw new UsageError('the kubeconfig has no current context', 'pass --context NAME (see: kubectl config get-contexts)');
  }
  const context = contexts.get(contextName);
  if (!context) {
    const known = [...contexts.keys()];
    throw new UsageError(
      `context "${contextName}" does not exist in the kubeconfig`,
      known.length ? `known contexts: ${known.join(', ')}` : 'the kubeconfig defines no contexts',
    );
  }
  const cluster = clusters.get(context.cluster);
  if (!cluster) {
    throw new SquirrlyError(`context "${contextName}" refers to cluster "${context.cluster}", which the kubeconfig does not define`, {
      hint: 'fix the kubeconfig (kubectl config view) or choose another --context',
    });
  }

  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext: contextName,
  });
  // kubectl's order, with the old Job's NAMESPACE variable just below the flag.
  const namespace = opts.namespace || opts.env.NAMESPACE || context.namespace || 'default';
  return { kc, contextName, namespace, server: cluster.server, files };
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? text;
}
