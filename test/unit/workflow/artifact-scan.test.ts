import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { applyStatOutput, findArgv, missingDirsIn, parseFindOutput, statArgv } from '../../../src/workflow/artifact-scan.ts';

const run = promisify(execFile);

describe('parseFindOutput', () => {
  it('keeps plain names of the scanned dirs and refuses hostile ones', () => {
    const out = Buffer.from(
      [
        '/tmp/tm-1_ITIMER_2024-03-05_14_03_27.html',
        '/tmp/evil\n/tmp/forged_CPU_2024-03-05_14_03_27.html',
        '/opt/flink/log/JobManager_WALL_2024-03-05_14_03_27.html',
        '/elsewhere/a_b_c.html',
        '/tmp/.hidden_a_b.html',
        '',
      ].join('\0'),
    );
    const { files, refused } = parseFindOutput(out, ['/tmp', '/opt/flink/log']);
    assert.deepEqual(files, [
      { dir: '/tmp', name: 'tm-1_ITIMER_2024-03-05_14_03_27.html' },
      { dir: '/opt/flink/log', name: 'JobManager_WALL_2024-03-05_14_03_27.html' },
    ]);
    // NUL-separated: a name with a newline stays one record and can never forge a second entry
    assert.deepEqual(refused, ['.hidden_a_b.html']);
    assert.equal(files.some((f) => f.name.startsWith('forged')), false);
  });

  it('refuses a name with control characters', () => {
    const { files, refused } = parseFindOutput(Buffer.from('/tmp/a\u001b[31m_CPU_x.html\0'), ['/tmp']);
    assert.deepEqual(files, []);
    assert.deepEqual(refused, ['a\u001b[31m_CPU_x.html']);
  });
});

describe('missingDirsIn', () => {
  it('reads GNU and busybox wording', () => {
    const gnu = "find: '/data/profiles': No such file or directory\n";
    const gnuUtf8 = 'find: \u2018/srv\u2019: No such file or directory\n';
    const busybox = 'find: /opt/flink/log: No such file or directory\n';
    assert.deepEqual(missingDirsIn(gnu + gnuUtf8 + busybox, ['/tmp', '/data/profiles', '/opt/flink/log', '/srv']), ['/data/profiles', '/opt/flink/log', '/srv']);
    assert.deepEqual(missingDirsIn("find: '/tmp/x': Permission denied\n", ['/tmp']), []);
  });
});

describe('the scan argv with the real find and stat', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'squirrly-scan-'));
    await mkdir(path.join(root, 'a', 'deeper'), { recursive: true });
    await writeFile(path.join(root, 'a', 'tm-1_ITIMER_2024-03-05_14_03_27.html'), 'x'.repeat(1234));
    await writeFile(path.join(root, 'a', 'evil\nname_CPU_2024-03-05_14_03_27.html'), 'y');
    await writeFile(path.join(root, 'a', 'notes.html'), 'not a profiler file');
    await writeFile(path.join(root, 'a', 'deeper', 'tm-2_WALL_2024-03-05_14_03_27.html'), 'too deep');
    await symlink('/etc/hostname', path.join(root, 'a', 'link_CPU_2024-03-05_14_03_27.html'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('lists regular Flink-like files one level deep, reports missing dirs, and stats sizes', async () => {
    const dirs = [path.join(root, 'a'), path.join(root, 'missing')];
    const [command, ...args] = findArgv(dirs);
    const found: { stdout: Buffer; stderr: Buffer; code?: number } = await run(command!, args, { encoding: 'buffer' }).catch((err: { stdout: Buffer; stderr: Buffer; code: number }) => err);
    assert.equal(found.code, 1, 'find exits 1 when a dir is missing');
    assert.deepEqual(missingDirsIn(found.stderr.toString(), dirs), [path.join(root, 'missing')]);
    const { files, refused } = parseFindOutput(found.stdout, dirs);
    assert.deepEqual(files.map((f) => f.name), ['tm-1_ITIMER_2024-03-05_14_03_27.html']);
    assert.deepEqual(refused, ['evil\nname_CPU_2024-03-05_14_03_27.html']);

    const [statCommand, ...statArgs] = statArgv(files.map((f) => path.posix.join(f.dir, f.name)));
    const stat = await run(statCommand!, statArgs);
    applyStatOutput(files, stat.stdout);
    assert.equal(files[0]!.bytes, 1234);
    assert.ok(files[0]!.mtimeMs! > 0);
  });
});
