// One `profile` run on a connected cluster: the flame graphs and job metrics (the profile
// workflow), the exports, the analysis and the report, with the text view as it goes. The `-o json`
// document is returned, not written, so the caller decides its shape on stdout: `profile` writes it
// once, `profile --every` writes it as one line per run with the series position added.
import { ExitCode, InterruptedError, SquirrlyError } from '../../errors.ts';
import type { Cluster } from '../../kube/cluster.ts';
import type { ProfileResult } from '../../workflow/profile.ts';
import { analyse } from '../analysis.ts';
import type { ArgsOf } from '../options.ts';
import type { CommandContext } from '../context.ts';
import type { AnalysisJson } from '../render/analysis.ts';
import { existingNote, formatBytes, relativePath } from '../render/format.ts';
import type { ProgressRenderer } from '../render/progress.ts';
import { escapedFields } from '../render/untrusted.ts';
import { exportSaved, exportsJson, type ExportReport } from '../exports.ts';
import { writeRunReport } from '../reports.ts';
import { NO_PUSH, pushJson, pushSaved, type PushReport } from '../pushes.ts';
import { analysisSettings, flinkTlsFlags } from './shared-options.ts';
import type { profileOptions } from './profile.ts';

export type ProfileArgs = ArgsOf<typeof profileOptions>;

export interface ProfileRunOutcome {
  /** what `profile` exits with after this run alone (an unsaved run is `failure` instead) */
  code: ExitCode;
  /** the flame graphs this run saved */
  files: string[];
  /** the `-o json` document of this run */
  json: object;
  /** set when no flame graph was saved: why, as `profile` reports it */
  failure?: SquirrlyError;
}

export async function profileOnce(ctx: CommandContext, cluster: Cluster, progress: ProgressRenderer, args: ProfileArgs): Promise<ProfileRunOutcome> {
  const { profileDeployment } = await import('../../workflow/profile.ts');
  const { savedRunOf } = await import('../../workflow/push-run.ts');
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
    const first = result.targets.find((t) => t.message);
    const failure = new SquirrlyError(`no flame graph was saved${first ? `: ${first.label}: ${first.message}` : ''}`, first?.hint ? { hint: first.hint } : {});
    return { code: ExitCode.failure, files: [], json: toJson(result, null, NO_EXPORTS), failure };
  }
  const files = saved.flatMap((t) => (t.path ? [{ path: t.path, target: t.label, mode: result.mode, durationSeconds: result.duration }] : []));

  const exports = await exportSaved(ctx, files, args.export, progress);
  // one push per saved run, so each run of a repeated profile lands in the store as it is saved
  const pushed = await pushSaved(ctx, savedRunOf(result), { target: args.push, tenant: args.pushTenant }, progress);

  // The artifacts are on disk; analysis can only add to them.
  let analysis: AnalysisJson | null = null;
  const settings = analysisSettings(args);
  const artifactsHint = `look at them again with: kubectl squirrly artifacts ${result.deployment} -n ${result.namespace}`;
  if (args.analysis && settings.provider !== 'none') analysis = (await analyse(ctx, files, settings, { progress, artifactsHint })).json;
  if (!json) ctx.stdout.write(`\nLook again: kubectl squirrly artifacts ${result.deployment} -n ${result.namespace}\n`);
  // last, so a run ends by naming the page to open
  const report = await writeRunReport(ctx, files.map((f) => f.path), progress, { title: `${result.mode} profile of ${result.deployment} in ${result.namespace}`, open: args.open });
  const code = saved.length < result.targets.length
    ? ExitCode.failure
    : pushed.failed
      ? ExitCode.pushFailed
      : analysis?.failed || exports.failed || report.failed ? ExitCode.analysisFailed : ExitCode.ok;
  return { code, files: files.map((f) => f.path), json: toJson(result, analysis, exports, report.path, pushed) };
}

const NO_EXPORTS: ExportReport = { files: [], failed: false };

/** The `-o json` document; its schema is documented in the README (profile → JSON output). */
export function toJson(result: ProfileResult, analysis: AnalysisJson | null, exports: ExportReport, report: string | null = null, push: PushReport = NO_PUSH): object {
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
    push: pushJson(push),
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
