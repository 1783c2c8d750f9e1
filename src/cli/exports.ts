// --export on profile and artifacts: the saved flame graphs written in other tools' formats. The
// artifacts are on disk already, so a failed export is a warning and exit 3, never a lost run.
import { SquirrlyError } from '../errors.ts';
import type { ExportedFile, ExportFormat, ExportInput } from '../workflow/export.ts';
import type { CommandContext } from './context.ts';
import { formatBytes, relativePath } from './render/format.ts';
import type { ProgressRenderer } from './render/progress.ts';

export interface ExportReport {
  files: ExportedFile[];
  failed: boolean;
}

export async function exportSaved(ctx: CommandContext, files: ExportInput[], formats: readonly ExportFormat[], progress: ProgressRenderer): Promise<ExportReport> {
  if (formats.length === 0 || files.length === 0) return { files: [], failed: false };
  const { exportFlameGraphs } = await import('../workflow/export.ts');
  const written: ExportedFile[] = [];
  try {
    written.push(...(await exportFlameGraphs({ files, formats, signal: ctx.signal }, (event) => {
      progress.emit(event);
    })));
  } catch (err) {
    if (!(err instanceof SquirrlyError)) throw err;
    ctx.stderr.write(`${ctx.chalk.yellow('warning:')} export failed: ${err.message}\n${err.hint ? `  ${ctx.chalk.yellow('hint:')} ${err.hint}\n` : ''}`);
    return { files: written, failed: true };
  }
  if (ctx.options.output === 'text') {
    for (const w of written) ctx.stdout.write(`  ${ctx.chalk.dim(`${w.format}:`)} ${relativePath(w.path)}  ${ctx.chalk.dim(formatBytes(w.bytes))}\n`);
  }
  return { files: written, failed: false };
}

/** The `exports` list of the -o json documents. */
export function exportsJson(report: ExportReport): object[] {
  return report.files.map((w) => ({ source: w.source, format: w.format, file: w.path, bytes: w.bytes }));
}
