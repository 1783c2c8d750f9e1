// `kubectl squirrly analyze <file.html>...`: summarise and analyse local flame graphs; needs no
// cluster, and no network with --provider builtin. Several files → one combined analysis.
import { existsSync, statSync } from 'node:fs';
import { ExitCode, UsageError } from '../../errors.ts';
import { analyse } from '../analysis.ts';
import { defineCommand } from '../command.ts';
import type { PositionalArgument } from '../options.ts';
import { analysisOptions, analysisSettings } from './shared-options.ts';

const files: PositionalArgument<string[]> = {
  kind: 'positional',
  usage: '<files..>',
  max: Number.POSITIVE_INFINITY,
  describe: 'flame graph .html files; several give one combined analysis',
  parse(raw) {
    if (raw.length === 0) throw new UsageError('no flame graph given', 'pass one or more .html files written by Flink\'s profiler');
    for (const file of raw) {
      if (!existsSync(file)) throw new UsageError(`${file} does not exist`, 'pass the path of a flame graph .html file');
      if (statSync(file).isDirectory()) throw new UsageError(`${file} is a folder`, `pass the flame graphs inside it, e.g. ${file.replace(/\/+$/, '')}/*.html`);
    }
    return raw;
  },
};

export const analyzeCommand = defineCommand({
  name: 'analyze',
  summary: 'summarise and analyse local flame graphs (works offline with --provider builtin)',
  options: { files, ...analysisOptions },
  examples: [['analyze squirrly-artifacts/prod/job/*.html --provider builtin', 'compare TaskManagers offline']],
  async run(ctx, args) {
    const { outcome, json } = await analyse(ctx, args.files.map((path) => ({ path })), analysisSettings(args));
    if (ctx.options.output === 'json') ctx.stdout.write(JSON.stringify({ files: args.files, analysis: json }, null, 2) + '\n');
    return outcome.analysisFailed ? ExitCode.analysisFailed : ExitCode.ok;
  },
});
