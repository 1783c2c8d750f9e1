// A real Flink cluster fronted by the Kubernetes simulator or the real API server (test/support/cluster.ts):
// the scenario creates the FlinkDeployment and its pods (no simulated Flink), each real process profiles
// into its pod's /tmp folder, and the JobManager pod's port 8081 forwards to the real REST endpoint.
import { startScenario, type TestScenario as Scenario } from '../support/cluster.ts';
import type { SimPod } from '../sim/types.ts';
import { startRealFlink, type FlinkProfile, type RealFlink } from './flink-cluster.ts';
import { join } from 'node:path';

/** what each Maven profile of test/e2e/flink runs */
const flinkVersions: Record<FlinkProfile, string> = { '1.19': '1.19.3', '1.20': '1.20.5', '2.x': '2.3.0' };

export interface RealDeployment {
  scenario: Scenario;
  flink: RealFlink;
  name: string;
  namespace: string;
  jobManagerPod: SimPod;
  taskManagerPods: SimPod[];
  /** host folder that is the pod's /tmp (its rest.profiling.dir) */
  podTmp(pod: SimPod): string;
  stop(): Promise<void>;
}

export async function startRealDeployment(opts: {
  flinkProfile: FlinkProfile;
  name?: string;
  namespace?: string;
  taskManagers?: number;
}): Promise<RealDeployment> {
  const name = opts.name ?? 'sample-job';
  const namespace = opts.namespace ?? 'squirrly';
  const scenario = await startScenario({
    deployments: [
      {
        name,
        namespace,
        external: true,
        flinkVersion: flinkVersions[opts.flinkProfile],
        taskManagers: opts.taskManagers ?? 2,
      },
    ],
  });
  let flink: RealFlink | undefined;
  try {
    const pods = scenario.pods(namespace).filter((p) => p.labels['app'] === name);
    const jobManagerPod = pods.find((p) => p.labels['component'] === 'jobmanager');
    const taskManagerPods = pods.filter((p) => p.labels['component'] === 'taskmanager');
    if (jobManagerPod === undefined) throw new Error('the scenario made no JobManager pod');
    const podTmp = (pod: SimPod) => join(scenario.podFsRoot(pod.namespace, pod.name), 'tmp');
    flink = await startRealFlink({
      flinkProfile: opts.flinkProfile,
      jobManagerProfilingDir: podTmp(jobManagerPod),
      // native mode: the TaskManager's resource id is its pod name
      taskManagers: taskManagerPods.map((pod) => ({ resourceId: pod.name, profilingDir: podTmp(pod) })),
    });
    await scenario.setPortTarget(namespace, jobManagerPod.name, 8081, { host: '127.0.0.1', port: flink.restPort });
    const real = flink;
    // the operator would report what the real cluster runs
    await scenario.updateDeployment(namespace, name, (d) => {
      d.status = {
        ...d.status,
        jobStatus: { ...d.status?.['jobStatus'], jobId: real.jobId, state: 'RUNNING' },
        clusterInfo: { ...d.status?.['clusterInfo'], 'flink-version': real.flinkVersion },
      };
    });
    return {
      scenario,
      flink: real,
      name,
      namespace,
      jobManagerPod,
      taskManagerPods,
      podTmp,
      async stop() {
        await real.stop();
        await scenario.stop();
      },
    };
  } catch (err) {
    await flink?.stop();
    await scenario.stop();
    throw err;
  }
}
