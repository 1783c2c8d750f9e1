import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { neutralize, terminalSink } from '../../../../src/cli/render/terminal-sink.ts';
import { escapedFields } from '../../../../src/cli/render/untrusted.ts';
import { SecretScrubber } from '../../../../src/text/secrets.ts';

function capture(): { stream: Writable; text(): string } {
  const chunks: string[] = [];
  return { stream: new Writable({ write: (c: Buffer, _e, done) => (chunks.push(c.toString()), done()) }), text: () => chunks.join('') };
}

describe('the terminal sink', () => {
  it("keeps the plugin's own colours and lines, escapes every other control sequence", () => {
    const chalk = new Chalk({ level: 1 });
    const own = `${chalk.green('✔')} saved\n`;
    assert.equal(neutralize(own, true), own);
    assert.equal(neutralize('\u001b]8;;https://evil\u0007link\u001b]8;;\u0007', true), '\\x1b]8;;https://evil\\x07link\\x1b]8;;\\x07');
    assert.equal(neutralize('a\rb\u001b[2K\u001b[1A\u009b2J\u202e', true), 'a\\rb\\x1b[2K\\x1b[1A\\u009b2J\\u202e');
    // with colour off nothing raw passes, colour codes included
    assert.equal(neutralize(own, false), `\\x1b[32m✔\\x1b[39m saved\n`);
  });
  it('blanks secrets in what it writes', () => {
    const out = capture();
    const sink = terminalSink(out.stream, { colour: false, secrets: new SecretScrubber(['sk-secret-123456']) });
    sink.write('error: echo sk-secret-123456 from https://u:p@h/\n');
    assert.equal(out.text(), 'error: echo [redacted] from https://[redacted]@h/\n');
  });
  it('-o json through it stays the same JSON', () => {
    const value = { target: 'tm\u009b\u202e\u2028x', message: 'a\u001b[2Jb\r\n' };
    const written = neutralize(JSON.stringify(value, null, 2), false);
    assert.deepEqual(JSON.parse(written), value);
    assert.doesNotMatch(written, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2028]/);
  });
  it('fields from outside are escaped one line each before rendering; class instances are left alone', () => {
    const err = new Error('x');
    const out = escapedFields({ label: 'tm\n✔ saved fake', nested: [{ m: '\u001b[31m' }], n: 3, err });
    assert.deepEqual(out, { label: 'tm\\n✔ saved fake', nested: [{ m: '\\x1b[31m' }], n: 3, err });
    assert.equal(out.err, err);
  });
});
