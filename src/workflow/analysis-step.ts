// Use case: the analysis step shared by `profile`, `artifacts --analyze` and `analyze`. Picks the
// provider from the settings and the environment, then runs the analyze pipeline; progress goes
// out as events and the answer as a text stream, so the caller only renders.
import { selectProvider, type ProviderName } from '../analysis/select-provider.ts';
import { analyzeArtifacts, type AnalyzeFile, type AnalyzeOptions, type AnalyzeOutcome } from './analyze.ts';
import type { Emit } from './events.ts';

/** What the user chose for the analysis (flags; the environment fills the gaps). */
export interface AnalysisSettings {
  provider?: ProviderName;
  model?: string;
  baseUrl?: string;
  promptFile?: string;
  redact: boolean;
}

export interface AnalysisStepOptions {
  files: AnalyzeFile[];
  settings: AnalysisSettings;
  env: NodeJS.ProcessEnv;
  /** the per-request timeout of the run; a model gets at least a minute */
  requestTimeoutMs: number;
  /** where summaries, folded stacks and the analysis go; default: beside each input */
  outputDir?: string;
  signal?: AbortSignal;
  /** the files are NEW of a `diff`: the model is asked about the change */
  diff?: AnalyzeOptions['diff'];
}

const MIN_MODEL_TIMEOUT_MS = 60_000;

export async function runAnalysisStep(options: AnalysisStepOptions, emit: Emit, onText: (chunk: string) => void): Promise<AnalyzeOutcome> {
  const selection = selectProvider({ env: options.env, ...options.settings });
  return analyzeArtifacts({
    files: options.files,
    selection,
    openaiTuning: { timeoutMs: Math.max(options.requestTimeoutMs, MIN_MODEL_TIMEOUT_MS) },
    writeNextToFiles: true,
    ...(options.outputDir !== undefined ? { outputDir: options.outputDir } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.diff ? { diff: options.diff } : {}),
    onEvent: emit,
    onText,
  });
}
