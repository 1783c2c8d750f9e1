// The Markdown libraries in one module, so the single executable keeps them in a chunk of their
// own, loaded the first time an answer is drawn on a terminal.
export { Marked } from 'marked';
export { markedTerminal } from 'marked-terminal';
