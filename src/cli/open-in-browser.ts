// `--open`: hand saved flame graphs to the desktop's opener (xdg-open, open, start). Best
// effort: a machine without one (a jump host over SSH) gets a warning, never a failure.
import { spawn } from 'node:child_process';

const MAX_OPENED = 4;

function opener(file: string): { command: string; args: string[] } {
  if (process.platform === 'darwin') return { command: 'open', args: [file] };
  if (process.platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', file] };
  return { command: 'xdg-open', args: [file] };
}

/** Opens up to four files; resolves with the ones that could not be opened, and why. */
export async function openInBrowser(files: string[]): Promise<{ opened: string[]; failed: Array<{ file: string; reason: string }> }> {
  const opened: string[] = [];
  const failed: Array<{ file: string; reason: string }> = [];
  for (const file of files.slice(0, MAX_OPENED)) {
    const { command, args } = opener(file);
    const reason = await new Promise<string | undefined>((resolve) => {
      const child = spawn(command, args, { stdio: 'ignore', detached: true });
      child.once('error', (err) => resolve(`${command}: ${err.message}`));
      child.once('spawn', () => {
        child.unref();
        resolve(undefined);
      });
    });
    if (reason) failed.push({ file, reason });
    else opened.push(file);
  }
  return { opened, failed };
}
