// Text from outside the plugin (a cluster, a pod's disk, a model) made harmless to show: every
// character a terminal would act on, or that reorders what is shown, becomes a visible escape.
// The escapes are also valid inside a JSON string (C0 never reaches one raw: JSON.stringify
// escapes it), so JSON output keeps its value exactly.

/**
 * C0 controls (but tab and newline, decided per use), DEL, C1 controls (U+009B is a CSI on its own),
 * the bidi embeddings, overrides, isolates and marks, the Unicode line and paragraph separators,
 * and lone surrogates.
 */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (code < 0x20) return `\\x${code.toString(16).padStart(2, '0')}`;
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every unsafe character shown as an escape (`\x1b`, `\r`, `\u009b`, `\u202e`). */
export function visible(text: string, options: { keepNewlines?: boolean } = {}): string {
  return text.replace(options.keepNewlines ? UNSAFE_BUT_NEWLINE : UNSAFE, escapeChar);
}

/** The first unsafe character of `text` and what it is, for a one-line refusal. */
export function firstUnsafe(text: string): { char: string; what: string } | undefined {
  const m = new RegExp(UNSAFE.source).exec(text);
  if (!m) return undefined;
  const code = m[0].charCodeAt(0);
  const what =
    code < 0x20 ? 'a control character' : code === 0x7f ? 'DEL' : code <= 0x9f ? 'a C1 control character' : code >= 0xd800 && code <= 0xdfff ? 'a lone surrogate' : code === 0x2028 || code === 0x2029 ? 'a line separator' : 'a bidi control';
  return { char: escapeChar(m[0]), what };
}

/** A name from outside, quoted and shortened for a message: `"bad\x1b[2J…"`. */
export function quoted(text: string, maxChars = 80): string {
  const short = text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
  return `"${visible(short).replaceAll('"', '\\"')}"`;
}
