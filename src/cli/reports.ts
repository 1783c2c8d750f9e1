// The run's report.html after profile and artifacts: written beside the flame graphs, named on
// stdout, opened by --open. The artifacts are on disk already, so a failed report is a warning
// and exit 3, never a lost run.
import { SquirrlyError } from '../errors.ts';
import type { CommandContext } from './context.ts';
import { openFiles } from './open-files.ts';
import { relativePath } from './render/format.ts';
import type { ProgressRenderer } from './render/progress.ts';

export interface RunReport {
  path: string | null;
  failed: boolean;
}

export async function writeRunReport(ctx: CommandContext, files: string[], progress: ProgressRenderer, options: { title: string; open: boolean }): Promise<RunReport> {
  if (files.length === 0) return { path: null, failed: false };
  const { writeReport } = await import('../workflow/report.ts');
  let path: string;
  try {
    path = (await writeReport({ paths: files, title: options.title, signal: ctx.signal }, (event) => progress.emit(event))).path;
  } catch (err) {
    if (!(err instanceof SquirrlyError)) throw err;
    ctx.stderr.write(`${ctx.chalk.yellow('warning:')} the report was not written: ${err.message}\n${err.hint ? `  ${ctx.chalk.yellow('hint:')} ${err.hint}\n` : ''}`);
    return { path: null, failed: true };
  }
  if (ctx.options.output === 'text') ctx.stdout.write(`Report (opens offline in any browser): ${relativePath(path)}\n`);
  if (options.open) await openFiles(ctx, [path], 'report');
  return { path, failed: false };
}
