import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseVia, restServiceName } from '../../../src/workflow/rest-transport.ts';

describe('REST transport choice', () => {
  it('defaults to a port-forward and knows the service proxy', () => {
    assert.deepEqual([parseVia(undefined), parseVia(''), parseVia('proxy'), parseVia('port-forward')], ['port-forward', 'port-forward', 'proxy', 'port-forward']);
    assert.throws(() => parseVia('ssh'), /unknown --via "ssh"/);
  });
  it("proxies to the operator's REST service of the deployment", () => {
    assert.equal(restServiceName('sample-job'), 'sample-job-rest');
  });
});
