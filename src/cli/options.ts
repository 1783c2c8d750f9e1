// Flag and argument definitions, the one source for parsing, typed handler arguments, every flag
// check, help text and shell completion. Each definition says how its raw text becomes a value
// (`parse`, which throws UsageError), so checks run before any command starts.
import { UsageError } from '../errors.ts';
import { quoted } from '../text/visible.ts';

interface Described {
  describe: string;
  /** one-letter alias, e.g. "n" for -n */
  short?: string;
  /** the value's name in help, e.g. SECONDS */
  value?: string;
  /** the values completion offers and help lists */
  choices?: readonly string[];
  /** accepted (kubectl's flags that mean nothing here) but left out of help and completion */
  hidden?: boolean;
}

export interface StringOption<T> extends Described {
  kind: 'string';
  parse(raw: string | undefined, env: NodeJS.ProcessEnv, flag: string): T;
}

/** Repeatable, and greedy like `--download a.html b.html` (words after it belong to it) unless `greedy` is false. */
export interface ListOption<T> extends Described {
  kind: 'list';
  /** false: one value per flag, like kubectl's `--as-group a --as-group b` */
  greedy?: boolean;
  parse(raw: string[], env: NodeJS.ProcessEnv, flag: string): T;
}

export interface BooleanOption<T> extends Described {
  kind: 'boolean';
  /** help shows --no-<name> (the flag is on by default) */
  negatable?: boolean;
  parse(raw: boolean | undefined, env: NodeJS.ProcessEnv, flag: string): T;
}

/** The command's words that are not flags, e.g. the deployment name or the files. */
export interface PositionalArgument<T> extends Described {
  kind: 'positional';
  /** how help shows it: [deployment], <files..> */
  usage: string;
  /** how many words it takes at most */
  max: number;
  parse(raw: string[], env: NodeJS.ProcessEnv, name: string): T;
}

export type OptionDef<T = unknown> = StringOption<T> | ListOption<T> | BooleanOption<T> | PositionalArgument<T>;
export type OptionDefs = Record<string, OptionDef>;

/** The typed values a set of definitions parses into. */
export type ArgsOf<D extends OptionDefs> = { [K in keyof D]: ReturnType<D[K]['parse']> };

/** camelCase key → the flag users type: outputDir → output-dir. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

// Builders for the common shapes; anything else writes its own `parse`.

export function textOption(o: Described & { default: string }): StringOption<string>;
export function textOption(o: Described): StringOption<string | undefined>;
export function textOption(o: Described & { default?: string }): StringOption<string | undefined> {
  return { ...o, kind: 'string', parse: (raw) => raw ?? o.default };
}

export function choiceOption<const V extends string>(choices: readonly V[], o: Described & { default: V }): StringOption<V>;
export function choiceOption<const V extends string>(choices: readonly V[], o: Described): StringOption<V | undefined>;
export function choiceOption<const V extends string>(choices: readonly V[], o: Described & { default?: V }): StringOption<V | undefined> {
  return {
    ...o,
    kind: 'string',
    choices,
    parse(raw, _env, flag) {
      if (raw === undefined) return o.default;
      const hit = choices.find((c) => c === raw);
      if (hit === undefined) throw new UsageError(`${flag} ${JSON.stringify(raw)} is not one of ${choices.join(', ')}`, `use one of: ${choices.map((c) => `${flag} ${c}`).join(', ')}`);
      return hit;
    },
  };
}

export function flagOption(o: Described & { default: boolean; negatable?: boolean }): BooleanOption<boolean> {
  return { ...o, kind: 'boolean', parse: (raw) => raw ?? o.default };
}

export function listOption(o: Described): ListOption<string[]> {
  return { ...o, kind: 'list', parse: (raw) => raw };
}

/** Repeatable, one value each time: `--as-group a --as-group b`. */
export function repeatedOption(o: Described): ListOption<string[]> {
  return { ...o, kind: 'list', greedy: false, parse: (raw) => raw };
}

export function wholeNumberOption(o: Described & { default: number; min: number; hint: string }): StringOption<number> {
  return {
    ...o,
    kind: 'string',
    parse(raw, _env, flag) {
      if (raw === undefined) return o.default;
      const n = parseDecimalInteger(raw);
      if (n === undefined || n < o.min) throw new UsageError(`${flag} must be a whole number of at least ${o.min}, got ${quoted(raw)}`, o.hint);
      return n;
    },
  };
}

/**
 * Plain decimal digits only: Number() would also read `0x10` as 16, `1e3` as 1000, ` 5` and `5.`
 * as 5, which is never what someone typing a count of seconds meant.
 */
export function parseDecimalInteger(raw: string): number | undefined {
  if (!/^[0-9]{1,15}$/.test(raw)) return undefined;
  return Number(raw);
}
