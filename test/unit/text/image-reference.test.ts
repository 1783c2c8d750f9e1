import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isImageReference, isPinnedImage } from '../../../src/text/image-reference.ts';

const digest = `sha256:${'a'.repeat(64)}`;

describe('image references', () => {
  it('accepts names, hosts with ports, tags and digests', () => {
    for (const ok of ['kubectl-squirrly', 'acme/kubectl-squirrly:0.1.0', 'ghcr.io/acme/kubectl-squirrly:v0.1.0-rc.1', 'localhost:5000/squirrly', `registry.example/a/b@${digest}`, `r.example:443/x:1@${digest}`, '[::1]:5000/x:y']) {
      assert.ok(isImageReference(ok), ok);
    }
  });

  it('refuses upper case paths, spaces, empty parts, bad tags and short digests', () => {
    for (const bad of ['', 'Acme/x', 'a b', 'x:', 'x::1', '/x', 'x/', 'x//y', 'x:-tag', 'x@sha256:abc', 'x;rm -rf /', `x:${'t'.repeat(129)}`, `${'a'.repeat(256)}:1`]) {
      assert.ok(!isImageReference(bad), bad);
    }
  });

  it('calls a tag other than latest, or a digest, pinned', () => {
    assert.ok(isPinnedImage('acme/x:0.1.0'));
    assert.ok(isPinnedImage(`acme/x@${digest}`));
    assert.ok(!isPinnedImage('acme/x'));
    assert.ok(!isPinnedImage('acme/x:latest'));
    assert.ok(!isPinnedImage('localhost:5000/x'), 'a registry port is no tag');
  });
});
