// `kubectl squirrly analyze <file.html>...`: summarise and analyse local flame graphs; needs no
// cluster, and no network with --provider builtin. Several files → one combined analysis.
import { existsSync, statSync } from 'node:fs';
import { ExitCode, UsageError } from '../../errors.ts';
import type { CommandContext } from '../context.ts';
import { interruptSignal } from '../interrupt.ts';
import { runAnalysisStep, type AnalysisArgs } from './analysis-step.ts';

export async function runAnalyze(ctx: CommandContext, files: string[], args: AnalysisArgs): Promise<number> {
  if (files.length === 0) throw new UsageError('no flame graph given', 'pass one or more .html files written by Flink\'s profiler');
  for (const file of files) {
    if (!existsSync(file)) throw new UsageError(`${file} does not exist`, 'pass the path of a flame graph .html file');
    if (statSync(file).isDirectory()) throw new UsageError(`${file} is a folder`, `pass the flame graphs inside it, e.g. ${file.replace(/\/+$/, '')}/*.html`);
  }
  const interrupt = interruptSignal(() => process.exit(ExitCode.interrupted));
  try {
    const { outcome, json } = await runAnalysisStep(ctx, files.map((path) => ({ path })), args, interrupt.signal);
    if (ctx.options.output === 'json') ctx.stdout.write(JSON.stringify({ files, analysis: json }, null, 2) + '\n');
    return outcome.analysisFailed ? ExitCode.analysisFailed : ExitCode.ok;
  } finally {
    interrupt.dispose();
  }
}
