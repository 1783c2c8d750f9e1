// Shell completion for kubectl 1.26+: kubectl runs `kubectl_complete-squirrly __complete <words…>`
// and expects Cobra's format: one candidate per line, then ":<directive>" (4 = no file completion).
// Candidates come from the same definitions that parse the flags.
import type { Command } from './command.ts';
import { flagName, type OptionDefs } from './options.ts';

const NO_FILE_COMPLETION = 4;

function flagsOf(options: OptionDefs): string[] {
  return Object.entries(options).flatMap(([key, def]) => {
    if (def.kind === 'positional' || def.hidden) return [];
    return [def.kind === 'boolean' && def.negatable ? `--no-${flagName(key)}` : `--${flagName(key)}`];
  });
}

function valuesOf(options: OptionDefs): Map<string, readonly string[]> {
  const values = new Map<string, readonly string[]>();
  for (const [key, def] of Object.entries(options)) {
    if (!def.choices) continue;
    values.set(`--${flagName(key)}`, def.choices);
    if (def.short) values.set(`-${def.short}`, def.choices);
  }
  return values;
}

export function complete(words: string[], commands: readonly Command[], globals: OptionDefs): string {
  const current = words[words.length - 1] ?? '';
  const previous = words[words.length - 2] ?? '';
  const visible = commands.filter((c) => !c.hidden);
  const command = visible.find((c) => words.includes(c.name));
  const options: OptionDefs = { ...(command?.options ?? {}), ...globals };
  const values = valuesOf(options).get(previous);
  let candidates: readonly string[];
  if (values) candidates = values;
  else if (current.startsWith('-')) candidates = [...flagsOf(command?.options ?? {}), ...flagsOf(globals)];
  else if (!command) candidates = visible.map((c) => c.name);
  else candidates = [];
  const lines = candidates.filter((c) => c.startsWith(current));
  return [...lines, `:${NO_FILE_COMPLETION}`].join('\n') + '\n';
}
