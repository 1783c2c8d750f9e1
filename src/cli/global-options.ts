// Flags every command takes. kubectl passes argv to plugins verbatim, so the plugin parses
// kubectl's own flags (--kubeconfig, --context, -n, --request-timeout) itself.
import { UsageError } from '../errors.ts';
import { choiceOption, flagOption, textOption, type ArgsOf, type StringOption } from './options.ts';
import { PROGRESS_STYLES } from './render/progress-styles.ts';

const requestTimeout: StringOption<number> = {
  kind: 'string',
  value: 'DURATION',
  describe: 'timeout for each request to the cluster, e.g. 30s, 2m; 0: none (default 30s)',
  parse: (raw) => parseRequestTimeout(raw ?? '30s'),
};

export const GLOBAL_OPTIONS = {
  kubeconfig: textOption({ value: 'FILE', describe: 'path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config)' }),
  context: textOption({ value: 'NAME', describe: 'kubeconfig context to use' }),
  namespace: textOption({ short: 'n', value: 'NAME', describe: 'namespace (default: the context\'s, then NAMESPACE, then "default")' }),
  output: choiceOption(['text', 'json'], { short: 'o', value: 'FORMAT', default: 'text', describe: 'text, or json: one document on stdout, progress on stderr' }),
  progress: choiceOption(PROGRESS_STYLES, { value: 'STYLE', default: 'auto', describe: 'progress on stderr: auto (a spinner on a terminal, else lines), plain (timestamped lines) or json (one event per line)' }),
  color: flagOption({ default: true, negatable: true, describe: 'no colors (NO_COLOR does the same)' }),
  quiet: flagOption({ short: 'q', default: false, describe: 'no progress output' }),
  verbose: flagOption({ short: 'v', default: false, describe: 'more detail, including stack traces of unexpected errors' }),
  requestTimeout,
  help: flagOption({ short: 'h', default: false, describe: 'show help' }),
};

export type GlobalOptions = ArgsOf<typeof GLOBAL_OPTIONS>;

/** kubectl's --request-timeout syntax: a number with s/m/h (or ms), "0" meaning no timeout. */
export function parseRequestTimeout(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--request-timeout "${text}" is not a duration`, 'use a value like 30s, 2m or 0 (no timeout)');
  const n = Number(m[1]);
  const ms = n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000);
  return ms === 0 ? 2_147_483_647 : ms;
}
