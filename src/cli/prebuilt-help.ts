// Help for the built executable, rendered from the definitions when it was built, so `--help`
// runs no more code than `version`. The sources have no table and render help live instead.
export interface HelpTable {
  /** rendered text per width, then per command ('' is the overview); the name is a placeholder */
  texts: Record<string, Record<string, string>>;
  /** global flags that take a value, to find the command word the way the parser does */
  valueFlags: string[];
  /** stands for the name the user typed (same length as both spellings, so wrapping holds) */
  placeholder: string;
}

/** The widths tables are rendered at: pipes and narrow-enough terminals, and wide terminals. */
export const PREBUILT_WIDTHS = [100, 110] as const;

declare const __SQUIRRLY_HELP__: HelpTable | undefined;

/** The built text for this argv and terminal width, or undefined (render live). */
export function prebuiltHelp(argv: readonly string[], width: number, name: string, table: HelpTable | undefined = typeof __SQUIRRLY_HELP__ === 'object' ? __SQUIRRLY_HELP__ : undefined): string | undefined {
  const texts = table?.texts[String(width)];
  if (!table || !texts) return undefined;
  const end = argv.indexOf('--');
  const words = end < 0 ? argv : argv.slice(0, end);
  if (!words.includes('--help') && !words.includes('-h')) return undefined;
  let command = '';
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('-') || word === '-') {
      command = word;
      break;
    }
    // `-v 6` is kubectl's log level: the number is its value, as the parser reads it
    if (table.valueFlags.includes(word) || (word === '-v' && /^\d+$/.test(words[i + 1] ?? ''))) i++;
  }
  const text = texts[command] ?? texts[''];
  return text?.split(table.placeholder).join(name);
}
