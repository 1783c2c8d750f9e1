// `kubectl squirrly diff BASE NEW`: did the change help, and what got worse? Each side is a
// flame graph, several (--base/--new FILE…, merged), or a folder profile wrote (its newest run).
// Needs no cluster.
import { ExitCode, UsageError } from '../../errors.ts';
import { defineCommand } from '../command.ts';
import { flagOption, listOption, textOption, type PositionalArgument } from '../options.ts';
import { analyse } from '../analysis.ts';
import type { AnalysisJson } from '../render/analysis.ts';
import { diffText } from '../render/diff.ts';
import { escapedFields } from '../render/untrusted.ts';
import { analysisOptions, analysisSettings } from './shared-options.ts';

const sides: PositionalArgument<string[]> = {
  kind: 'positional',
  usage: '[BASE NEW]',
  max: 2,
  describe: 'the run before and the run after: each a flame graph .html, or a folder profile wrote (its newest run)',
  parse: (raw) => raw,
};

export const diffCommand = defineCommand({
  name: 'diff',
  summary: 'compare two runs: what grew, what shrank, what the change did; writes a differential flame graph',
  options: {
    sides,
    base: listOption({ value: 'FILE', describe: 'BASE as several flame graphs, merged (e.g. every TaskManager of one run)' }),
    new: listOption({ value: 'FILE', describe: 'NEW as several flame graphs, merged' }),
    outputDir: textOption({ value: 'DIR', describe: 'where the differential flame graph goes (default: beside NEW)' }),
    html: flagOption({ default: true, negatable: true, describe: 'write no differential flame graph' }),
    ...analysisOptions,
  },
  examples: [
    ['diff before/sample-job after/sample-job', 'the newest run of each folder'],
    ['diff --base run1/*_ITIMER_*.html --new run2/*_ITIMER_*.html', 'every TaskManager of each run, merged'],
  ],
  async run(ctx, args) {
    const base = args.base.length > 0 ? args.base : args.sides.slice(0, 1);
    const next = args.new.length > 0 ? args.new : args.sides.slice(1, 2);
    if (args.sides.length > 0 && (args.base.length > 0 || args.new.length > 0)) {
      throw new UsageError('name the sides either as BASE NEW or with --base/--new, not both', 'e.g. kubectl squirrly diff before.html after.html');
    }
    if (base.length === 0 || next.length === 0) throw new UsageError('diff needs a BASE and a NEW', 'e.g. kubectl squirrly diff before.html after.html, or --base FILE… --new FILE…');
    const { diffAsksModel, diffRuns } = await import('../../workflow/diff.ts');
    const progress = await ctx.progress();
    let outcome;
    try {
      outcome = await diffRuns({ base, next, html: args.html, signal: ctx.signal, ...(args.outputDir !== undefined ? { outputDir: args.outputDir } : {}) }, progress.emit);
    } finally {
      progress.stop();
    }
    const json = ctx.options.output === 'json';
    if (!json) ctx.stdout.write(diffText(escapedFields(outcome.diff), escapedFields(outcome.notes), outcome.html, ctx.chalk, ctx.stdout.isTTY ? ctx.stdout.columns : undefined));
    // a model's reading of the change, on NEW's profiles with the comparison, within the same token budget
    const settings = analysisSettings(args);
    let analysis: AnalysisJson | null = null;
    if (diffAsksModel(settings, ctx.env)) {
      analysis = (await analyse(ctx, outcome.next.files.map((path) => ({ path })), settings, { diff: outcome.model })).json;
    }
    if (json) ctx.stdout.write(JSON.stringify({ ...outcome.diff, notes: outcome.notes, html: outcome.html ?? null, analysis }, null, 2) + '\n');
    return analysis?.failed ? ExitCode.analysisFailed : ExitCode.ok;
  },
});
