// `kubectl squirrly export <file.html>... --format pprof|speedscope|collapsed`: flame graphs in the
// formats other tools read. Needs no cluster.
import { ExitCode } from '../../errors.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../../flamegraph/export/formats.ts';
import { defineCommand } from '../command.ts';
import { textOption, type StringOption } from '../options.ts';
import { formatBytes, relativePath } from '../render/format.ts';
import { exportFormats, flameGraphFilesArgument } from './shared-options.ts';

const format: StringOption<ExportFormat[]> = {
  kind: 'string',
  short: 'f',
  value: 'FORMAT',
  choices: EXPORT_FORMATS,
  describe: 'pprof (gzip-compressed profile.proto: go tool pprof, Pyroscope, Grafana), speedscope (speedscope.app) or collapsed (folded stacks); comma-separated for several (default pprof)',
  parse: (raw, _env, flag) => exportFormats([raw ?? 'pprof'], flag),
};

export const exportCommand = defineCommand({
  name: 'export',
  summary: 'write local flame graphs as pprof, speedscope or folded stacks for other tools',
  options: {
    files: flameGraphFilesArgument('flame graph .html files; each is written beside itself (or into --output-dir)'),
    format,
    outputDir: textOption({ value: 'DIR', describe: 'where the exported files go (default: beside each flame graph)' }),
  },
  examples: [['export squirrly-artifacts/prod/job/*.html --format pprof', 'then: go tool pprof -top FILE.pb.gz']],
  async run(ctx, args) {
    const { exportFlameGraphs } = await import('../../workflow/export.ts');
    const progress = await ctx.progress();
    let written;
    try {
      written = await exportFlameGraphs({ files: args.files.map((path) => ({ path })), formats: args.format, ...(args.outputDir !== undefined ? { outputDir: args.outputDir } : {}), signal: ctx.signal }, progress.emit);
    } finally {
      progress.stop();
    }
    if (ctx.options.output === 'json') {
      ctx.stdout.write(JSON.stringify({ exported: written.map((w) => ({ source: w.source, format: w.format, file: w.path, bytes: w.bytes })) }, null, 2) + '\n');
    } else {
      for (const w of written) ctx.stdout.write(`${ctx.chalk.green('✔')} ${w.format.padEnd(10)} ${relativePath(w.path)}  ${ctx.chalk.dim(formatBytes(w.bytes))}\n`);
    }
    return ExitCode.ok;
  },
});
