// Text from outside put into the plugin's HTML pages: as JSON inside a <script> element (no `<`
// can close it or open a comment, no line separator can end a JS string), or as escaped markup.

export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
