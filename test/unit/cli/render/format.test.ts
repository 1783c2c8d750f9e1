import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { formatBytes, relativePath } from '../../../../src/cli/render/format.ts';

describe('format', () => {
  it('bytes in binary units', () => {
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(3 * 1024 * 1024), '3.0 MiB');
  });
  it('paths below the working directory relative, others as given', () => {
    assert.equal(relativePath(path.join(process.cwd(), 'out', 'a.html')), path.join('out', 'a.html'));
    assert.equal(relativePath('/elsewhere/a.html').startsWith('/'), path.relative(process.cwd(), '/elsewhere/a.html').startsWith('..'));
  });
});
