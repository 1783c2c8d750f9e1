import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandName } from '../../../src/cli/invocation.ts';

describe('commandName', () => {
  it('says "kubectl squirrly" when kubectl ran the plugin, else the file name users typed', () => {
    assert.equal(commandName('/usr/local/bin/kubectl-squirrly'), 'kubectl squirrly');
    assert.equal(commandName('/home/u/.krew/bin/kubectl_complete-squirrly'), 'kubectl squirrly');
    assert.equal(commandName('/opt/squirrly/squirrly'), 'kubectl-squirrly');
  });
});
