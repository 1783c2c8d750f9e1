// What every command gets: output streams, colors, the interrupt signal, progress rendering and a
// lazily loaded cluster connection.
import path from 'node:path';
import type { ChalkInstance } from 'chalk';
import type { Cluster } from '../kube/cluster.ts';
import type { KubectlOverrides } from '../kube/kubectl-overrides.ts';
import type { GlobalOptions } from './global-options.ts';
import type { ProgressRenderer } from './render/progress.ts';
import { terminalSink, type TextSink } from './render/terminal-sink.ts';
import { SecretScrubber } from '../text/secrets.ts';

export interface CommandContext {
  options: GlobalOptions;
  env: NodeJS.ProcessEnv;
  chalk: ChalkInstance;
  /** stdout and stderr through the terminal sink: only the plugin's own colours pass raw */
  stdout: TextSink;
  stderr: TextSink;
  /** blanked in everything printed; the analysis adds the credentials of --base-url */
  secrets: SecretScrubber;
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
  const verbose = options.verbose || (options.v ?? 0) > 0;
  let renderer: ProgressRenderer | undefined;
  // the API keys of the model endpoints and the credentials given on the command line
  const secrets = SecretScrubber.fromEnv(env).add([options.token, options.password]);
  return {
    options,
    env,
    chalk,
    stdout: terminalSink(process.stdout, { colour: colorOn, secrets }),
    stderr: terminalSink(process.stderr, { colour: colorOn, secrets }),
    secrets,
    requestTimeoutMs,
    signal,
    async connect() {
      const { connectCluster } = await import('../kube/kube-cluster.ts');
      return connectCluster({
        env,
        timeoutMs: requestTimeoutMs,
        signal,
        ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
        overrides: kubectlOverrides(options),
        terminal: {
          stdinIsTerminal: process.stdin.isTTY === true,
          stderr: 'inherit',
          // a credential helper may prompt on the terminal: no spinner over its words
          pause: () => renderer?.pause?.(),
          resume: () => renderer?.resume?.(),
        },
      });
    },
    async progress() {
      const { createProgress } = await import('./render/progress.ts');
      renderer = await createProgress({ stream: process.stderr, style: options.progress, quiet: options.quiet, verbose, chalk, secrets });
      return renderer;
    },
  };
}

/** kubectl's flags that choose the cluster, the user and the credentials, as given. */
export function kubectlOverrides(options: GlobalOptions): KubectlOverrides {
  const given = {
    context: options.context,
    namespace: options.namespace,
    cluster: options.cluster,
    user: options.user,
    server: options.server,
    tlsServerName: options.tlsServerName,
    certificateAuthority: options.certificateAuthority && path.resolve(options.certificateAuthority),
    insecureSkipTlsVerify: options.insecureSkipTlsVerify || undefined,
    token: options.token,
    clientCertificate: options.clientCertificate && path.resolve(options.clientCertificate),
    clientKey: options.clientKey && path.resolve(options.clientKey),
    username: options.username,
    password: options.password,
    as: options.as,
    asUid: options.asUid,
    asGroups: options.asGroup.length > 0 ? options.asGroup : undefined,
  };
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined && v !== '')) as KubectlOverrides;
}
