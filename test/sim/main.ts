// `npm run sim`: a simulated cluster with the demo FlinkDeployment, until Ctrl-C.
// The first stdout line is `KUBECONFIG=<path>` so scripts can pick it up.
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoScenario } from './scenario.ts';

const scenario = await startDemoScenario();
// a copy outside the scenario folder, so it stays valid however the scenario lays out its files
const outputDir = await mkdtemp(join(tmpdir(), 'squirrly-sim-'));
const kubeconfig = join(outputDir, 'kubeconfig.yaml');
await copyFile(scenario.kubeconfigPath, kubeconfig);

const [jobManager] = scenario.pods(scenario.namespace).filter((p) => p.labels['component'] === 'jobmanager');
process.stdout.write(
  [
    `KUBECONFIG=${kubeconfig}`,
    `Simulated cluster at ${scenario.server} (namespace ${scenario.namespace}, FlinkDeployment sample-job, Flink 1.20.1).`,
    'Try, in another shell:',
    `  export KUBECONFIG=${kubeconfig}`,
    '  kubectl get flinkdeployments',
    '  kubectl get pods -l component=taskmanager',
    `  kubectl exec ${jobManager?.name ?? '<jobmanager pod>'} -- ls /tmp`,
    '  kubectl squirrly profile sample-job --duration 10',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await scenario.stop();
  await rm(outputDir, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`failed to stop the simulator cleanly: ${String(error)}\n`);
        process.exit(1);
      },
    );
  });
}
