// `analyze` with inputs and outputs that are not what they seem: a device, a named pipe, a
// read-only output folder. Each gets one line and the documented exit code, and nothing blocks.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, runCli } from '../support/cli.ts';
import { mountTinyDisk, NO_MOUNT } from '../support/tiny-disk.ts';

const FIXTURE = path.join(repoRoot, 'test', 'fixtures', 'flamegraphs', 'real-flink1.20-ITIMER.html');

describe('analyze refuses what is not a flame graph file', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'squirrly-inputs-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('/dev/zero fails at once with one line instead of reading forever', async (t) => {
    if (!existsSync('/dev/zero')) return t.skip('no /dev/zero on this system');
    const r = await runCli(['analyze', '/dev/zero', '--provider', 'builtin'], { timeoutMs: 30_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, "error: /dev/zero is not a regular file (a character device)\nhint: pass a flame graph .html file written by Flink's profiler\n");
  });

  it('a named pipe with no writer is refused instead of blocking the open', async (t) => {
    const fifo = path.join(dir, 'tm_ITIMER_2026-01-01_00_00_00.html');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return t.skip('mkfifo is not available');
    // a blocked open would never end: the harness kills it and the code check fails
    const r = await runCli(['analyze', fifo, '--provider', 'builtin'], { timeoutMs: 30_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: .*tm_ITIMER_2026-01-01_00_00_00\.html is not a regular file \(a named pipe\)$/m);
  });

  it('a read-only --output-dir fails the analysis with exit 3 and one line naming the folder', async (t) => {
    const disk = mountTinyDisk({ sizeBytes: 64 * 1024, readOnly: true });
    if (!disk) return t.skip(NO_MOUNT);
    t.after(() => disk.cleanup());
    const input = path.join(dir, 'tm-1_ITIMER_2026-01-01_00_00_00.html');
    copyFileSync(FIXTURE, input);
    const r = await runCli(['analyze', input, '--provider', 'builtin', '--output-dir', disk.dir]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`^error: cannot write ${disk.dir}: the file system is read-only \\(EROFS\\)$`, 'm'));
    assert.match(r.stderr, /^hint: pass --output-dir with a folder you can write to$/m);
    assert.doesNotMatch(r.stderr, /unexpected failure/);
    assert.deepEqual(readdirSync(disk.dir), []);
  });
});
