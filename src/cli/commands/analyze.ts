// `kubectl squirrly analyze <file.html>...`: summarise and analyse local flame graphs; needs no
// cluster, and no network with --provider builtin. Several files → one combined analysis.
import { basename, dirname } from 'node:path';
import { ExitCode, UsageError } from '../../errors.ts';
import { analyse } from '../analysis.ts';
import { defineCommand } from '../command.ts';
import type { StringOption } from '../options.ts';
import { resolveOutputDir } from '../settings.ts';
import { relativePath } from '../render/format.ts';
import { analysisOptions, analysisSettings, flameGraphFilesArgument } from './shared-options.ts';

const files = flameGraphFilesArgument('flame graph .html files; several give one combined analysis');

const outputDir: StringOption<string | undefined> = {
  kind: 'string',
  value: 'DIR',
  describe: 'where the summaries, folded stacks and the analysis go (default: beside each flame graph); the inputs may then be read-only',
  parse: (raw) => (raw === undefined ? undefined : resolveOutputDir(raw, raw)),
};

export const analyzeCommand = defineCommand({
  name: 'analyze',
  summary: 'summarise and analyse local flame graphs (works offline with --provider builtin)',
  options: {
    files,
    outputDir,
    ...analysisOptions,
  },
  examples: [['analyze squirrly-artifacts/prod/job/*.html --provider builtin', 'compare TaskManagers offline']],
  async run(ctx, args) {
    if (args.outputDir !== undefined) {
      const names = args.files.map((f) => basename(f));
      const twice = names.find((n, i) => names.indexOf(n) !== i);
      if (twice) throw new UsageError(`two inputs are named ${twice}; their summaries would overwrite each other in ${args.outputDir}`, 'analyze them in separate runs, or drop --output-dir to write beside each');
    }
    const { outcome, json } = await analyse(ctx, args.files.map((path) => ({ path })), analysisSettings(args), args.outputDir !== undefined ? { outputDir: args.outputDir } : {});
    if (ctx.options.output === 'text') {
      const dirs = [...new Set(outcome.written.summaries.map((f) => relativePath(dirname(f))))];
      ctx.stdout.write(`\n${ctx.chalk.dim(`summaries and folded stacks of ${outcome.written.summaries.length} flame graph(s) written to ${dirs.join(', ')}`)}\n`);
    }
    if (ctx.options.output === 'json') ctx.stdout.write(JSON.stringify({ files: args.files, analysis: json }, null, 2) + '\n');
    return outcome.analysisFailed ? ExitCode.analysisFailed : ExitCode.ok;
  },
});
