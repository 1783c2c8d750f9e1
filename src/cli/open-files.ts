// --open, best effort: what could not be opened gets a warning line, never a failure.
import type { CommandContext } from './context.ts';

export async function openFiles(ctx: CommandContext, files: string[], what: string): Promise<void> {
  const { openInBrowser } = await import('./open-in-browser.ts');
  const { opened, failed } = await openInBrowser(files);
  if (opened.length < files.length && failed.length === 0) ctx.stderr.write(`opened the first ${opened.length} of ${files.length} ${what}s\n`);
  for (const f of failed) ctx.stderr.write(`${ctx.chalk.yellow('warning:')} could not open ${f.file} (${f.reason}); open it in a browser yourself\n`);
}
