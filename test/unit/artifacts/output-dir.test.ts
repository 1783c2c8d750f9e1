// The output folder check on real file systems: a temp dir, a read-only tmpfs and a full one when
// the machine lets the test mount (root), else those cases skip saying why.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DiskError, diskErrorOf } from '../../../src/artifacts/disk-errors.ts';
import { checkOutputDir, describeFree } from '../../../src/artifacts/output-dir.ts';
import { mountTinyDisk, NO_MOUNT } from '../../support/tiny-disk.ts';

describe('output folder check', () => {
  it('creates the folder, leaves nothing behind and reports the free space', async (t) => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'squirrly-dir-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const dir = path.join(root, 'ns', 'job');
    const state = await checkOutputDir(dir);
    assert.deepEqual(readdirSync(dir), []);
    assert.ok(state.freeBytes !== undefined && state.freeBytes > 0);
    assert.match(describeFree(state), /^\d+(\.\d)? (B|KiB|MiB|GiB|TiB) free$/);
  });

  it('a read-only file system is named with its path and the fix', async (t) => {
    const disk = mountTinyDisk({ sizeBytes: 64 * 1024, readOnly: true });
    if (!disk) return t.skip(NO_MOUNT);
    t.after(() => disk.cleanup());
    const dir = path.join(disk.dir, 'ns', 'job');
    await assert.rejects(checkOutputDir(dir), (err: DiskError) => {
      assert.ok(err instanceof DiskError);
      assert.equal(err.message, `cannot write ${dir}: the file system is read-only (EROFS)`);
      assert.equal(err.hint, 'pass --output-dir with a folder you can write to');
      return true;
    });
  });

  it('a full disk is refused before anything is triggered', async (t) => {
    const disk = mountTinyDisk({ sizeBytes: 4096 });
    if (!disk) return t.skip(NO_MOUNT);
    t.after(() => disk.cleanup());
    writeFileSync(path.join(disk.dir, 'filler'), Buffer.alloc(4096));
    await assert.rejects(checkOutputDir(disk.dir), { name: 'DiskError', message: `cannot write ${disk.dir}: the disk is full (ENOSPC)` });
  });

  it('a write to /dev/full is a disk error; a network error is not', async (t) => {
    if (!existsSync('/dev/full')) return t.skip('no /dev/full on this system');
    const full = await writeFile('/dev/full', 'x').then(() => undefined, (err: unknown) => err);
    assert.equal(diskErrorOf(full, '/out')?.message, 'cannot write /out: the disk is full (ENOSPC)');
    const refused = await fetch('http://127.0.0.1:1/').then(() => undefined, (err: unknown) => err);
    assert.equal(diskErrorOf(refused, '/out'), undefined);
  });
});
