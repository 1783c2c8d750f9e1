import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstUnsafe, quoted, visible } from '../../../src/text/visible.ts';

describe('visible: text from outside made harmless to show', () => {
  it('escapes C0, DEL, C1, bidi controls, line separators and lone surrogates; keeps tabs and printable text', () => {
    const cases: Array<[string, string]> = [
      ['\u001b]0;owned\u0007', '\\x1b]0;owned\\x07'],
      ['\u001b[2J\u001b[H', '\\x1b[2J\\x1b[H'],
      ['fake\r✔ saved', 'fake\\r✔ saved'],
      ['a\nb', 'a\\nb'],
      ['\u009b31m', '\\u009b31m'],
      ['\u0085', '\\u0085'],
      ['x\u007f', 'x\\u007f'],
      ['evil\u202etxt.exe', 'evil\\u202etxt.exe'],
      ['\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u202a', '\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c\\u202a'],
      ['\u2028\u2029', '\\u2028\\u2029'],
      ['\ud800x', '\\ud800x'],
      ['tab\there', 'tab\there'],
      ['Grüße 😀 日本 org.apache.flink.Foo.bar()', 'Grüße 😀 日本 org.apache.flink.Foo.bar()'],
    ];
    for (const [input, expected] of cases) assert.equal(visible(input), expected, JSON.stringify(input));
  });
  it('keeps newlines when asked (a multi-line answer), never \\r', () => {
    assert.equal(visible('line 1\nline 2\r\n\u001b[1A', { keepNewlines: true }), 'line 1\nline 2\\r\n\\x1b[1A');
  });
  it('the escapes of C1 and bidi controls are JSON escapes: a JSON document keeps its value', () => {
    const doc = JSON.stringify({ name: 'tm\u009b2J\u202e\u2028\u007f' });
    assert.deepEqual(JSON.parse(visible(doc)), { name: 'tm\u009b2J\u202e\u2028\u007f' });
  });
  it('names the first unsafe character, and quotes names shortened', () => {
    assert.deepEqual(firstUnsafe('ab\u202ec'), { char: '\\u202e', what: 'a bidi control' });
    assert.equal(firstUnsafe('plain'), undefined);
    assert.equal(quoted('a"b\u001b'), '"a\\"b\\x1b"');
    assert.equal(quoted('x'.repeat(100)).length, 83);
  });
});
