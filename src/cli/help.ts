// Help text, rendered from the same definitions that parse the flags. It loads no parser and no
// workflow, so `--help` answers as fast as the runtime starts.
import type { Command } from './command.ts';
import { flagName, type OptionDefs } from './options.ts';
import { PREBUILT_WIDTHS, type HelpTable } from './prebuilt-help.ts';

const ABOUT = 'Profile Apache Flink jobs on Kubernetes with Flink\'s built-in profiler, and explain the flame graphs.';
const MAX_WIDTH = 110;
const MAX_LEFT = 34;

export function renderHelp(opts: { name: string; commands: readonly Command[]; globals: OptionDefs; command?: Command; columns?: number }): string {
  const width = Math.min(MAX_WIDTH, opts.columns || 100);
  const { name, command } = opts;
  const out: string[] = [];
  if (!command) {
    out.push(`${name} <command> [flags]`, '', ...wrap(ABOUT, width), '', 'Commands:');
    out.push(...table(opts.commands.filter((c) => !c.hidden).map((c) => [`${c.name}${usageOf(c.options)}`, c.summary]), width));
    out.push('', 'Flags:', ...table(flagRows(opts.globals), width));
    out.push('', `Run "${name} <command> --help" for the flags of a command.`);
    return out.join('\n') + '\n';
  }
  out.push(`${name} ${command.name}${usageOf(command.options)} [flags]`, '', ...wrap(command.summary, width));
  const args = Object.entries(command.options).flatMap(([key, def]) => (def.kind === 'positional' ? [[key, def.describe] as [string, string]] : []));
  if (args.length > 0) out.push('', 'Arguments:', ...table(args, width));
  const own = flagRows(command.options);
  if (own.length > 0) out.push('', 'Flags:', ...table(own, width));
  out.push('', 'Global flags:', ...table(flagRows(opts.globals), width));
  if (command.examples.length > 0) {
    out.push('', 'Examples:');
    for (const [line, what] of command.examples) out.push(`  ${name} ${line}`, ...wrap(what, width - 6).map((l) => `      ${l}`));
  }
  return out.join('\n') + '\n';
}

/** Every help text at the prebuilt widths, for the executable's build. */
export function helpTable(commands: readonly Command[], globals: OptionDefs): HelpTable {
  const placeholder = '\u0000'.repeat('kubectl squirrly'.length);
  const texts: HelpTable['texts'] = {};
  for (const columns of PREBUILT_WIDTHS) {
    const byCommand: Record<string, string> = { '': renderHelp({ name: placeholder, commands, globals, columns }) };
    for (const command of commands.filter((c) => !c.hidden)) byCommand[command.name] = renderHelp({ name: placeholder, commands, globals, command, columns });
    texts[String(columns)] = byCommand;
  }
  const valueFlags = Object.entries(globals).flatMap(([key, def]) => (def.kind === 'string' || def.kind === 'list' ? [`--${flagName(key)}`, ...(def.short ? [`-${def.short}`] : [])] : []));
  return { texts, valueFlags, placeholder };
}

/** The width help is wrapped to on this stdout. */
export function helpWidth(stdout: { isTTY?: boolean; columns?: number }): number {
  return Math.min(MAX_WIDTH, (stdout.isTTY ? stdout.columns : 0) || 100);
}

function usageOf(options: OptionDefs): string {
  const positional = Object.values(options).find((d) => d.kind === 'positional');
  return positional?.kind === 'positional' ? ` ${positional.usage}` : '';
}

function flagRows(options: OptionDefs): Array<[string, string]> {
  return Object.entries(options).flatMap(([key, def]): Array<[string, string]> => {
    if (def.kind === 'positional' || def.hidden) return [];
    const long = def.kind === 'boolean' && def.negatable ? `--no-${flagName(key)}` : `--${flagName(key)}`;
    const value = def.kind === 'boolean' ? '' : ` ${def.value ?? 'VALUE'}${def.kind === 'list' && def.greedy !== false ? '…' : ''}`;
    const left = `${def.short ? `-${def.short}, ` : '    '}${long}${value}`;
    const choices = def.choices && def.kind !== 'boolean' && !def.describe.includes(def.choices[0]!) ? ` (${def.choices.join(', ')})` : '';
    return [[left, def.describe + choices]];
  });
}

/** Two columns: the left one as wide as its longest entry (up to a limit), the right one wrapped. */
function table(rows: Array<[string, string]>, width: number): string[] {
  const left = Math.min(MAX_LEFT, Math.max(...rows.map(([l]) => l.length)));
  const right = Math.max(30, width - left - 4);
  return rows.flatMap(([l, r]) => {
    const lines = wrap(r, right);
    if (l.length > left) return [`  ${l}`, ...lines.map((x) => `  ${' '.repeat(left)}  ${x}`)];
    return lines.map((x, i) => `  ${(i === 0 ? l : '').padEnd(left)}  ${x}`);
  });
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : [''];
}
