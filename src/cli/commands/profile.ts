// `kubectl squirrly profile <deployment>`: flags → workflow → rendered result.
import { ExitCode, InterruptedError, SquirrlyError } from '../../errors.ts';
import type { ProfileResult } from '../../workflow/profile.ts';
import { analyse } from '../analysis.ts';
import { defineCommand } from '../command.ts';
import type { CommandContext } from '../context.ts';
import { flagOption, listOption, type StringOption } from '../options.ts';
import type { AnalysisJson } from '../render/analysis.ts';
import { existingNote, formatBytes, relativePath } from '../render/format.ts';
import { escapedFields } from '../render/untrusted.ts';
import { resolveDuration, resolveMode } from '../settings.ts';
import { PROFILING_MODES, type ProfilingMode } from '../../flamegraph/types.ts';
import { exportSaved, exportsJson, type ExportReport } from '../exports.ts';
import { writeRunReport } from '../reports.ts';
import { analysisOptions, analysisSettings, deploymentArgument, exportOption, flinkTlsFlags, flinkTlsOptions, maxArtifactSizeOption, outputDirOption, searchDirsOption, viaOption } from './shared-options.ts';

const type: StringOption<ProfilingMode> = {
  kind: 'string',
  short: 't',
  value: 'MODE',
  choices: PROFILING_MODES,
  describe: 'CPU, ITIMER, ALLOC, LOCK or WALL (default PROFILER_TYPE, then ITIMER)',
  parse: (raw, env) => resolveMode(raw, env),
};

const duration: StringOption<number> = {
  kind: 'string',
  short: 'd',
  value: 'SECONDS',
  describe: 'seconds to profile (default PROFILER_DURATION, then 60)',
  parse: (raw, env) => resolveDuration(raw, env),
};

export const profileCommand = defineCommand({
  name: 'profile',
  summary: 'profile a FlinkDeployment: trigger, wait, download, summarise, analyse',
  options: {
    deployment: deploymentArgument,
    type,
    duration,
    taskmanager: listOption({ value: 'ID|POD', describe: 'TaskManager id or pod to profile (repeatable; default: all)' }),
    jobmanager: flagOption({ default: false, describe: 'also profile the JobManager (alone when no --taskmanager is given)' }),
    outputDir: outputDirOption('artifacts'),
    maxArtifactSize: maxArtifactSizeOption,
    searchDirs: searchDirsOption('pod folders for the exec fallback'),
    via: viaOption,
    ...flinkTlsOptions,
    analysis: flagOption({ default: true, negatable: true, describe: 'skip the analysis of the saved flame graphs' }),
    open: flagOption({ default: false, describe: 'open the run\'s report in the browser' }),
    export: exportOption,
    ...analysisOptions,
  },
  examples: [['profile sample-job --type ALLOC --duration 30', 'allocation profile of every TaskManager for 30 s']],
  async run(ctx, args) {
    const { profileDeployment } = await import('../../workflow/profile.ts');
    const cluster = await ctx.connect();
    const progress = await ctx.progress();
    let result: ProfileResult;
    try {
      result = await profileDeployment(
        cluster,
        {
          deployment: args.deployment ?? '',
          mode: args.type,
          duration: args.duration,
          taskManagers: args.taskmanager,
          jobManager: args.jobmanager,
          outputDir: args.outputDir,
          maxArtifactBytes: args.maxArtifactSize,
          searchDirs: args.searchDirs,
          via: args.via,
          tls: flinkTlsFlags(args),
          signal: ctx.signal,
        },
        progress.emit,
      );
    } catch (err) {
      if (err instanceof InterruptedError || ctx.signal.aborted) {
        const name = args.deployment?.split('/').pop() ?? '';
        throw new InterruptedError('interrupted; runs already triggered finish on their own in Flink', `fetch them later with: kubectl squirrly artifacts ${name} -n ${cluster.namespace} --latest`);
      }
      throw err;
    } finally {
      progress.stop();
    }

    const saved = result.targets.filter((t) => t.status === 'saved');
    const json = ctx.options.output === 'json';
    if (!json) printText(ctx, escapedFields(result));
    if (saved.length === 0) {
      if (json) ctx.stdout.write(JSON.stringify(toJson(result, null, NO_EXPORTS), null, 2) + '\n');
      const first = result.targets.find((t) => t.message);
      throw new SquirrlyError(`no flame graph was saved${first ? `: ${first.label}: ${first.message}` : ''}`, first?.hint ? { hint: first.hint } : {});
    }
    const files = saved.flatMap((t) => (t.path ? [{ path: t.path, target: t.label, mode: result.mode, durationSeconds: result.duration }] : []));

    const exports = await exportSaved(ctx, files, args.export, progress);

    // The artifacts are on disk; analysis can only add to them.
    let analysis: AnalysisJson | null = null;
    const settings = analysisSettings(args);
    const artifactsHint = `look at them again with: kubectl squirrly artifacts ${result.deployment} -n ${result.namespace}`;
    if (args.analysis && settings.provider !== 'none') analysis = (await analyse(ctx, files, settings, { progress, artifactsHint })).json;
    if (!json) ctx.stdout.write(`\nLook again: kubectl squirrly artifacts ${result.deployment} -n ${result.namespace}\n`);
    // last, so a run ends by naming the page to open
    const report = await writeRunReport(ctx, files.map((f) => f.path), progress, { title: `${result.mode} profile of ${result.deployment} in ${result.namespace}`, open: args.open });
    if (json) ctx.stdout.write(JSON.stringify(toJson(result, analysis, exports, report.path), null, 2) + '\n');
    if (saved.length < result.targets.length) return ExitCode.failure;
    return analysis?.failed || exports.failed || report.failed ? ExitCode.analysisFailed : ExitCode.ok;
  },
});

const NO_EXPORTS: ExportReport = { files: [], failed: false };

/** The `-o json` document; its schema is documented in the README (profile → JSON output). */
export function toJson(result: ProfileResult, analysis: AnalysisJson | null, exports: ExportReport, report: string | null = null): object {
  return {
    deployment: result.deployment,
    namespace: result.namespace,
    flinkVersion: result.flinkVersion ?? null,
    mode: result.mode,
    duration: result.duration,
    outputDir: result.dir,
    targets: result.targets.map((t) => ({
      target: t.label,
      pod: t.pod ?? null,
      status: t.status,
      file: t.path ?? null,
      bytes: t.bytes ?? null,
      via: t.via ?? null,
      existing: t.existing ?? null,
      triggerTime: t.triggerTime ?? null,
      message: t.message ?? null,
      hint: t.hint ?? null,
    })),
    jobMetrics: result.jobMetricsPath ?? null,
    exports: exportsJson(exports),
    report,
    analysis,
  };
}

function printText(ctx: CommandContext, result: ProfileResult): void {
  const { chalk, stdout } = ctx;
  const saved = result.targets.filter((t) => t.status === 'saved');
  const width = Math.max(...result.targets.map((t) => t.label.length));
  stdout.write(`${chalk.bold(`${result.mode} profile of ${result.deployment}`)} (${result.duration}s, ${saved.length}/${result.targets.length} saved)\n`);
  for (const t of result.targets) {
    if (t.status === 'saved') {
      stdout.write(`  ${chalk.green('✔')} ${t.label.padEnd(width)}  ${relativePath(t.path ?? '')}  ${chalk.dim(formatBytes(t.bytes ?? 0))}${t.existing ? chalk.dim(`  (${existingNote(t.existing)})`) : ''}\n`);
    } else {
      stdout.write(`  ${chalk.red('✗')} ${t.label.padEnd(width)}  ${t.message ?? 'failed'}\n`);
      if (t.hint) stdout.write(`    ${chalk.yellow('hint:')} ${t.hint}\n`);
    }
  }
}
