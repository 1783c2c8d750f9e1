// Entry point: parse argv, run one command, turn typed errors into one line and an exit code.
export async function main(argv: string[]): Promise<void> {
  const { runCli } = await import('./run.ts');
  process.exitCode = await runCli(argv);
}
