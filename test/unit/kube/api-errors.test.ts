import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SquirrlyError } from '../../../src/errors.ts';
import { KubeApiError, statusCode, toKubeError, unauthorized } from '../../../src/kube/api-errors.ts';

const action = { verb: 'list', resource: 'pods', namespace: 'prod', server: 'https://k8s:6443' };

describe('Kubernetes API errors', () => {
  it('names the missing permission on 403, with the Role to ask for', () => {
    const err = toKubeError({ code: 403, body: '{"kind":"Status","message":"forbidden"}' }, action);
    assert.ok(err instanceof KubeApiError);
    assert.equal(err.message, 'permission denied: you may not list pods in namespace "prod"');
    assert.match(err.hint ?? '', /allows "list" on "pods"/);
  });
  it('401 has one message for every request', () => {
    assert.deepEqual([toKubeError({ statusCode: 401 }, action).message, toKubeError({ statusCode: 401 }, action).hint], [unauthorized(action.server).message, unauthorized(action.server).hint]);
    assert.match(unauthorized(action.server).message, /^the API server at https:\/\/k8s:6443 rejected your credentials/);
  });
  it("404 keeps the server's Status message; other codes say what was being done", () => {
    assert.equal(toKubeError({ code: 404, body: { message: 'pods "x" not found' } }, action).message, 'pods "x" not found');
    assert.equal(toKubeError({ code: 503, body: '{"message":"etcd down"}' }, action).message, 'the API server answered 503: etcd down while trying to list pods in namespace "prod"');
  });
  it('no status at all is an unreachable server, with the network cause', () => {
    const err = toKubeError(Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), action);
    assert.equal(err.message, 'cannot reach the API server at https://k8s:6443: fetch failed: ECONNREFUSED');
  });
  it('passes our own errors through and reads the status of refused WebSocket upgrades', () => {
    const ours = new SquirrlyError('already explained');
    assert.equal(toKubeError(ours, action), ours);
    assert.equal(statusCode(new Error('Unexpected server response: 403')), 403);
    assert.equal(statusCode('nothing'), undefined);
  });
});
