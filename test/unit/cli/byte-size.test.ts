import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseByteSize } from '../../../src/cli/byte-size.ts';

describe('--max-artifact-size sizes', () => {
  it('reads Kubernetes quantities: binary and decimal suffixes, plain bytes, decimals', () => {
    assert.deepEqual(
      ['512Mi', '1Gi', '4Gi', '800M', '1.5Gi', '1048576', '64Ki'].map((s) => parseByteSize(s, '--max-artifact-size')),
      [512 * 1024 ** 2, 1024 ** 3, 4 * 1024 ** 3, 800e6, 1.5 * 1024 ** 3, 1048576, 65536],
    );
  });
  it('refuses what is not a size, with the flag and an example', () => {
    for (const bad of ['', '1 GB', '-1Gi', '0', '1Gib', '0x10', '1e9', 'Gi']) {
      assert.throws(() => parseByteSize(bad, '--max-artifact-size'), (err: Error & { exitCode?: number; hint?: string }) => {
        assert.match(err.message, /^--max-artifact-size ".*" is (not a size|out of range)$/);
        assert.equal(err.exitCode, 2);
        assert.match(err.hint ?? '', /512Mi/);
        return true;
      }, bad);
    }
  });
});
