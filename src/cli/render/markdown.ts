// The analysis as a person reads it on a terminal: Markdown rendered (headings, emphasis, lists,
// tables, code) to the terminal's width, in colour only when colour is on. Piped output and the
// saved .analysis.md stay Markdown. The text is escaped before it is parsed, so what reaches the
// terminal is the renderer's own styling around visible characters.
//
// A streamed answer is rendered block by block: a block (paragraph, list, table, fenced code) is
// drawn once the blank line after it arrives, so the reader sees the answer grow without ever
// seeing raw Markdown.
import type { ChalkInstance } from 'chalk';
import type { MarkedExtension } from 'marked';

/** hyperlink sequences (OSC 8) the renderer adds on terminals that support them; links stay as text */
const OSC8 = /\u001b\]8;[^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

type Render = (markdown: string) => string;

/** A renderer for one terminal: `chalk` decides whether there is colour (level 0: none). */
export async function markdownRenderer(options: { width: number; chalk: ChalkInstance }): Promise<Render> {
  const { Marked, markedTerminal } = await import('./markdown-libs.ts');
  const c = options.chalk;
  const colour = c.level > 0;
  const style = (f: (s: string) => string) => (colour ? f : (s: string) => s);
  const extension = markedTerminal({
    width: Math.max(40, Math.min(options.width, 120)),
    reflowText: true,
    emoji: false,
    showSectionPrefix: false,
    tab: 2,
    code: style(c.yellow),
    blockquote: style(c.gray.italic),
    html: style(c.gray),
    heading: style(c.bold),
    firstHeading: style(c.bold.underline),
    hr: style((s) => s),
    listitem: style((s) => s),
    table: style((s) => s),
    paragraph: style((s) => s),
    strong: style(c.bold),
    em: style(c.italic),
    codespan: style(c.yellow),
    del: style(c.dim.strikethrough),
    link: style(c.blue),
    href: style(c.blue.underline),
    text: (s: string) => s,
    tableOptions: { style: { head: colour ? ['bold'] : [], border: colour ? ['gray'] : [] } },
  }) as unknown as MarkedExtension;
  const marked = new Marked(extension);
  const width = Math.max(40, Math.min(options.width, 120));
  return (markdown) => wrapLong((marked.parse(markdown, { async: false }) as string).replace(OSC8, ''), width);
}

const SGR = /\u001b\[[0-9;]*m/g;
const visibleLength = (line: string): number => line.replace(SGR, '').length;

/**
 * The renderer reflows paragraphs only: list items and other long lines are wrapped here at spaces,
 * continuing under the item's text. Tables and code keep their lines.
 */
function wrapLong(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      if (visibleLength(line) <= width || /^\s*[│┌├└]/.test(line.replace(SGR, ''))) return line;
      const plain = line.replace(SGR, '');
      const indent = ' '.repeat((/^(\s*(?:[*•-]\s+|\d+\.\s+)?)/.exec(plain)?.[1] ?? '').length);
      const out: string[] = [];
      let current = '';
      for (const word of line.split(' ')) {
        const next = current === '' ? word : `${current} ${word}`;
        if (current !== '' && visibleLength(next) > width) {
          out.push(current);
          current = indent + word;
        } else current = next;
      }
      out.push(current);
      return out.join('\n');
    })
    .join('\n');
}

/** Feeds a streamed answer to `render` one finished block at a time. */
export class MarkdownStream {
  readonly #render: Render;
  #pending = '';

  constructor(render: Render) {
    this.#render = render;
  }

  /** The rendered text of the blocks this chunk finished (often nothing). */
  push(chunk: string): string {
    this.#pending += chunk;
    const cut = lastBlockEnd(this.#pending);
    if (cut <= 0) return '';
    const done = this.#pending.slice(0, cut);
    this.#pending = this.#pending.slice(cut);
    return this.#render(done);
  }

  /** The rest, rendered. */
  end(): string {
    const rest = this.#pending;
    this.#pending = '';
    return rest.trim() === '' ? '' : this.#render(rest);
  }
}

/** Where the last finished block ends: after the last blank line that is not inside a fenced code block. */
function lastBlockEnd(text: string): number {
  let inFence = false;
  let end = -1;
  let at = 0;
  for (const line of text.split('\n').slice(0, -1)) {
    at += line.length + 1;
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    else if (!inFence && line.trim() === '') end = at;
  }
  return end;
}
