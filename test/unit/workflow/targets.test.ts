import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SquirrlyError } from '../../../src/errors.ts';
import { mapTaskManagersToPods } from '../../../src/flink/taskmanager-pods.ts';
import { matchRun } from '../../../src/workflow/profile.ts';
import { planTargets } from '../../../src/workflow/targets.ts';

describe('mapTaskManagersToPods', () => {
  it('maps native ids by pod name and standalone ids by IP (from the id or the RPC path)', () => {
    const mapped = mapTaskManagersToPods(
      [
        { id: 'job-taskmanager-1-1' },
        { id: '10.0.0.7:6122-3fa2b1' },
        { id: 'custom-id', path: 'pekko.tcp://flink@10.0.0.8:6122/user/rpc/taskmanager_0' },
        { id: 'ghost' },
        {},
      ],
      [{ name: 'job-taskmanager-1-1', ip: '10.0.0.5' }, { name: 'job-tm-a', ip: '10.0.0.7' }, { name: 'job-tm-b', ip: '10.0.0.8' }],
    );
    assert.deepEqual(mapped, [
      { id: 'job-taskmanager-1-1', pod: 'job-taskmanager-1-1' },
      { id: '10.0.0.7:6122-3fa2b1', pod: 'job-tm-a' },
      { id: 'custom-id', pod: 'job-tm-b' },
      { id: 'ghost' },
    ]);
  });
});

describe('planTargets', () => {
  const tms = [{ id: 'tm-1', pod: 'tm-1' }, { id: '10.0.0.7:6122-ab', pod: 'job-tm-a' }];
  it('defaults to every TaskManager', () => {
    assert.deepEqual(planTargets(tms, { taskManagers: [], jobManager: false }, 'jm').map((t) => t.label), ['tm-1', '10.0.0.7:6122-ab']);
  });
  it('narrows by id or pod name, and adds the JobManager', () => {
    const plan = planTargets(tms, { taskManagers: ['job-tm-a'], jobManager: true }, 'jm-pod');
    assert.deepEqual(plan.map((t) => [t.label, t.pod]), [['JobManager', 'jm-pod'], ['10.0.0.7:6122-ab', 'job-tm-a']]);
  });
  it('--jobmanager alone selects only the JobManager', () => {
    assert.deepEqual(planTargets(tms, { taskManagers: [], jobManager: true }, 'jm').map((t) => t.label), ['JobManager']);
  });
  it('an unknown TaskManager lists the known ones', () => {
    assert.throws(() => planTargets(tms, { taskManagers: ['tm-9'], jobManager: false }, 'jm'), (err: SquirrlyError) => {
      assert.match(err.message, /unknown TaskManager "tm-9"/);
      assert.match(err.hint ?? '', /tm-1, 10\.0\.0\.7:6122-ab \(pod job-tm-a\)/);
      return err.exitCode === 2;
    });
  });
});

describe('matchRun', () => {
  it('finds this run by trigger time, not just the newest entry', () => {
    const ours = { status: 'RUNNING', mode: 'ITIMER', triggerTime: 1000 };
    const list = [
      { status: 'RUNNING', mode: 'WALL', triggerTime: 2000 },
      { status: 'FINISHED', mode: 'ITIMER', triggerTime: 1000, outputFile: 'x.html' },
    ];
    assert.equal(matchRun(list, ours)?.outputFile, 'x.html');
    assert.equal(matchRun([{ status: 'FINISHED', mode: 'ITIMER', triggerTime: 999 }], ours), undefined);
  });
});
