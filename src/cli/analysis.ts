// Runs the analysis step for a command and renders it: notes on stderr through the progress
// renderer, the answer on stdout in text mode, and the JSON view for -o json.
import { ExitCode, InterruptedError, SquirrlyError } from '../errors.ts';
import type { AnalyzeFile, AnalyzeOutcome } from '../workflow/analyze.ts';
import type { AnalysisSettings, AnalysisStepOptions } from '../workflow/analysis-step.ts';
import type { CommandContext } from './context.ts';
import { analysisJson, analysisText, type AnalysisJson } from './render/analysis.ts';
import type { MarkdownStream } from './render/markdown.ts';
import type { ProgressRenderer } from './render/progress.ts';

export interface AnalyseOptions {
  progress?: ProgressRenderer;
  outputDir?: string;
  diff?: AnalysisStepOptions['diff'];
  /**
   * Set when the inputs are artifacts this command just saved: how to get back to them. Any
   * failure of the analysis then exits 3 (the artifacts stand), and an interrupt carries this hint.
   */
  artifactsHint?: string;
}

export async function analyse(ctx: CommandContext, files: AnalyzeFile[], settings: AnalysisSettings, options: AnalyseOptions = {}): Promise<{ outcome: AnalyzeOutcome; json: AnalysisJson }> {
  if (options.artifactsHint === undefined) return analyseFiles(ctx, files, settings, options);
  const hint = options.artifactsHint;
  try {
    return await analyseFiles(ctx, files, settings, options);
  } catch (err) {
    if (err instanceof InterruptedError || ctx.signal.aborted) {
      throw new InterruptedError(`${err instanceof InterruptedError ? err.message : 'analysis interrupted'}; the flame graphs are saved`, hint);
    }
    const failure = err instanceof SquirrlyError ? err : undefined;
    throw new SquirrlyError(`the flame graphs are saved, but the analysis failed: ${err instanceof Error ? err.message : String(err)}`, {
      hint: failure?.hint ?? hint,
      exitCode: ExitCode.analysisFailed,
      cause: err,
    });
  }
}

async function analyseFiles(ctx: CommandContext, files: AnalyzeFile[], settings: AnalysisSettings, options: AnalyseOptions): Promise<{ outcome: AnalyzeOutcome; json: AnalysisJson }> {
  const { runAnalysisStep } = await import('../workflow/analysis-step.ts');
  ctx.secrets.addUrls([settings.baseUrl]);
  const notes = options.progress ?? (await ctx.progress());
  const text = ctx.options.output === 'text';
  const answer = analysisText(ctx.stdout, ctx.chalk, text, text && ctx.stdout.isTTY ? await terminalMarkdown(ctx) : undefined);
  let outcome: AnalyzeOutcome;
  try {
    outcome = await runAnalysisStep(
    { files, settings, env: ctx.env, requestTimeoutMs: ctx.requestTimeoutMs, signal: ctx.signal, ...(options.outputDir !== undefined ? { outputDir: options.outputDir } : {}), ...(options.diff ? { diff: options.diff } : {}) },
    (event) => {
      notes.emit(event);
      answer.emit(event);
    },
    (chunk) => answer.text(chunk),
    );
  } finally {
    // what arrived is shown, an interrupted answer too
    answer.end();
  }
  return { outcome, json: analysisJson(outcome) };
}

/** Markdown drawn for this terminal: its width, colour when the command has colour. */
async function terminalMarkdown(ctx: CommandContext): Promise<MarkdownStream> {
  const { markdownRenderer, MarkdownStream } = await import('./render/markdown.ts');
  return new MarkdownStream(await markdownRenderer({ width: ctx.stdout.columns || 100, chalk: ctx.chalk }));
}
