// The profiler contract against the Flink simulator, with temporary pod folders.
import { after, before } from 'node:test';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFlinkSim, type FlinkSim } from '../sim/flink/cluster.ts';
import { profilerContract } from './profiler-contract.ts';

const TASK_MANAGER_IDS = ['orders-taskmanager-1-1', 'orders-taskmanager-1-2'];
let sim: FlinkSim | undefined;
let root: string | undefined;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'flink-sim-contract-'));
  const folder = async (name: string) => {
    const path = join(root ?? '', name);
    await mkdir(path);
    return path;
  };
  sim = await startFlinkSim({
    flinkVersion: '1.20.1',
    profiling: true,
    durationMax: 120,
    historySize: 10,
    failingModes: ['CPU', 'ALLOC'],
    clockSpeed: 2,
    job: { name: 'orders', state: 'RUNNING' },
    configuration: { 'rest.profiling.enabled': 'true', 'rest.profiling.duration-max': '2 min', 'taskmanager.numberOfTaskSlots': '2' },
    jobManager: { profilingDir: await folder('jobmanager') },
    taskManagers: await Promise.all(TASK_MANAGER_IDS.map(async (id, i) => ({ id, ip: `10.244.0.${10 + i}`, profilingDir: await folder(id) }))),
  });
});

after(async () => {
  await sim?.stop();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

profilerContract(() => sim?.url ?? 'http://127.0.0.1:1', {
  taskManagerIds: async () => TASK_MANAGER_IDS,
  modes: ['ITIMER', 'WALL', 'LOCK'],
  expectFailingModes: ['CPU', 'ALLOC'],
});
