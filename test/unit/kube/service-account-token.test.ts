import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serviceAccountOfToken } from '../../../src/kube/service-account-token.ts';

/** a JWT of these claims; the signature is never checked by the plugin, so any bytes do */
function jwt(claims: unknown): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'k' })}.${part(claims)}.c2lnbmF0dXJl`;
}

describe('the ServiceAccount a token names', () => {
  it('a bound token (TokenRequest, projected volume) names it in its kubernetes.io claim', () => {
    const token = jwt({
      aud: ['https://kubernetes.default.svc'],
      sub: 'system:serviceaccount:other:ignored',
      'kubernetes.io': { namespace: 'flink-jobs', serviceaccount: { name: 'squirrly-monitor', uid: 'u' }, pod: { name: 'p', uid: 'q' } },
    });
    assert.deepEqual(serviceAccountOfToken(`${token}\n`), { namespace: 'flink-jobs', name: 'squirrly-monitor' });
  });

  it('a legacy Secret token names it in its kubernetes.io/serviceaccount claims', () => {
    const token = jwt({ 'kubernetes.io/serviceaccount/namespace': 'ns', 'kubernetes.io/serviceaccount/service-account.name': 'old-sa' });
    assert.deepEqual(serviceAccountOfToken(token), { namespace: 'ns', name: 'old-sa' });
  });

  it('otherwise the subject system:serviceaccount:NS:NAME', () => {
    assert.deepEqual(serviceAccountOfToken(jwt({ sub: 'system:serviceaccount:ns:from-sub' })), { namespace: 'ns', name: 'from-sub' });
    assert.equal(serviceAccountOfToken(jwt({ sub: 'alice' })), undefined);
  });

  it('an opaque token, a broken payload or names that are not Kubernetes names give nothing', () => {
    for (const token of ['opaque-static-token', 'a.b.c', `x.${Buffer.from('[1]').toString('base64url')}.y`, 'a..b', `${'x'.repeat(70_000)}.e30.y`]) {
      assert.equal(serviceAccountOfToken(token), undefined, token.slice(0, 40));
    }
    const hostile = jwt({ 'kubernetes.io': { namespace: 'ns', serviceaccount: { name: '\u001b[31mred' } }, sub: 'system:serviceaccount:ns:Upper' });
    assert.equal(serviceAccountOfToken(hostile), undefined);
  });
});
