// The one way text reaches the terminal: every write to stdout and stderr goes through a sink that
// makes it harmless. Values from outside are escaped field by field before they are rendered
// (untrusted.ts); the sink is the guard behind that, so output nobody escaped still cannot move the
// cursor, retitle the window, plant a hyperlink, rewrite a line or reorder it. It lets through only
// what the plugin itself writes: newlines, tabs and the colour codes of its own styling (and those
// only when colour is on), and it blanks secrets wherever they appear.
import { visible } from '../../text/visible.ts';
import type { SecretScrubber } from '../../text/secrets.ts';

/** What renderers write to: a stream's text side, with what they need to lay out lines. */
export interface TextSink {
  write(text: string): boolean;
  readonly isTTY: boolean;
  readonly columns: number | undefined;
}

/** SGR (colour) sequences like chalk's `\x1b[31m`, `\x1b[39m`, `\x1b[1m`: nothing else is kept. */
const SGR = /\u001b\[[0-9;]{0,16}m/g;

export function neutralize(text: string, colour: boolean): string {
  if (!colour) return visible(text, { keepNewlines: true });
  let out = '';
  let last = 0;
  for (const m of text.matchAll(SGR)) {
    out += visible(text.slice(last, m.index), { keepNewlines: true }) + m[0];
    last = m.index + m[0].length;
  }
  return out + visible(text.slice(last), { keepNewlines: true });
}

export function terminalSink(stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }, options: { colour: boolean; secrets: SecretScrubber }): TextSink {
  return {
    write: (text) => stream.write(neutralize(options.secrets.scrub(text), options.colour)),
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.columns;
    },
  };
}
