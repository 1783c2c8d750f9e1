// `kubectl squirrly artifacts <deployment>`: list past runs and files; download; analyse.
import path from 'node:path';
import { ExitCode, SquirrlyError } from '../../errors.ts';
import { newestPerTarget, scanProblem, type ArtifactRun } from '../../workflow/artifact-listing.ts';
import type { ArtifactsResult } from '../../workflow/artifacts.ts';
import { analyse } from '../analysis.ts';
import { defineCommand } from '../command.ts';
import type { CommandContext } from '../context.ts';
import { flagOption, listOption, wholeNumberOption, type StringOption } from '../options.ts';
import type { AnalysisJson } from '../render/analysis.ts';
import { existingNote, formatBytes, relativePath } from '../render/format.ts';
import { escapedFields } from '../render/untrusted.ts';
import { renderTable, type Column } from '../render/table.ts';
import { exportSaved, exportsJson, type ExportReport } from '../exports.ts';
import { writeRunReport } from '../reports.ts';
import { NO_PUSH, pushJson, pushSaved, type PushReport } from '../pushes.ts';
import { pushOption, pushTenantOption } from '../push-options.ts';
import { analysisOptions, analysisSettings, deploymentArgument, exportOption, flinkTlsFlags, flinkTlsOptions, maxArtifactSizeOption, outputDirOption, searchDirsOption, viaOption } from './shared-options.ts';

const limit: StringOption<number> = wholeNumberOption({
  value: 'N',
  default: 3,
  min: 0,
  hint: 'e.g. --limit 5, or --limit 0 for every run',
  describe: 'newest runs per target in the table (default 3; 0: all; -o json always lists all)',
});

export const artifactsCommand = defineCommand({
  name: 'artifacts',
  summary: 'list past profiling runs and files on the pods; download and analyse them',
  options: {
    deployment: deploymentArgument,
    download: listOption({ value: 'FILE', describe: 'download these files (names as listed)' }),
    latest: flagOption({ default: false, describe: 'download the newest file of every target' }),
    export: exportOption,
    all: flagOption({ default: false, describe: 'download every file' }),
    limit,
    outputDir: outputDirOption('downloads'),
    maxArtifactSize: maxArtifactSizeOption,
    searchDirs: searchDirsOption('pod folders to scan besides rest.profiling.dir'),
    analyze: flagOption({ default: false, describe: 'analyse what was downloaded (alone: the newest file of every target)' }),
    push: { ...pushOption, describe: `${pushOption.describe}; alone: the newest file of every target` },
    pushTenant: pushTenantOption,
    via: viaOption,
    ...flinkTlsOptions,
    ...analysisOptions,
  },
  examples: [
    ['artifacts sample-job --latest', 'list the runs and download the newest flame graph of every target'],
    ['artifacts sample-job --all --push http://pyroscope:4040', 'download every flame graph and send them to Pyroscope'],
  ],
  async run(ctx, args) {
    const { listArtifacts } = await import('../../workflow/artifacts.ts');
    const { savedRunOfDownloads } = await import('../../workflow/push-run.ts');
    const files = args.download;
    // --analyze or --push alone: the newest file of each target.
    const latest = args.latest || ((args.analyze || args.push !== undefined) && files.length === 0 && !args.all);
    const cluster = await ctx.connect();
    const progress = await ctx.progress();
    let result: ArtifactsResult;
    try {
      result = await listArtifacts(
        cluster,
        { deployment: args.deployment ?? '', searchDirs: args.searchDirs, outputDir: args.outputDir, maxArtifactBytes: args.maxArtifactSize, download: { files, latest, all: args.all }, via: args.via, tls: flinkTlsFlags(args), signal: ctx.signal },
        progress.emit,
      );
    } finally {
      progress.stop();
    }
    if (!result.rest.available && !result.pods.some((p) => p.scan.state === 'scanned')) {
      throw new SquirrlyError(`nothing could be read for ${result.deployment}: ${result.rest.problem ?? 'no REST history'}, and no pod disk could be scanned (${result.pods.map((p) => `${p.pod}: ${scanProblem(p.scan)}`).join('; ') || 'no pods'})`, result.rest.hint ? { hint: result.rest.hint } : {});
    }
    for (const warning of escapedFields(result.warnings)) ctx.stderr.write(`${ctx.chalk.yellow('warning:')} ${warning}\n`);

    const json = ctx.options.output === 'json';
    if (!json) printText(ctx, escapedFields(result), args.limit, files.length > 0 || latest || args.all);
    let analysis: AnalysisJson | null = null;
    const local = result.downloads.flatMap((d) => (d.status !== 'failed' && d.path ? [{ path: d.path, target: d.label }] : []));
    const exports = await exportSaved(ctx, local, args.export, progress);
    const pushed = args.push ? await pushSaved(ctx, await savedRunOfDownloads(result), { target: args.push, tenant: args.pushTenant }, progress) : NO_PUSH;
    const settings = analysisSettings(args);
    if (args.analyze && settings.provider !== 'none' && local.length > 0) analysis = (await analyse(ctx, local, settings, { progress, artifactsHint: `they are in ${result.dir}; list them with: kubectl squirrly artifacts ${result.deployment} -n ${result.namespace}` })).json;
    // --latest is a run's newest files: they get the run's report, as profile writes it
    const report = latest ? await writeRunReport(ctx, local.map((f) => f.path), progress, { title: `newest profiles of ${result.deployment} in ${result.namespace}`, open: false }) : { path: null, failed: false };
    if (json) ctx.stdout.write(JSON.stringify(toJson(result, analysis, exports, report.path, pushed), null, 2) + '\n');

    if (result.downloads.some((d) => d.status === 'failed')) return ExitCode.failure;
    if (pushed.failed) return ExitCode.pushFailed;
    return analysis?.failed || exports.failed || report.failed ? ExitCode.analysisFailed : ExitCode.ok;
  },
});

/** The `-o json` document; its schema is documented in the README (artifacts → JSON output). */
export function toJson(result: ArtifactsResult, analysis: AnalysisJson | null, exports: ExportReport, report: string | null = null, push: PushReport = NO_PUSH): object {
  return {
    deployment: result.deployment,
    namespace: result.namespace,
    flinkVersion: result.flinkVersion ?? null,
    restHistory: { available: result.rest.available, problem: result.rest.problem ?? null, hint: result.rest.hint ?? null },
    searchDirs: result.searchDirs,
    targets: result.histories.map((h) => ({ target: h.label, pod: h.pod ?? null, history: h.state, runs: h.entries.length, message: h.message ?? null })),
    pods: result.pods.map((p) => ({ pod: p.pod, role: p.role, target: p.label, scan: p.scan.state, files: p.scan.files.length, missingDirs: p.scan.missingDirs, message: p.scan.message ?? null })),
    runs: result.runs.map((r) => ({
      target: r.label,
      pod: r.pod ?? null,
      source: r.source,
      status: r.status ?? null,
      mode: r.mode ?? null,
      triggerTime: r.triggerTime ?? null,
      duration: r.duration ?? null,
      file: r.file ?? null,
      message: r.message ?? null,
      onDisk: r.onDisk ? { path: path.posix.join(r.onDisk.dir, r.onDisk.name), bytes: r.onDisk.bytes ?? null, modified: r.onDisk.mtimeMs ?? null } : null,
      note: r.note ?? null,
    })),
    outputDir: result.dir,
    downloads: result.downloads.map((d) => ({ file: d.file, target: d.label, status: d.status, path: d.path ?? null, bytes: d.bytes ?? null, via: d.via ?? null, existing: d.existing ?? null, message: d.message ?? null, hint: d.hint ?? null })),
    exports: exportsJson(exports),
    push: pushJson(push),
    report,
    analysis,
    warnings: result.warnings,
  };
}

function printText(ctx: CommandContext, result: ArtifactsResult, limit: number, downloading: boolean): void {
  const { chalk, stdout } = ctx;
  const out = (line = ''): void => void stdout.write(line + '\n');
  out(chalk.bold(`Profiling runs of ${result.deployment} in ${result.namespace}${result.flinkVersion ? ` (Flink ${result.flinkVersion})` : ''}`));
  if (result.rest.problem) {
    out(`${chalk.yellow('!')} ${result.rest.problem}`);
    if (result.rest.hint) out(`  ${chalk.yellow('hint:')} ${result.rest.hint}`);
  }
  for (const h of result.histories.filter((h) => h.state !== 'listed')) {
    out(`${chalk.yellow('!')} ${h.label}: REST history unavailable: ${h.message ?? h.state}${h.pod ? ` (files on pod ${h.pod} are listed from its disk)` : ''}`);
  }

  const { shown, hidden } = newestPerTarget(result.runs, limit);
  if (shown.length === 0) {
    out('no profiling runs found');
    out(`Start one with: kubectl squirrly profile ${result.deployment} -n ${result.namespace}`);
  } else {
    const columns: Column[] = [
      { header: 'TARGET', flexible: true },
      { header: 'STATUS', style: (s) => (s.startsWith('FAILED') ? chalk.red(s) : s.startsWith('on disk') ? chalk.cyan(s) : s) },
      { header: 'MODE' },
      { header: 'TRIGGERED (UTC)' },
      { header: 'DURATION' },
      { header: 'SIZE' },
      { header: 'FILE', flexible: true },
      { header: 'NOTE', flexible: true },
    ];
    const width = stdout.isTTY ? stdout.columns : undefined;
    stdout.write(renderTable(columns, shown.map(row), width));
    if (hidden > 0) out(chalk.dim(`${hidden} older run(s) hidden: newest ${limit} per target shown (--limit 0 shows all, -o json lists all)`));
  }

  const scanned = result.pods.filter((p) => p.scan.state === 'scanned');
  out(`disk scan: ${scanned.length} of ${result.pods.length} pod(s) scanned in ${result.searchDirs.join(', ')}`);
  const missing = new Map<string, number>();
  for (const p of scanned) for (const dir of p.scan.missingDirs) missing.set(dir, (missing.get(dir) ?? 0) + 1);
  const dirsByCount = new Map<number, string[]>();
  for (const [dir, n] of missing) dirsByCount.set(n, [...(dirsByCount.get(n) ?? []), dir]);
  for (const [n, dirs] of dirsByCount) out(chalk.dim(`  not present on ${n} pod(s): ${dirs.join(', ')}`));
  for (const p of result.pods.filter((p) => p.scan.state !== 'scanned')) {
    out(`  ${chalk.yellow('!')} ${p.pod}: disk scan not possible: ${p.scan.message ?? scanProblem(p.scan)}`);
  }

  for (const d of result.downloads) {
    if (d.status === 'saved') out(`${chalk.green('✔')} saved ${relativePath(d.path ?? '')} (${formatBytes(d.bytes ?? 0)} via ${d.via}${d.existing ? `; ${existingNote(d.existing)}` : ''})`);
    else if (d.status === 'skipped') out(`${chalk.dim('=')} ${relativePath(d.path ?? '')} is already here (same size)`);
    else {
      out(`${chalk.red('✗')} ${d.file}: ${d.message ?? 'download failed'}`);
      if (d.hint) out(`  ${chalk.yellow('hint:')} ${d.hint}`);
    }
  }
  if (!downloading && result.runs.some((r) => r.file)) {
    out(`Download: kubectl squirrly artifacts ${result.deployment} -n ${result.namespace} --latest   (or --all, or --download FILE…)`);
  }
}

function row(run: ArtifactRun): string[] {
  const status = run.source === 'disk' ? 'on disk only' : (run.status ?? '?');
  const note = run.note ?? (run.status !== 'FINISHED' && run.message ? oneLine(run.message) : '');
  return [
    run.label,
    status,
    run.mode ?? '',
    run.triggerTime !== undefined ? new Date(run.triggerTime).toISOString().slice(0, 19).replace('T', ' ') : '',
    run.duration !== undefined ? `${run.duration}s` : '',
    run.onDisk?.bytes !== undefined ? formatBytes(run.onDisk.bytes) : '',
    run.file ?? '',
    note,
  ];
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
