// `kubectl squirrly profile <deployment>`: flags → workflow → rendered result.
import path from 'node:path';
import { ExitCode, InterruptedError, SquirrlyError } from '../../errors.ts';
import { profileDeployment, type ProfileResult } from '../../workflow/profile.ts';
import type { CommandContext } from '../context.ts';
import { resolveDeploymentName, resolveDuration, resolveMode, resolveSearchDirs } from '../settings.ts';
import { parseVia } from '../../workflow/rest-transport.ts';
import type { AnalysisSettings } from '../../workflow/analysis-step.ts';
import { analyse } from '../analysis.ts';
import type { AnalysisJson } from '../render/analysis.ts';

export interface ProfileArgs {
  deployment?: string;
  type?: string;
  duration?: number;
  taskmanager?: string[];
  jobmanager: boolean;
  outputDir: string;
  searchDirs?: string;
  via: string;
  /** false with --no-analysis */
  analysis: boolean;
  /** --open: show the flame graphs in the browser */
  open: boolean;
  analysisArgs: AnalysisSettings;
}

export async function runProfile(ctx: CommandContext, args: ProfileArgs): Promise<number> {
  const { env } = ctx;
  const mode = resolveMode(args.type, env);
  const duration = resolveDuration(args.duration, env);
  const searchDirs = resolveSearchDirs(args.searchDirs, env);
  const deployment = resolveDeploymentName(args.deployment, env);
  const cluster = await ctx.connect();
  const progress = await ctx.progress();
  let result: ProfileResult;
  try {
    result = await profileDeployment(
      cluster,
      {
        deployment: deployment ?? '',
        mode,
        duration,
        taskManagers: args.taskmanager ?? [],
        jobManager: args.jobmanager,
        outputDir: args.outputDir,
        searchDirs,
        via: parseVia(args.via),
        signal: ctx.signal,
      },
      (event) => progress.emit(event),
    );
  } catch (err) {
    if (err instanceof InterruptedError || ctx.signal.aborted) {
      const name = deployment?.split('/').pop() ?? '';
      throw new InterruptedError('interrupted: stopped waiting; Flink finishes the runs on its own', `fetch them later with: kubectl squirrly artifacts ${name} -n ${cluster.namespace} --latest`);
    }
    throw err;
  } finally {
    progress.stop();
  }

  const saved = result.targets.filter((t) => t.status === 'saved');
  const json = ctx.options.output === 'json';
  if (!json) printText(ctx, result);
  if (saved.length === 0) {
    if (json) ctx.stdout.write(JSON.stringify(toJson(result, null), null, 2) + '\n');
    const first = result.targets.find((t) => t.message);
    throw new SquirrlyError(`no flame graph was saved${first ? `: ${first.label}: ${first.message}` : ''}`, first?.hint ? { hint: first.hint } : {});
  }

  if (args.open) await openSaved(ctx, saved.map((t) => t.path!));

  // Step 8: the artifacts are on disk; analysis can only add to them.
  let analysis: AnalysisJson | null = null;
  if (args.analysis && args.analysisArgs.provider !== 'none') {
    const files = saved.map((t) => ({ path: t.path!, target: t.label, mode: result.mode }));
    analysis = (await analyse(ctx, files, args.analysisArgs, progress)).json;
  }
  if (json) ctx.stdout.write(JSON.stringify(toJson(result, analysis), null, 2) + '\n');
  else ctx.stdout.write(`\nLook again: kubectl squirrly artifacts ${result.deployment} -n ${result.namespace}\n`);
  if (saved.length < result.targets.length) return ExitCode.failure;
  return analysis?.failed ? ExitCode.analysisFailed : ExitCode.ok;
}

export function toJson(result: ProfileResult, analysis: AnalysisJson | null): object {
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
      triggerTime: t.triggerTime ?? null,
      message: t.message ?? null,
      hint: t.hint ?? null,
    })),
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
      stdout.write(`  ${chalk.green('✔')} ${t.label.padEnd(width)}  ${relative(t.path!)}  ${chalk.dim(formatBytes(t.bytes ?? 0))}\n`);
    } else {
      stdout.write(`  ${chalk.red('✗')} ${t.label.padEnd(width)}  ${t.message ?? 'failed'}\n`);
      if (t.hint) stdout.write(`    ${chalk.yellow('hint:')} ${t.hint}\n`);
    }
  }
}

async function openSaved(ctx: CommandContext, files: string[]): Promise<void> {
  const { openInBrowser } = await import('../open-in-browser.ts');
  const { opened, failed } = await openInBrowser(files);
  if (opened.length < files.length && failed.length === 0) ctx.stderr.write(`opened the first ${opened.length} of ${files.length} flame graphs\n`);
  for (const f of failed) ctx.stderr.write(`${ctx.chalk.yellow('warning:')} could not open ${f.file} (${f.reason}); open it in a browser yourself\n`);
}

function relative(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel.startsWith('..') ? p : rel;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
