import { ExitCode } from '../errors.ts';

export async function runCli(argv: string[]): Promise<number> {
  if (argv[0] === 'version') {
    process.stdout.write('kubectl-squirrly 0.1.0\n');
    return ExitCode.ok;
  }
  process.stderr.write('usage: kubectl squirrly <profile|artifacts|analyze|doctor|version>\n');
  return ExitCode.usage;
}
