// Runs the analysis step for a command and renders it: notes on stderr through the progress
// renderer, the answer on stdout in text mode, and the JSON view for -o json.
import type { AnalyzeFile, AnalyzeOutcome } from '../workflow/analyze.ts';
import type { AnalysisSettings, AnalysisStepOptions } from '../workflow/analysis-step.ts';
import type { CommandContext } from './context.ts';
import { analysisJson, analysisText, type AnalysisJson } from './render/analysis.ts';
import type { ProgressRenderer } from './render/progress.ts';

export async function analyse(ctx: CommandContext, files: AnalyzeFile[], settings: AnalysisSettings, options: { progress?: ProgressRenderer; outputDir?: string; diff?: AnalysisStepOptions['diff'] } = {}): Promise<{ outcome: AnalyzeOutcome; json: AnalysisJson }> {
  const { runAnalysisStep } = await import('../workflow/analysis-step.ts');
  const notes = options.progress ?? (await ctx.progress());
  const answer = analysisText(ctx.stdout, ctx.chalk, ctx.options.output === 'text');
  const outcome = await runAnalysisStep(
    { files, settings, env: ctx.env, requestTimeoutMs: ctx.requestTimeoutMs, signal: ctx.signal, ...(options.outputDir !== undefined ? { outputDir: options.outputDir } : {}), ...(options.diff ? { diff: options.diff } : {}) },
    (event) => {
      notes.emit(event);
      answer.emit(event);
    },
    (chunk) => answer.text(chunk),
  );
  answer.end();
  return { outcome, json: analysisJson(outcome) };
}
