import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proxyStatusProblem, proxyVerb, serviceProxyPrefix } from '../../../src/kube/service-proxy.ts';

const ctx = { method: 'POST', namespace: 'squirrly', service: 'job-rest', server: 'https://k8s:6443' };
const status = (code: number, message = ''): string => JSON.stringify({ kind: 'Status', code, message });

describe('service proxy', () => {
  it('builds the proxy prefix with every segment encoded', () => {
    assert.equal(serviceProxyPrefix('https://k8s:6443/', 'ns', 'job-rest', 'rest'), 'https://k8s:6443/api/v1/namespaces/ns/services/job-rest:rest/proxy');
    assert.equal(serviceProxyPrefix('https://k8s', 'a/b', 's', 'p'), 'https://k8s/api/v1/namespaces/a%2Fb/services/s:p/proxy');
  });
  it('checks the RBAC verb of each method', () => {
    assert.deepEqual(['GET', 'post', 'PUT', 'PATCH', 'DELETE', 'HEAD'].map(proxyVerb), ['get', 'create', 'update', 'patch', 'delete', 'get']);
  });
  it("turns the API server's own refusals into the fix, and leaves Flink's errors alone", () => {
    assert.match(proxyStatusProblem(403, status(403), ctx)?.message ?? '', /you may not create services\/proxy in namespace "squirrly" \(needed by --via proxy\)/);
    assert.match(proxyStatusProblem(503, status(503, 'no endpoints available'), ctx)?.message ?? '', /has no ready JobManager behind it \(no endpoints available\)/);
    assert.match(proxyStatusProblem(401, status(401), ctx)?.message ?? '', /rejected your credentials/);
    assert.equal(proxyStatusProblem(500, JSON.stringify({ errors: ['Internal server error.'] }), ctx), undefined);
    assert.equal(proxyStatusProblem(502, 'not json', ctx), undefined);
  });
});
