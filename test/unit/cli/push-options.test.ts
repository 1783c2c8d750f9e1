import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../../src/errors.ts';
import { pushTenantOption, resolvePushTarget } from '../../../src/cli/push-options.ts';

const SECRET = 's3cret-value-123';

function refusal(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UsageError, String(err));
    return err;
  }
  assert.fail('expected a usage error');
}

describe('--push and its environment', () => {
  it('takes the flag over SQUIRRLY_PUSH_URL, and nothing when neither is set', () => {
    assert.equal(resolvePushTarget(undefined, {}), undefined);
    assert.equal(resolvePushTarget(undefined, { SQUIRRLY_PUSH_URL: 'http://env:4040' })?.url.href, 'http://env:4040/');
    assert.equal(resolvePushTarget('http://flag:4040', { SQUIRRLY_PUSH_URL: 'http://env:4040' })?.url.href, 'http://flag:4040/');
  });

  it('reads a bearer token or basic auth from the environment only', () => {
    assert.deepEqual(resolvePushTarget('http://p', { SQUIRRLY_PUSH_TOKEN: 'tok' })?.auth, { kind: 'bearer', token: 'tok' });
    assert.deepEqual(resolvePushTarget('http://p', { SQUIRRLY_PUSH_USERNAME: 'u', SQUIRRLY_PUSH_PASSWORD: 'pw' })?.auth, { kind: 'basic', username: 'u', password: 'pw' });
    assert.match(refusal(() => resolvePushTarget('http://p', { SQUIRRLY_PUSH_USERNAME: 'u' })).message, /SQUIRRLY_PUSH_USERNAME is set without SQUIRRLY_PUSH_PASSWORD/);
    assert.match(refusal(() => resolvePushTarget('http://p', { SQUIRRLY_PUSH_TOKEN: 't', SQUIRRLY_PUSH_PASSWORD: 'p' })).message, /both SQUIRRLY_PUSH_TOKEN and SQUIRRLY_PUSH_PASSWORD/);
  });

  it('refuses credentials in the URL without repeating them, and what is not an http(s) base URL', () => {
    const err = refusal(() => resolvePushTarget(`https://user:${SECRET}@p:4040`, {}));
    assert.ok(!err.message.includes(SECRET) && !(err.hint ?? '').includes(SECRET));
    assert.match(err.hint ?? '', /SQUIRRLY_PUSH_TOKEN/);
    assert.match(refusal(() => resolvePushTarget('ftp://p', {})).message, /http:\/\/ or https:\/\//);
    assert.match(refusal(() => resolvePushTarget('not a url', {})).message, /is not a URL/);
    assert.match(refusal(() => resolvePushTarget('http://p/?x=1', {})).message, /query/);
    assert.match(refusal(() => resolvePushTarget('', {})).message, /needs a URL/);
  });

  it('takes a tenant from --push-tenant or SQUIRRLY_PUSH_TENANT, refusing what cannot be a header value', () => {
    assert.equal(pushTenantOption.parse(undefined, { SQUIRRLY_PUSH_TENANT: 'team-a' }, '--push-tenant'), 'team-a');
    assert.equal(pushTenantOption.parse('team-b', { SQUIRRLY_PUSH_TENANT: 'team-a' }, '--push-tenant'), 'team-b');
    assert.equal(pushTenantOption.parse(undefined, {}, '--push-tenant'), undefined);
    assert.throws(() => pushTenantOption.parse('a\r\nX-Evil: 1', {}, '--push-tenant'), UsageError);
  });
});
