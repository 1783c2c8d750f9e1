import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { choiceOption, flagName, flagOption, listOption, textOption, wholeNumberOption } from '../../../src/cli/options.ts';
import { ExitCode, UsageError } from '../../../src/errors.ts';

const usage = (message: RegExp) => (err: unknown) => err instanceof UsageError && err.exitCode === ExitCode.usage && message.test(err.message);

describe('option definitions', () => {
  it('flag names are the keys in kebab case', () => {
    assert.equal(flagName('outputDir'), 'output-dir');
    assert.equal(flagName('requestTimeout'), 'request-timeout');
    assert.equal(flagName('via'), 'via');
  });
  it('defaults apply only when the flag is absent', () => {
    assert.equal(textOption({ describe: '', default: './out' }).parse(undefined, {}, '--x'), './out');
    assert.equal(textOption({ describe: '' }).parse('', {}, '--x'), '');
    assert.equal(flagOption({ describe: '', default: true }).parse(false, {}, '--x'), false);
    assert.deepEqual(listOption({ describe: '' }).parse([], {}, '--x'), []);
  });
  it('choices are exact; anything else names the flag and the choices', () => {
    const via = choiceOption(['port-forward', 'proxy'], { describe: '', default: 'port-forward' });
    assert.equal(via.parse('proxy', {}, '--via'), 'proxy');
    assert.equal(via.parse(undefined, {}, '--via'), 'port-forward');
    assert.throws(() => via.parse('Proxy', {}, '--via'), usage(/^--via "Proxy" is not one of port-forward, proxy$/));
  });
  it('whole numbers with a minimum', () => {
    const limit = wholeNumberOption({ describe: '', default: 3, min: 0, hint: 'e.g. --limit 5' });
    assert.equal(limit.parse(undefined, {}, '--limit'), 3);
    assert.equal(limit.parse('0', {}, '--limit'), 0);
    for (const bad of ['-1', '2.5', 'x', '', '0x10', '1e3', ' 5', '5 ', '+5', '5.', '\u0665', '9'.repeat(400)]) assert.throws(() => limit.parse(bad, {}, '--limit'), usage(/--limit must be a whole number of at least 0/), bad);
  });
});
