import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { renderError } from '../../../../src/cli/render/errors.ts';
import { ExitCode, SquirrlyError, UsageError } from '../../../../src/errors.ts';

const chalk = new Chalk({ level: 0 });

describe('renderError', () => {
  it('a typed error: its line, its hint and its exit code', () => {
    const r = renderError(new UsageError('--via "x" is not one of port-forward, proxy', 'use one of: --via port-forward'), chalk, false);
    assert.equal(r.text, 'error: --via "x" is not one of port-forward, proxy\nhint: use one of: --via port-forward\n');
    assert.equal(r.exitCode, ExitCode.usage);
  });
  it('an unexpected error: one line, the stack only with -v', () => {
    const quiet = renderError(new Error('boom\nsecond line'), chalk, false);
    assert.equal(quiet.text.split('\n')[0], 'error: unexpected failure: boom');
    assert.match(quiet.text, /run again with -v/);
    assert.equal(quiet.exitCode, ExitCode.failure);
    assert.match(renderError(new Error('boom'), chalk, true).text, /at .*errors\.test\.ts/);
    assert.match(renderError(new SquirrlyError('x', { cause: new Error('inner') }), chalk, true).text, /Error: inner/);
  });
});
