import assert from 'node:assert/strict';
import { lstat, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { numbered, writeAtomically, writeAtomicallyWith, writeTextAtomically } from '../../../src/artifacts/atomic-file.ts';

describe('atomic file writes', () => {
  const root = mkdtemp(path.join(tmpdir(), 'squirrly-atomic-'));
  after(async () => rm(await root, { recursive: true, force: true }));
  let n = 0;
  const freshDir = async (): Promise<string> => path.join(await root, `case-${n++}`);

  it('writes a new file and leaves no temp file beside it', async () => {
    const dir = await freshDir();
    const dest = path.join(dir, 'tm-1_CPU.html');
    const written = await writeAtomically(dest, Readable.from([Buffer.from('<html>1</html>')]));
    assert.deepEqual(written, { path: dest, bytes: 14, disposition: 'written' });
    assert.deepEqual(await readdir(dir), ['tm-1_CPU.html']);
  });

  it('keeps an existing file with the same bytes as it was, and says so', async () => {
    const dir = await freshDir();
    const dest = path.join(dir, 'a.html');
    await writeTextAtomically(dest, 'same');
    const before = await lstat(dest);
    const again = await writeTextAtomically(dest, 'same');
    assert.equal(again.disposition, 'identical');
    assert.equal(again.path, dest);
    assert.equal((await lstat(dest)).ino, before.ino, 'the file was not rewritten');
    assert.deepEqual(await readdir(dir), ['a.html']);
  });

  it('never replaces a different file: the new bytes go to -1, then -2, before the extension', async () => {
    const dir = await freshDir();
    const dest = path.join(dir, 'a.html');
    await writeTextAtomically(dest, 'first');
    const second = await writeTextAtomically(dest, 'second');
    const third = await writeTextAtomically(dest, 'third');
    assert.deepEqual([second.disposition, second.path, second.requested], ['kept-both', path.join(dir, 'a-1.html'), dest]);
    assert.equal(third.path, path.join(dir, 'a-2.html'));
    assert.equal(await readFile(dest, 'utf8'), 'first');
    assert.equal(await readFile(path.join(dir, 'a-1.html'), 'utf8'), 'second');
    // the same bytes as a numbered copy: found there, nothing new written
    const repeat = await writeTextAtomically(dest, 'second');
    assert.deepEqual([repeat.disposition, repeat.path], ['identical', path.join(dir, 'a-1.html')]);
    assert.equal((await readdir(dir)).length, 3);
    assert.equal(numbered('/x/y.job.json', 3), '/x/y.job-3.json');
  });

  it('two writers of one name at once keep both files', async () => {
    const dir = await freshDir();
    const dest = path.join(dir, 'same-name.html');
    const results = await Promise.all(['from tm-1', 'from tm-2'].map((text) => writeTextAtomically(dest, text)));
    const paths = results.map((r) => r.path).sort();
    assert.deepEqual(paths, [path.join(dir, 'same-name-1.html'), dest].sort());
    const texts = await Promise.all(paths.map((p) => readFile(p, 'utf8')));
    assert.deepEqual(texts.sort(), ['from tm-1', 'from tm-2']);
  });

  it('never writes through a symlink planted at the name', async () => {
    const dir = await freshDir();
    await writeTextAtomically(path.join(dir, 'seed'), '');
    const victim = path.join(dir, 'victim.txt');
    await writeFile(victim, 'precious');
    const dest = path.join(dir, 'a.collapsed');
    await symlink(victim, dest);
    const kept = await writeTextAtomically(dest, 'stacks 1\n');
    assert.equal(kept.disposition, 'kept-both');
    assert.equal(await readFile(victim, 'utf8'), 'precious');
    // a derived file replaces the link itself, never its target
    const replaced = await writeTextAtomically(dest, 'stacks 2\n', { existing: 'replace' });
    assert.equal(replaced.disposition, 'replaced');
    assert.equal(await readFile(victim, 'utf8'), 'precious');
    assert.ok((await lstat(dest)).isFile());
    assert.equal(await readFile(dest, 'utf8'), 'stacks 2\n');
  });

  it('a write that fails midway (disk full) leaves neither the file nor its temp', async () => {
    const dir = await freshDir();
    const dest = path.join(dir, 'big.html');
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    await assert.rejects(
      writeAtomicallyWith(dest, async (out) => {
        await new Promise<void>((resolve) => out.write(Buffer.alloc(100_000, 1), () => resolve()));
        throw full;
      }),
      /ENOSPC/,
    );
    assert.deepEqual(await readdir(dir), []);
  });

  it('a cut transfer (fewer bytes than announced) leaves nothing under the name', async () => {
    const dir = await freshDir();
    await assert.rejects(writeAtomically(path.join(dir, 'cut.html'), Readable.from([Buffer.from('12345')]), { expectedBytes: 10 }), /short transfer: got 5 of 10 bytes/);
    assert.deepEqual(await readdir(dir), []);
  });
});
