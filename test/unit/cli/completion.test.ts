import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../../src/cli/commands/index.ts';
import { complete } from '../../../src/cli/completion.ts';
import { GLOBAL_OPTIONS } from '../../../src/cli/global-options.ts';

const run = (words: string[]): string => complete(words, COMMANDS, GLOBAL_OPTIONS);

describe('completion from the flag definitions', () => {
  it('answers in the format kubectl expects', () => {
    assert.equal(run(['pro']), 'profile\n:4\n');
    assert.equal(run(['profile', 'x', '--type', '']), 'CPU\nITIMER\nALLOC\nLOCK\nWALL\n:4\n');
    assert.equal(run(['profile', 'x', '-t', 'W']), 'WALL\n:4\n');
    assert.match(run(['profile', '--dur']), /^--duration\n:4\n$/);
  });
  it('offers each command\'s own flags, negations as typed, and the global ones', () => {
    const flags = run(['profile', '--']).split('\n');
    for (const f of ['--no-analysis', '--via', '--provider', '--namespace', '--no-color', '--progress']) assert.ok(flags.includes(f), f);
    assert.ok(!run(['doctor', '--']).split('\n').includes('--duration'));
    assert.equal(run(['doctor', '--via', '']), 'port-forward\nproxy\ndirect\n:4\n');
    assert.equal(run(['-o', '']), 'text\njson\n:4\n');
  });
  it('never offers the hidden entry point', () => {
    assert.doesNotMatch(run(['']), /__complete/);
  });
});
