// Flags every command takes. kubectl passes argv to plugins verbatim, so the plugin parses
// kubectl's own global flags (`kubectl options`) itself: those that choose the cluster, the user
// and the credentials are honoured; those that only mean something to kubectl (its cache, its
// logging, its profiling) are accepted and ignored, so a habit or an alias never breaks a command.
import { UsageError } from '../errors.ts';
import { goDurationMs } from './go-duration.ts';
import { choiceOption, flagOption, repeatedOption, textOption, type ArgsOf, type StringOption } from './options.ts';
import { PROGRESS_STYLES } from './render/progress-styles.ts';

/** setTimeout's limit: a longer delay fires at once, so "no timeout" and huge values stop here. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

const requestTimeout: StringOption<number> = {
  kind: 'string',
  value: 'DURATION',
  describe: 'timeout for each request to the cluster: 30s, 1m30s, 500ms, or whole seconds; 0: none (default 30s)',
  parse: (raw) => parseRequestTimeout(raw ?? '30s'),
};

const verbosity: StringOption<number | undefined> = {
  kind: 'string',
  value: 'LEVEL',
  describe: 'kubectl\'s log level (-v 6, --v=6): any level above 0 gives more detail, like --verbose',
  parse(raw, _env, flag) {
    if (raw === undefined) return undefined;
    if (!/^\d{1,9}$/.test(raw.trim())) throw new UsageError(`${flag} must be a whole number (a log level), got ${JSON.stringify(raw)}`, 'e.g. -v 6');
    return Number(raw.trim());
  },
};

const text = (value: string, describe: string, short?: string): StringOption<string | undefined> =>
  textOption({ value, describe, ...(short ? { short } : {}) });
const ignoredText = (describe: string): StringOption<string | undefined> => textOption({ value: 'VALUE', describe, hidden: true });
const ignoredFlag = (describe: string) => flagOption({ default: false, describe, hidden: true });

export const GLOBAL_OPTIONS = {
  kubeconfig: text('FILE', 'path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config)'),
  context: text('NAME', 'kubeconfig context to use'),
  namespace: text('NAME', 'namespace (default: the context\'s, then NAMESPACE, then "default")', 'n'),
  cluster: text('NAME', 'kubeconfig cluster to use instead of the context\'s'),
  user: text('NAME', 'kubeconfig user to use instead of the context\'s'),
  server: text('URL', 'address of the API server, replacing the cluster\'s', 's'),
  tlsServerName: text('NAME', 'server name to check the API server\'s certificate against'),
  certificateAuthority: text('FILE', 'CA certificate file for the API server'),
  insecureSkipTlsVerify: flagOption({ default: false, describe: 'do not check the API server\'s certificate (insecure)' }),
  token: text('TOKEN', 'bearer token for the API server'),
  clientCertificate: text('FILE', 'client certificate file for TLS'),
  clientKey: text('FILE', 'client key file for TLS'),
  username: text('NAME', 'user name for basic authentication'),
  password: text('PASSWORD', 'password for basic authentication'),
  as: text('USER', 'user to impersonate'),
  asGroup: repeatedOption({ value: 'GROUP', describe: 'group to impersonate (repeatable; needs --as or the kubeconfig\'s as)' }),
  asUid: text('UID', 'UID to impersonate'),
  output: choiceOption(['text', 'json'], { short: 'o', value: 'FORMAT', default: 'text', describe: 'text, or json: one document on stdout, progress on stderr' }),
  progress: choiceOption(PROGRESS_STYLES, { value: 'STYLE', default: 'auto', describe: 'progress on stderr: auto (a spinner on a terminal, else lines), plain (timestamped lines) or json (one event per line)' }),
  color: flagOption({ default: true, negatable: true, describe: 'no colors (NO_COLOR does the same)' }),
  quiet: flagOption({ short: 'q', default: false, describe: 'no progress output' }),
  verbose: flagOption({ short: 'v', default: false, describe: 'more detail, including stack traces of unexpected errors' }),
  v: verbosity,
  requestTimeout,
  help: flagOption({ short: 'h', default: false, describe: 'show help' }),
  // kubectl's own, meaningless for the plugin
  cacheDir: ignoredText('kubectl\'s discovery cache folder'),
  disableCompression: ignoredFlag('kubectl: no response compression'),
  matchServerVersion: ignoredFlag('kubectl: require the server version to match'),
  warningsAsErrors: ignoredFlag('kubectl: treat warnings as errors'),
  logFlushFrequency: ignoredText('kubectl: log flush interval'),
  profile: ignoredText('kubectl: profile kubectl itself'),
  profileOutput: ignoredText('kubectl: where kubectl writes its own profile'),
  vmodule: ignoredText('kubectl: per-file log levels'),
};

export type GlobalOptions = ArgsOf<typeof GLOBAL_OPTIONS>;

/**
 * kubectl's --request-timeout: a whole number is seconds, anything else is a Go duration
 * ("1m30s", "1h2m3.5s", "500ms"); 0 means no timeout. The result is clamped to what a timer can wait.
 */
export function parseRequestTimeout(text: string): number {
  const value = text.trim();
  const bad = (): UsageError =>
    new UsageError(`--request-timeout "${text}" is not a duration`, 'use whole seconds or a duration like 30s, 1m30s or 500ms; 0 means no timeout');
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : goDurationMs(value);
  if (ms === undefined || !Number.isFinite(ms)) throw bad();
  if (ms === 0) return MAX_TIMEOUT_MS;
  // below a millisecond would be no time at all; above the timer's limit is "as long as it takes"
  return Math.min(MAX_TIMEOUT_MS, Math.max(1, Math.round(ms)));
}

/**
 * kubectl's spellings that Node's parser does not know: `-v 6`, `-v=6` and `-v6` are the log level
 * (`-v` alone stays --verbose). Everything after `--` is left alone.
 */
export function normalizeKubectlArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const attached = /^-v=?(\d+)$/.exec(word);
    if (attached) out.push(`--v=${attached[1]}`);
    else if (word === '-v' && /^\d+$/.test(argv[i + 1] ?? '')) out.push(`--v=${argv[++i]}`);
    else out.push(word);
  }
  return out;
}
