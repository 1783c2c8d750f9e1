import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SquirrlyError } from '../../../src/errors.ts';
import { planTargets } from '../../../src/workflow/targets.ts';

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
