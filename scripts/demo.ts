// `npm run demo`: start the simulated demo cluster, profile sample-job through the real
// kubectl plugin mechanism (when kubectl is installed), show the result, stop the cluster.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoScenario } from '../test/sim/scenario.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const duration = process.env.DEMO_DURATION ?? '5';

const scenario = await startDemoScenario();
const pathDir = mkdtempSync(path.join(os.tmpdir(), 'squirrly-demo-'));
symlinkSync(path.join(root, 'bin', 'kubectl-squirrly.js'), path.join(pathDir, 'kubectl-squirrly'));
// The plugin runs on this Node (24), found first on PATH by its shebang.
const env = { ...process.env, KUBECONFIG: scenario.kubeconfigPath, PATH: [pathDir, path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter) };
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
const args = ['profile', 'sample-job', '--type', 'ITIMER', '--duration', duration, '--output-dir', path.join(root, 'squirrly-artifacts')];

console.error(`demo cluster up: FlinkDeployment squirrly/sample-job with 2 TaskManagers (KUBECONFIG=${scenario.kubeconfigPath})`);
console.error(`$ ${hasKubectl ? 'kubectl squirrly' : 'kubectl-squirrly'} ${args.join(' ')}\n`);
let status = 1;
try {
  // Asynchronous: the simulated cluster answers from this very process.
  const child = hasKubectl
    ? spawn('kubectl', ['squirrly', ...args], { env, stdio: 'inherit', cwd: root })
    : spawn(process.execPath, [path.join(root, 'bin', 'kubectl-squirrly.js'), ...args], { env, stdio: 'inherit', cwd: root });
  // Ctrl-C reaches the plugin (same process group); the demo waits for it to finish cleanly.
  process.on('SIGINT', () => {});
  status = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
} finally {
  await scenario.stop();
  rmSync(pathDir, { recursive: true, force: true });
}
process.exit(status);
