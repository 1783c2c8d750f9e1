import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHeaderKey, headerObject, impersonationHeaders, impersonationOf } from '../../../src/kube/impersonation.ts';

describe('impersonation headers as client-go sends them', () => {
  it('as, as-uid, as-groups and as-user-extra become Impersonate-* headers, one per value', () => {
    const imp = impersonationOf({ as: 'alice', asUid: '1234', asGroups: ['devs', 'ops'], asUserExtra: { scopes: ['view', 'edit'], 'example.com/team': ['flink'] } });
    assert.deepEqual(impersonationHeaders(imp), [
      ['Impersonate-User', 'alice'],
      ['Impersonate-Uid', '1234'],
      ['Impersonate-Group', 'devs'],
      ['Impersonate-Group', 'ops'],
      ['Impersonate-Extra-scopes', 'view'],
      ['Impersonate-Extra-scopes', 'edit'],
      ['Impersonate-Extra-example.com%2Fteam', 'flink'],
    ]);
  });

  it('groups or extras without a user impersonate nobody (clientcmd needs `as`)', () => {
    assert.equal(impersonationOf({ asGroups: ['devs'], asUserExtra: { a: ['b'] } }), undefined);
    assert.deepEqual(impersonationHeaders(undefined), []);
  });

  it('extra keys are escaped like client-go: bytes outside a header token and "%" become %XX', () => {
    assert.equal(escapeHeaderKey('scopes'), 'scopes');
    assert.equal(escapeHeaderKey('a/b c%d'), 'a%2Fb%20c%25d');
    assert.equal(escapeHeaderKey('ü'), '%C3%BC');
  });

  it('repeated names become one array, which Node sends as repeated header lines', () => {
    assert.deepEqual(headerObject([['Impersonate-User', 'a'], ['Impersonate-Group', 'x'], ['Impersonate-Group', 'y']]), { 'Impersonate-User': 'a', 'Impersonate-Group': ['x', 'y'] });
  });
});
