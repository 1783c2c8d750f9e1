// The profiler contract (test/contract) against real Flink 1.20 and 2.x clusters started from
// Maven Central jars, so the simulator's assumptions are checked against the real thing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profilerContract } from '../contract/profiler-contract.ts';
import { startRealFlink, type FlinkProfile, type RealFlink } from './flink-cluster.ts';
import { download, profileOnce, targetPath } from './support/profiler-client.ts';

const TASK_MANAGER_IDS = ['sample-job-taskmanager-1-1', 'sample-job-taskmanager-1-2'];

for (const flinkProfile of ['1.20', '2.x'] as FlinkProfile[]) {
  describe(`real Flink ${flinkProfile}`, () => {
    let flink: RealFlink | undefined;
    let root = '';

    before(async () => {
      root = mkdtempSync(join(tmpdir(), `contract-real-${flinkProfile}-`));
      flink = await startRealFlink({
        flinkProfile,
        jobManagerProfilingDir: join(root, 'jobmanager'),
        taskManagers: TASK_MANAGER_IDS.map((resourceId) => ({ resourceId, profilingDir: join(root, resourceId) })),
      });
    });

    after(async () => {
      await flink?.stop();
      rmSync(root, { recursive: true, force: true });
    });

    // ITIMER and WALL need no privileges and always record samples. LOCK is checked below: a short
    // LOCK run may see no contention, and then the root line is f(0,0,0,2,'all') (type 2, not 3).
    // CPU and ALLOC depend on the host.
    profilerContract(() => flink?.restUrl ?? 'http://127.0.0.1:1', {
      taskManagerIds: async () => TASK_MANAGER_IDS,
      modes: ['ITIMER', 'WALL', 'LOCK'],
      timeScale: 2,
    });

    it('a TaskManager LOCK run finishes with a flame graph, possibly without samples', async () => {
      assert.ok(flink !== undefined);
      const target = targetPath(TASK_MANAGER_IDS[0]);
      const info = await profileOnce(flink.restUrl, target, 'LOCK', 1);
      assert.equal(info.status, 'FINISHED', info.message ?? '');
      const html = await download(flink.restUrl, target, info.outputFile ?? '');
      assert.match(html, /<h1>Lock profile<\/h1>/);
      const root = /^f\(0,0,(\d+),(\d),'all'\)$/m.exec(html);
      assert.ok(root !== null, 'no root frame');
      // async-profiler 2.9 types the root by its counters: inlined (2) when there are none
      assert.equal(root[2], root[1] === '0' ? '2' : '3');
    });

    for (const mode of ['CPU', 'ALLOC'] as const) {
      it(`a TaskManager ${mode} run either finishes or fails at start with async-profiler's reason`, async () => {
        assert.ok(flink !== undefined);
        const info = await profileOnce(flink.restUrl, targetPath(TASK_MANAGER_IDS[1]), mode, 1);
        if (info.status === 'FINISHED') {
          assert.match(info.outputFile ?? '', new RegExp(`^${TASK_MANAGER_IDS[1]}_${mode}_`));
        } else {
          assert.equal(info.status, 'FAILED');
          assert.match(info.message ?? '', /^Start profiler failed\. java\.lang\.IllegalStateException: /);
        }
      });
    }

    it('writes each process\'s files into its own rest.profiling.dir', () => {
      // the contract ran on the JobManager and on one TaskManager, the CPU/ALLOC checks on another
      assert.ok(readdirSync(join(root, 'jobmanager')).some((f) => f.startsWith('JobManager_')));
      let files = 0;
      for (const id of TASK_MANAGER_IDS) {
        const names = readdirSync(join(root, id));
        files += names.length;
        assert.ok(names.every((f) => f.startsWith(`${id}_`)), `${id}: ${names.join(',')}`);
      }
      assert.ok(files > 0, 'no TaskManager wrote a file');
    });
  });
}
