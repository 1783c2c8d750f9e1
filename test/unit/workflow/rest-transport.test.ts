import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openingMessage, parseVia, restServiceName } from '../../../src/workflow/rest-transport.ts';

describe('REST transport choice', () => {
  it('defaults to a port-forward and knows the service proxy and the direct way', () => {
    assert.deepEqual([parseVia(undefined), parseVia(''), parseVia('proxy'), parseVia('port-forward'), parseVia('direct')], ['port-forward', 'port-forward', 'proxy', 'port-forward', 'direct']);
    assert.throws(() => parseVia('ssh'), /unknown --via "ssh"/);
  });
  it("proxies to the operator's REST service of the deployment", () => {
    assert.equal(restServiceName('sample-job'), 'sample-job-rest');
  });
  it('says which way it opens: the pod, the proxied service, or the service by its cluster DNS name', () => {
    const facts = { name: 'sample-job', namespace: 'flink', restPort: 8081 };
    assert.equal(openingMessage('port-forward', facts, 'sample-job-7d9f'), 'opening a port-forward to sample-job-7d9f:8081');
    assert.equal(openingMessage('proxy', facts, 'sample-job-7d9f'), "reaching sample-job-rest through the API server's service proxy");
    assert.equal(openingMessage('direct', facts, 'sample-job-7d9f'), 'reaching sample-job-rest.flink.svc directly');
  });
});
