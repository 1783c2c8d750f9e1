// argv → which command, the global options, and the command's checked values. Node's parseArgs
// reads the flags (strict: an unknown flag is a usage error); the definitions turn them into
// values. Lists are greedy like `--download a.html b.html`: the words after one belong to it.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { UsageError } from '../errors.ts';
import { readArgs, type Command, type RawArgs } from './command.ts';
import type { CommandContext } from './context.ts';
import { GLOBAL_OPTIONS, normalizeKubectlArgv, type GlobalOptions } from './global-options.ts';
import { commandName } from './invocation.ts';
import { flagName, type OptionDefs } from './options.ts';

export type Invocation =
  | { kind: 'help'; command?: Command }
  | { kind: 'run'; command: Command; globals: GlobalOptions; run: (ctx: CommandContext) => Promise<number> };

/** Where the command word is: the first word that is neither a flag nor a global flag's value. */
export function findCommandWord(argv: readonly string[]): number {
  const takesValue = new Set<string>();
  for (const [key, def] of Object.entries(GLOBAL_OPTIONS)) {
    if (def.kind !== 'string' && def.kind !== 'list') continue;
    takesValue.add(`--${flagName(key)}`);
    if (def.short) takesValue.add(`-${def.short}`);
  }
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') return -1;
    if (!word.startsWith('-') || word === '-') return i;
    if (takesValue.has(word)) i++;
  }
  return -1;
}

export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((w) => w === '--help' || w === '-h');
}

export function parseCommandLine(given: readonly string[], commands: readonly Command[], env: NodeJS.ProcessEnv): Invocation {
  const argv = normalizeKubectlArgv(given);
  const at = findCommandWord(argv);
  const name = at < 0 ? undefined : argv[at];
  const command = commands.find((c) => c.name === name);
  if (wantsHelp(argv)) return command && !command.hidden ? { kind: 'help', command } : { kind: 'help' };
  const listed = commands.filter((c) => !c.hidden).map((c) => c.name);
  if (name === undefined) throw new UsageError(`name a command: ${listed.join(', ')}`, `see: ${commandName()} --help`);
  if (!command) throw new UsageError(`unknown command "${name}"`, `use one of ${listed.join(', ')} (see: ${commandName()} --help)`);
  const words = [...argv.slice(0, at), ...argv.slice(at + 1)];
  if (command.verbatim) {
    const raw: RawArgs = { values: {}, positionals: argv.slice(at + 1) };
    return { kind: 'run', command, globals: readArgs(GLOBAL_OPTIONS, { values: {}, positionals: [] }, env), run: command.prepare(raw, env) };
  }
  const raw = readRaw(words, { ...command.options, ...GLOBAL_OPTIONS }, command.name);
  const positional = Object.values(command.options).find((d) => d.kind === 'positional');
  const max = positional?.kind === 'positional' ? positional.max : 0;
  if (raw.positionals.length > max) {
    throw new UsageError(`unexpected argument "${raw.positionals[max]}" for ${command.name}`, `see: ${commandName()} ${command.name} --help`);
  }
  const globals = readArgs(GLOBAL_OPTIONS, raw, env);
  return { kind: 'run', command, globals, run: command.prepare(raw, env) };
}

function readRaw(words: string[], defs: OptionDefs, command: string): RawArgs {
  const config: ParseArgsOptionsConfig = {};
  const lists = new Set<string>();
  for (const [key, def] of Object.entries(defs)) {
    if (def.kind === 'positional') continue;
    const name = flagName(key);
    config[name] = { type: def.kind === 'boolean' ? 'boolean' : 'string', ...(def.short ? { short: def.short } : {}), ...(def.kind === 'list' ? { multiple: true } : {}) };
    if (def.kind === 'list' && def.greedy !== false) lists.add(name);
  }
  let parsed: ReturnType<typeof parseArgs<{ options: ParseArgsOptionsConfig; args: string[]; strict: true; allowPositionals: true; allowNegative: true; tokens: true }>>;
  try {
    parsed = parseArgs({ options: config, args: words, strict: true, allowPositionals: true, allowNegative: true, tokens: true });
  } catch (err) {
    throw usageErrorFrom(err, command);
  }
  const values: RawArgs['values'] = { ...parsed.values };
  const positionals: string[] = [];
  let list: string | undefined;
  for (const token of parsed.tokens) {
    if (token.kind === 'option') list = lists.has(token.name) ? token.name : undefined;
    else if (token.kind === 'option-terminator') list = undefined;
    else if (list !== undefined) {
      const current = values[list];
      values[list] = [...(Array.isArray(current) ? current : []), token.value];
    } else positionals.push(token.value);
  }
  return { values, positionals };
}

/** parseArgs' errors name the flag in quotes; say it our way, with where to look. */
function usageErrorFrom(err: unknown, command: string): unknown {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_') || !(err instanceof Error)) return err;
  const flag = /'([^']+)'/.exec(err.message)?.[1]?.replace(/ <value>$/, '').replace(/^-\w, /, '') ?? '';
  const hint = `see: ${commandName()} ${command} --help`;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`unknown flag ${flag} for ${command}`, hint);
  if (/argument missing/.test(err.message)) return new UsageError(`${flag} needs a value`, hint);
  if (/ambiguous/.test(err.message)) return new UsageError(`${flag} needs a value, and the next word looks like a flag`, `for a value that starts with "-", write ${flag}=VALUE`);
  return new UsageError(err.message.split('\n')[0]!, hint);
}
