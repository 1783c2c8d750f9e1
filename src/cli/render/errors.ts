// One line saying what is wrong, one saying how to fix it. Stack traces only with -v. Messages
// carry text from outside (Flink errors, kube answers, file names): each part is escaped, one line.
import type { ChalkInstance } from 'chalk';
import { ExitCode, SquirrlyError } from '../../errors.ts';
import { escapedText } from './untrusted.ts';
import { visible } from '../../text/visible.ts';

export function renderError(err: unknown, chalk: ChalkInstance, verbose: boolean): { text: string; exitCode: number } {
  if (err instanceof SquirrlyError) {
    const lines = [`${chalk.red('error:')} ${visible(err.message)}`];
    if (err.hint) lines.push(`${chalk.yellow('hint:')} ${visible(err.hint)}`);
    if (verbose && err.cause instanceof Error && err.cause.stack) lines.push(chalk.dim(escapedText(err.cause.stack)));
    return { text: lines.join('\n') + '\n', exitCode: err.exitCode };
  }
  const message = err instanceof Error ? err.message : String(err);
  const lines = [`${chalk.red('error:')} unexpected failure: ${visible(message.split('\n')[0]!)}`];
  lines.push(verbose && err instanceof Error && err.stack ? chalk.dim(escapedText(err.stack)) : `${chalk.yellow('hint:')} run again with -v for details, and report it if it persists`);
  return { text: lines.join('\n') + '\n', exitCode: ExitCode.failure };
}
