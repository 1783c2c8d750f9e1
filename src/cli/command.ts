// A command: its name, help, option definitions and handler, typed from the definitions. The
// registry sees every command through the same erased shape, so no cast is needed anywhere.
import type { CommandContext } from './context.ts';
import { flagName, type ArgsOf, type OptionDef, type OptionDefs } from './options.ts';

export interface CommandSpec<D extends OptionDefs> {
  name: string;
  summary: string;
  options: D;
  examples?: Array<[command: string, what: string]>;
  /** not listed in help (the completion entry point) */
  hidden?: boolean;
  /** the words after the command go to the positional argument unparsed */
  verbatim?: boolean;
  run(ctx: CommandContext, args: ArgsOf<D>): Promise<number>;
}

/** What argv parsing yields for one command, before the definitions turn it into values. */
export interface RawArgs {
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  summary: string;
  options: OptionDefs;
  examples: Array<[command: string, what: string]>;
  hidden: boolean;
  verbatim: boolean;
  /** checks every flag (UsageError) and returns the handler bound to the values */
  prepare(raw: RawArgs, env: NodeJS.ProcessEnv): (ctx: CommandContext) => Promise<number>;
}

export function defineCommand<const D extends OptionDefs>(spec: CommandSpec<D>): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    options: spec.options,
    examples: spec.examples ?? [],
    hidden: spec.hidden ?? false,
    verbatim: spec.verbatim ?? false,
    prepare(raw, env) {
      const args = readArgs(spec.options, raw, env);
      return (ctx) => spec.run(ctx, args);
    },
  };
}

/** Every definition's value, in one place: each `parse` checks its flag and throws UsageError. */
export function readArgs<D extends OptionDefs>(defs: D, raw: RawArgs, env: NodeJS.ProcessEnv): ArgsOf<D> {
  const values = Object.entries(defs).map(([key, def]) => [key, readOne(def, key, raw, env)] as const);
  return Object.fromEntries(values) as ArgsOf<D>;
}

function readOne(def: OptionDef, key: string, raw: RawArgs, env: NodeJS.ProcessEnv): unknown {
  const flag = `--${flagName(key)}`;
  const value = raw.values[flagName(key)];
  switch (def.kind) {
    case 'string':
      return def.parse(typeof value === 'string' ? value : undefined, env, flag);
    case 'list':
      return def.parse(Array.isArray(value) ? value.map(String) : [], env, flag);
    case 'boolean':
      return def.parse(typeof value === 'boolean' ? value : undefined, env, flag);
    case 'positional':
      return def.parse(raw.positionals, env, key);
  }
}
