// One line saying what is wrong, one saying how to fix it. Stack traces only with -v.
import type { ChalkInstance } from 'chalk';
import { ExitCode, SquirrlyError } from '../../errors.ts';

export function renderError(err: unknown, chalk: ChalkInstance, verbose: boolean): { text: string; exitCode: number } {
  if (err instanceof SquirrlyError) {
    const lines = [`${chalk.red('error:')} ${err.message}`];
    if (err.hint) lines.push(`${chalk.yellow('hint:')} ${err.hint}`);
    if (verbose && err.cause instanceof Error && err.cause.stack) lines.push(chalk.dim(err.cause.stack));
    return { text: lines.join('\n') + '\n', exitCode: err.exitCode };
  }
  const message = err instanceof Error ? err.message : String(err);
  const lines = [`${chalk.red('error:')} unexpected failure: ${message.split('\n')[0]}`];
  lines.push(verbose && err instanceof Error && err.stack ? chalk.dim(err.stack) : `${chalk.yellow('hint:')} run again with -v for details, and report it if it persists`);
  return { text: lines.join('\n') + '\n', exitCode: ExitCode.failure };
}
