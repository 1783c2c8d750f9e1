// `kubectl squirrly analyze <file.html>...`: summarise and analyse local flame graphs; needs no
// cluster, and no network with --provider builtin. Several files → one combined analysis.
import { existsSync, statSync } from 'node:fs';
import { ExitCode, UsageError } from '../../errors.ts';
import type { CommandContext } from '../context.ts';
import type { AnalysisSettings } from '../../workflow/analysis-step.ts';
import { analyse } from '../analysis.ts';

export async function runAnalyze(ctx: CommandContext, files: string[], args: AnalysisSettings): Promise<number> {
  if (files.length === 0) throw new UsageError('no flame graph given', 'pass one or more .html files written by Flink\'s profiler');
  for (const file of files) {
    if (!existsSync(file)) throw new UsageError(`${file} does not exist`, 'pass the path of a flame graph .html file');
    if (statSync(file).isDirectory()) throw new UsageError(`${file} is a folder`, `pass the flame graphs inside it, e.g. ${file.replace(/\/+$/, '')}/*.html`);
  }
  const { outcome, json } = await analyse(ctx, files.map((path) => ({ path })), args);
  if (ctx.options.output === 'json') ctx.stdout.write(JSON.stringify({ files, analysis: json }, null, 2) + '\n');
  return outcome.analysisFailed ? ExitCode.analysisFailed : ExitCode.ok;
}
