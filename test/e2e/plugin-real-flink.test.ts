// The plugin as a user runs it: the real kubectl finds `kubectl-squirrly` on PATH and drives a
// real Flink cluster (1.19, the oldest with the profiler, 1.20 and 2.x) that the Kubernetes simulator fronts,
// or the real API server under SQUIRRLY_CLUSTER=realkube.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRealDeployment, type RealDeployment } from './real-deployment.ts';
import type { FlinkProfile } from './flink-cluster.ts';
import { pluginPathDir } from '../support/cli.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROFILE_COMMAND = join(ROOT, 'src', 'cli', 'commands', 'profile.ts');
const ARTIFACTS_COMMAND = join(ROOT, 'src', 'cli', 'commands', 'artifacts.ts');
const skipAll = existsSync(PROFILE_COMMAND) ? false : 'src/cli/commands/profile.ts does not exist yet';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}


function kubectl(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile('kubectl', args, { env, cwd, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

for (const flinkProfile of ['1.19', '1.20', '2.x'] as FlinkProfile[]) {
  describe(`kubectl squirrly against real Flink ${flinkProfile}`, { skip: skipAll }, () => {
    let real: RealDeployment | undefined;
    let work = '';
    let env: NodeJS.ProcessEnv = {};
    // kubectl finds `kubectl-squirrly` here: the sources, or the single executable under SQUIRRLY_PLUGIN_BIN.
    const plugin = pluginPathDir();

    before(async () => {
      work = mkdtempSync(join(tmpdir(), `plugin-real-${flinkProfile}-`));
      real = await startRealDeployment({ flinkProfile });
      const { OPENAI_API_KEY: _key, ...rest } = process.env;
      env = {
        ...rest,
        PATH: `${plugin.dir}:${process.env['PATH'] ?? ''}`,
        KUBECONFIG: real.scenario.kubeconfigPath,
        NO_COLOR: '1',
      };
    });

    after(async () => {
      plugin.cleanup();
      await real?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    it('profile saves one real flame graph per TaskManager, the same files Flink wrote into the pods', async () => {
      assert.ok(real !== undefined);
      const out = join(work, 'artifacts');
      const run = await kubectl(
        ['squirrly', 'profile', real.name, '-n', real.namespace, '-t', 'ITIMER', '-d', '3', '--output-dir', out, '-o', 'json'],
        env,
        work,
      );
      assert.equal(run.code, 0, `exit ${run.code}\n${run.stderr}\n${real.flink.logTails(15)}`);
      const result = JSON.parse(run.stdout) as { flinkVersion: string | null; targets: Array<{ status: string; pod: string | null; file: string | null }> };
      assert.equal(result.flinkVersion, real.flink.flinkVersion);
      assert.deepEqual(result.targets.map((t) => t.status), real.taskManagerPods.map(() => 'saved'));
      for (const pod of real.taskManagerPods) {
        const target = result.targets.find((t) => t.pod === pod.name);
        assert.ok(target?.file, `no file for ${pod.name}: ${run.stdout}`);
        const html = readFileSync(target.file, 'utf8');
        // Flink wrote it into the pod's /tmp under the same name
        const name = target.file.split('/').pop() ?? '';
        assert.match(name, new RegExp(`^${pod.name}_ITIMER_`));
        assert.ok(readdirSync(real.podTmp(pod)).includes(name), `${name} not in the pod's /tmp`);
        assert.deepEqual(readFileSync(target.file), readFileSync(join(real.podTmp(pod), name)), 'byte-identical to what Flink wrote');
        assert.match(html, /<h1>CPU profile<\/h1>/);
      }
    });

    it('artifacts lists the runs just made', { skip: existsSync(ARTIFACTS_COMMAND) ? false : 'src/cli/commands/artifacts.ts does not exist yet' }, async () => {
      assert.ok(real !== undefined);
      const run = await kubectl(['squirrly', 'artifacts', real.name, '-n', real.namespace, '-o', 'json'], env, work);
      assert.equal(run.code, 0, `exit ${run.code}\n${run.stderr}`);
      for (const pod of real.taskManagerPods) assert.ok(run.stdout.includes(`${pod.name}_ITIMER_`), run.stdout);
    });
  });
}
