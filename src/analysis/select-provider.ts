// Which analysis provider runs: flag > API_PROVIDER > (openai when OPENAI_API_KEY is set, else builtin).
import { ExitCode, SquirrlyError, UsageError } from '../errors.ts';
import { isAzureEndpoint, type OpenAIProviderOptions } from './openai.ts';

export const PROVIDER_NAMES = ['openai', 'builtin', 'none'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export interface SelectProviderOptions {
  provider?: ProviderName;
  env: NodeJS.ProcessEnv;
  model?: string;
  baseUrl?: string;
  promptFile?: string;
  redact?: boolean;
}

export interface ProviderSelection {
  /** what actually runs */
  provider: ProviderName;
  /** where the choice came from */
  source: 'flag' | 'env' | 'default';
  /** set when provider is 'openai' */
  openai?: OpenAIProviderOptions;
  /**
   * Set when openai was asked for but cannot run, so builtin runs instead. `failsRun` is true when the
   * `--provider` flag asked for it (the run then exits 3); API_PROVIDER=openai without a key falls back
   * quietly, like the old Job that skipped analysis without a key.
   */
  fallback?: { reason: SquirrlyError; failsRun: boolean };
  /** `--prompt-file` or ANALYSIS_PROMPT_FILE, whichever applies */
  promptFile?: string;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

export function selectProvider(opts: SelectProviderOptions): ProviderSelection {
  const env = opts.env;
  const envProvider = nonEmpty(env['API_PROVIDER'])?.toLowerCase();
  if (opts.provider === undefined && envProvider !== undefined && !(PROVIDER_NAMES as readonly string[]).includes(envProvider)) {
    throw new UsageError(`API_PROVIDER=${envProvider} is not a supported analysis provider`, `use one of ${PROVIDER_NAMES.join(', ')}`);
  }
  const baseUrl = nonEmpty(opts.baseUrl) ?? nonEmpty(env['OPENAI_BASE_URL']);
  const azureEndpoint = baseUrl !== undefined ? (isAzureEndpoint(baseUrl) ? baseUrl : undefined) : nonEmpty(env['AZURE_OPENAI_ENDPOINT']);
  const apiKey = nonEmpty(env['OPENAI_API_KEY']) ?? (azureEndpoint ? nonEmpty(env['AZURE_OPENAI_API_KEY']) : undefined);
  const promptFile = nonEmpty(opts.promptFile) ?? nonEmpty(env['ANALYSIS_PROMPT_FILE']);
  const common = promptFile === undefined ? {} : { promptFile };

  const source: ProviderSelection['source'] = opts.provider ? 'flag' : envProvider ? 'env' : 'default';
  const requested = (opts.provider ?? envProvider ?? (apiKey ? 'openai' : 'builtin')) as ProviderName;
  if (requested !== 'openai') return { provider: requested, source, ...common };

  // Local OpenAI-compatible servers (Ollama, vLLM, LM Studio) accept any key; the SDK just needs one.
  const localServer = baseUrl !== undefined && azureEndpoint === undefined && !/^https:\/\/api\.openai\.com(\/|$)/.test(baseUrl);
  const key = apiKey ?? (localServer ? 'unused' : undefined);
  if (key === undefined) {
    const reason = new SquirrlyError('the openai analysis provider needs an API key; running the builtin analysis instead', {
      hint: 'export OPENAI_API_KEY=… (it is read from the environment only), or point --base-url at a local OpenAI-compatible server',
      exitCode: ExitCode.analysisFailed,
    });
    return { provider: 'builtin', source, fallback: { reason, failsRun: source === 'flag' }, ...common };
  }
  const apiVersion = nonEmpty(env['OPENAI_API_VERSION']);
  const openai: OpenAIProviderOptions = {
    apiKey: key,
    ...(opts.model ? { model: opts.model } : {}),
    ...(azureEndpoint ? { azure: { endpoint: azureEndpoint, ...(apiVersion ? { apiVersion } : {}) } } : baseUrl ? { baseUrl } : {}),
    ...(opts.redact ? { redact: true } : {}),
    ...common,
  };
  return { provider: 'openai', source, openai, ...common };
}
