// `npm run test:realkube`: the plugin suites on a real control plane (kube-apiserver, etcd, kwok) instead of
// the simulator, plus the tests of the control plane itself. Without the binaries (test/realkube/build.sh)
// it says so and passes, except under CI, where a missing tier is a failure.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { locateBinaries } from './control-plane.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** the suites whose bodies run unchanged on either cluster, and this tier's own */
export const realKubeSuites = [
  'test/realkube/*.realkube.ts',
  'test/integration/profile.test.ts',
  'test/integration/artifacts.test.ts',
  'test/integration/doctor.test.ts',
  'test/integration/in-cluster.test.ts',
  'test/e2e/plugin-real-flink.test.ts',
];

const bin = locateBinaries();
if (bin === undefined) {
  const message = 'the real control plane binaries are not built (bash test/realkube/build.sh builds them)';
  if (process.env['CI']) {
    console.error(`error: ${message}; under CI this tier must run`);
    process.exit(1);
  }
  console.log(`skipping the real control plane tier: ${message}`);
  process.exit(0);
}

const args = process.argv.slice(2);
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...(args.length > 0 ? args : realKubeSuites)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, SQUIRRLY_CLUSTER: 'realkube', SQUIRRLY_REALKUBE_BIN: bin },
});
process.exit(result.status ?? 1);
