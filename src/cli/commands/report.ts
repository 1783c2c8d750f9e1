// `kubectl squirrly report DIR`: (re)builds a run's report page from its saved files; with
// --base DIR it shows the difference against an earlier run too. Needs no cluster.
import { ExitCode, UsageError } from '../../errors.ts';
import { defineCommand } from '../command.ts';
import { flagOption, listOption, textOption, type PositionalArgument } from '../options.ts';
import { openFiles } from '../open-files.ts';
import { relativePath } from '../render/format.ts';

const run: PositionalArgument<string[]> = {
  kind: 'positional',
  usage: '<run..>',
  max: Number.POSITIVE_INFINITY,
  describe: 'a folder profile wrote (its newest run), or the run\'s flame graph .html files',
  parse(raw) {
    if (raw.length === 0) throw new UsageError('no run given', 'e.g. kubectl squirrly report squirrly-artifacts/<namespace>/<deployment>');
    return raw;
  },
};

export const reportCommand = defineCommand({
  name: 'report',
  summary: 'write one self-contained HTML report of a run: findings, flame graphs, breakdowns, skew, job graph',
  options: {
    run,
    base: listOption({ value: 'DIR|FILE', describe: 'an earlier run to show the difference against' }),
    file: textOption({ value: 'FILE', describe: 'where the page goes (default: reports/<first flame graph>.html beside the run)' }),
    open: flagOption({ default: false, describe: 'open the report in the browser' }),
  },
  examples: [['report squirrly-artifacts/prod/sample-job --base before/sample-job --open', 'the newest run, with the difference against the one before the change']],
  async run(ctx, args) {
    const { writeReport } = await import('../../workflow/report.ts');
    const progress = await ctx.progress();
    let written;
    try {
      written = await writeReport({ paths: args.run, ...(args.base.length > 0 ? { base: args.base } : {}), ...(args.file !== undefined ? { file: args.file } : {}), signal: ctx.signal }, progress.emit);
    } finally {
      progress.stop();
    }
    if (ctx.options.output === 'json') ctx.stdout.write(JSON.stringify({ report: written.path, findings: written.data.findings, targets: written.data.targets.map((t) => t.label) }, null, 2) + '\n');
    else ctx.stdout.write(`Report: ${relativePath(written.path)}\n`);
    if (args.open) await openFiles(ctx, [written.path], 'report');
    return ExitCode.ok;
  },
});
