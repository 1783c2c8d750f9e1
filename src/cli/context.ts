// What every command gets: output streams, colors, the interrupt signal, progress rendering and a
// lazily loaded cluster connection.
import type { ChalkInstance } from 'chalk';
import type { Cluster } from '../kube/cluster.ts';
import type { GlobalOptions } from './global-options.ts';
import type { ProgressRenderer } from './render/progress.ts';

export interface CommandContext {
  options: GlobalOptions;
  env: NodeJS.ProcessEnv;
  chalk: ChalkInstance;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  requestTimeoutMs: number;
  /** aborted by the first Ctrl-C; the second one ends the process */
  signal: AbortSignal;
  connect(): Promise<Cluster>;
  /** the progress renderer on stderr that the flags ask for */
  progress(): Promise<ProgressRenderer>;
}

export async function createContext(options: GlobalOptions, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<CommandContext> {
  const { Chalk } = await import('chalk');
  const colorOn = options.color && !env.NO_COLOR && process.stderr.isTTY === true;
  const chalk = new Chalk({ level: colorOn ? 1 : 0 });
  const requestTimeoutMs = options.requestTimeout;
  return {
    options,
    env,
    chalk,
    stdout: process.stdout,
    stderr: process.stderr,
    requestTimeoutMs,
    signal,
    async connect() {
      const { connectCluster } = await import('../kube/kube-cluster.ts');
      return connectCluster({
        env,
        timeoutMs: requestTimeoutMs,
        ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
        ...(options.context ? { context: options.context } : {}),
        ...(options.namespace ? { namespace: options.namespace } : {}),
      });
    },
    async progress() {
      const { createProgress } = await import('./render/progress.ts');
      return createProgress({ stream: process.stderr, style: options.progress, quiet: options.quiet, verbose: options.verbose, chalk });
    },
  };
}
