// Flags every command takes. kubectl passes argv to plugins verbatim, so the plugin parses
// kubectl's own flags (--kubeconfig, --context, -n, --request-timeout) itself.
import type { Argv } from 'yargs';
import { UsageError } from '../errors.ts';
import { PROGRESS_STYLES, type ProgressStyle } from './render/progress.ts';

export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  output: 'text' | 'json';
  color: boolean;
  quiet: boolean;
  verbose: boolean;
  requestTimeout: string;
  progress: ProgressStyle;
}

export function withGlobalOptions<T>(y: Argv<T>) {
  return y
    .option('kubeconfig', { type: 'string', describe: 'path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config)', global: true })
    .option('context', { type: 'string', describe: 'kubeconfig context to use', global: true })
    .option('namespace', { alias: 'n', type: 'string', describe: 'namespace (default: the context\'s, then NAMESPACE, then "default")', global: true })
    .option('output', { alias: 'o', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'json: one document on stdout, progress on stderr', global: true })
    .option('color', { type: 'boolean', default: true, describe: 'colored output (--no-color or NO_COLOR turn it off)', global: true })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress output', global: true })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'more detail, including stack traces of unexpected errors', global: true })
    .option('progress', { choices: PROGRESS_STYLES, default: 'auto' as const, describe: 'progress on stderr: auto (a spinner on a terminal, else lines), plain (timestamped lines) or json (one event per line)', global: true })
    .option('request-timeout', { type: 'string', default: '30s', describe: 'timeout for each request to the cluster, e.g. 30s, 2m', global: true });
}

/** kubectl's --request-timeout syntax: a number with s/m/h (or ms), "0" meaning no timeout. */
export function parseRequestTimeout(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--request-timeout "${text}" is not a duration`, 'use a value like 30s, 2m or 0 (no timeout)');
  const n = Number(m[1]);
  const ms = n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000);
  return ms === 0 ? 2_147_483_647 : ms;
}
