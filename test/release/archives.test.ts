// The hand-written archive formats are read back by the standard tools, with the exec bit intact.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { readTarGz, writeTarGz, type ArchiveEntry } from '../../scripts/release/tar.ts';
import { readZip, writeZip } from '../../scripts/release/zip.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'squirrly-archive-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const entries: ArchiveEntry[] = [
  { name: 'kubectl-squirrly', data: Buffer.alloc(70_000, 7), mode: 0o755 },
  { name: 'LICENSE', data: Buffer.from('Apache License\n'), mode: 0o644 },
];

describe('release archive formats', () => {
  it('tar.gz round-trips and lists in tar with modes', (t) => {
    const gz = writeTarGz(entries);
    assert.deepEqual(readTarGz(gz), entries);
    if (spawnSync('tar', ['--version']).status !== 0) return t.skip('no tar here');
    const file = path.join(tmp, 'a.tar.gz');
    writeFileSync(file, gz);
    const listed = spawnSync('tar', ['tzvf', file], { encoding: 'utf8' });
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /^-rwxr-xr-x .* 70000 .*kubectl-squirrly$/m);
    assert.match(listed.stdout, /^-rw-r--r-- .*LICENSE$/m);
  });

  it('zip round-trips and passes unzip -t with unix modes', (t) => {
    const zip = writeZip(entries);
    assert.deepEqual(readZip(zip), entries);
    if (spawnSync('unzip', ['-v']).status !== 0) return t.skip('no unzip here');
    const file = path.join(tmp, 'a.zip');
    writeFileSync(file, zip);
    const tested = spawnSync('unzip', ['-t', file], { encoding: 'utf8' });
    assert.equal(tested.status, 0, tested.stdout);
    assert.match(spawnSync('unzip', ['-Z', file], { encoding: 'utf8' }).stdout, /-rwxr-xr-x.*kubectl-squirrly/);
  });

  it('writes byte-identical archives for identical input (reproducible releases)', () => {
    assert.ok(writeTarGz(entries).equals(writeTarGz(entries)));
    assert.ok(writeZip(entries).equals(writeZip(entries)));
  });
});
