// Runs one command line: help from the definitions, or the command's checked flags handed to its
// handler with a fresh context. Errors propagate to main.ts, which renders them and exits.
import { ExitCode } from '../errors.ts';
import { COMMANDS } from './commands/index.ts';
import { createContext } from './context.ts';
import { GLOBAL_OPTIONS } from './global-options.ts';
import { helpWidth, renderHelp } from './help.ts';
import { commandName } from './invocation.ts';
import { parseCommandLine } from './parse-argv.ts';

export async function runCli(argv: string[], env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<number> {
  const invocation = parseCommandLine(argv, COMMANDS, env);
  if (invocation.kind === 'help') {
    process.stdout.write(renderHelp({ name: commandName(), commands: COMMANDS, globals: GLOBAL_OPTIONS, ...(invocation.command ? { command: invocation.command } : {}), columns: helpWidth(process.stdout) }));
    return ExitCode.ok;
  }
  return invocation.run(await createContext(invocation.globals, env, signal));
}
