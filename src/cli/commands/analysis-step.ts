// The analysis step shared by `profile`, `artifacts --analyze` and `analyze`: pick the provider,
// stream its answer to stdout (text mode), report what was written, and say when it failed.
import type { Argv } from 'yargs';
import { PROVIDER_NAMES, selectProvider, type ProviderName } from '../../analysis/select-provider.ts';
import type { Finding } from '../../analysis/provider.ts';
import { analyzeArtifacts, type AnalyzeFile, type AnalyzeOutcome } from '../../workflow/analyze.ts';
import type { CommandContext } from '../context.ts';

export interface AnalysisArgs {
  provider?: ProviderName;
  model?: string;
  baseUrl?: string;
  promptFile?: string;
  redact: boolean;
}

export function withAnalysisOptions<T>(y: Argv<T>) {
  return y
    .option('provider', { choices: PROVIDER_NAMES, describe: 'analysis: openai (any OpenAI-compatible endpoint), builtin (offline rules) or none (default API_PROVIDER, then openai when OPENAI_API_KEY is set, else builtin)' })
    .option('model', { type: 'string', describe: 'model for the openai provider (default gpt-4o-mini)' })
    .option('base-url', { type: 'string', describe: 'OpenAI-compatible endpoint, e.g. Ollama, vLLM, LM Studio or Azure OpenAI (default OPENAI_BASE_URL)' })
    .option('prompt-file', { type: 'string', describe: 'prompt template instead of the built-in one (default ANALYSIS_PROMPT_FILE)' })
    .option('redact', { type: 'boolean', default: false, describe: 'replace your package and class names with placeholders before sending, restore them in the answer' });
}

export function analysisArgs(a: Record<string, unknown>): AnalysisArgs {
  return {
    ...(typeof a.provider === 'string' ? { provider: a.provider as ProviderName } : {}),
    ...(typeof a.model === 'string' ? { model: a.model } : {}),
    ...(typeof a.baseUrl === 'string' ? { baseUrl: a.baseUrl } : {}),
    ...(typeof a.promptFile === 'string' ? { promptFile: a.promptFile } : {}),
    redact: a.redact === true,
  };
}

/** JSON view of an analysis, for `-o json`. */
export interface AnalysisJson {
  provider: string;
  model: string | null;
  file: string | null;
  failed: boolean;
  partial: boolean;
  error: string | null;
  requestTokens: number | null;
  findings: Finding[];
  summaries: string[];
  collapsed: string[];
}

export async function runAnalysisStep(ctx: CommandContext, files: AnalyzeFile[], args: AnalysisArgs, signal?: AbortSignal): Promise<{ outcome: AnalyzeOutcome; json: AnalysisJson }> {
  const { chalk, stderr, stdout } = ctx;
  const text = ctx.options.output === 'text';
  const selection = selectProvider({ env: ctx.env, ...args });
  let streamed = false;
  const note = (line: string): void => {
    if (!ctx.options.quiet) stderr.write(line + '\n');
  };
  const outcome = await analyzeArtifacts({
    files,
    selection,
    openaiTuning: { timeoutMs: Math.max(ctx.requestTimeoutMs, 60_000) },
    writeNextToFiles: true,
    ...(signal ? { signal } : {}),
    onEvent: (event) => {
      switch (event.type) {
        case 'provider':
          if (text) stdout.write(`\n${chalk.bold(`Analysis (${event.provider}${event.model ? `, ${event.model}` : ''})`)}\n\n`);
          break;
        case 'warning':
          note(`${chalk.yellow('warning:')} ${event.message}${event.hint ? `\n${chalk.yellow('hint:')} ${event.hint}` : ''}`);
          break;
        case 'analysis-failed':
          note(`${chalk.red('error:')} ${event.message}${event.hint ? `\n${chalk.yellow('hint:')} ${event.hint}` : ''}`);
          break;
        case 'request':
          if (ctx.options.verbose) note(chalk.dim(`request: ${event.tokens} tokens (budget ${event.budget})`));
          break;
        default:
          break;
      }
    },
    onText: (chunk) => {
      if (!text) return;
      streamed = true;
      stdout.write(chunk);
    },
  });
  if (text && streamed) stdout.write('\n');
  if (text && outcome.written.analysis) stdout.write(`\n${chalk.dim(`analysis saved to ${outcome.written.analysis}`)}\n`);
  return {
    outcome,
    json: {
      provider: outcome.provider,
      model: outcome.result?.model ?? null,
      file: outcome.written.analysis ?? null,
      failed: outcome.analysisFailed,
      partial: outcome.result?.partial ?? false,
      error: outcome.error?.message ?? null,
      requestTokens: outcome.result?.requestTokens ?? null,
      findings: outcome.findings,
      summaries: outcome.written.summaries,
      collapsed: outcome.written.collapsed,
    },
  };
}
