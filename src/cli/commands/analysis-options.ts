// The analysis flags shared by `profile`, `artifacts` and `analyze`.
import type { Argv } from 'yargs';
import { PROVIDER_NAMES, type ProviderName } from '../../analysis/select-provider.ts';
import type { AnalysisSettings } from '../../workflow/analysis-step.ts';

export function withAnalysisOptions<T>(y: Argv<T>) {
  return y
    .option('provider', { choices: PROVIDER_NAMES, describe: 'analysis: openai (any OpenAI-compatible endpoint), builtin (offline rules) or none (default API_PROVIDER, then openai when OPENAI_API_KEY is set, else builtin)' })
    .option('model', { type: 'string', describe: 'model for the openai provider (default gpt-4o-mini)' })
    .option('base-url', { type: 'string', describe: 'OpenAI-compatible endpoint, e.g. Ollama, vLLM, LM Studio or Azure OpenAI (default OPENAI_BASE_URL)' })
    .option('prompt-file', { type: 'string', describe: 'prompt template instead of the built-in one (default ANALYSIS_PROMPT_FILE)' })
    .option('redact', { type: 'boolean', default: false, describe: 'replace your package and class names with placeholders before sending, restore them in the answer' });
}

export function analysisArgs(a: Record<string, unknown>): AnalysisSettings {
  return {
    ...(typeof a.provider === 'string' ? { provider: a.provider as ProviderName } : {}),
    ...(typeof a.model === 'string' ? { model: a.model } : {}),
    ...(typeof a.baseUrl === 'string' ? { baseUrl: a.baseUrl } : {}),
    ...(typeof a.promptFile === 'string' ? { promptFile: a.promptFile } : {}),
    redact: a.redact === true,
  };
}
