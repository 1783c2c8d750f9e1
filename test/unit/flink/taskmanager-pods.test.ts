import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapTaskManagersToPods } from '../../../src/flink/taskmanager-pods.ts';

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
