// Builds test/e2e/flink with Maven (downloading jars into the local repository on first use)
// and returns what the cluster processes need: the classpath and the job jar.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type FlinkProfile = '1.19' | '1.20' | '2.x';

export const FLINK_PROJECT = join(dirname(fileURLToPath(import.meta.url)), '..', 'flink');

export interface FlinkBuild {
  profile: FlinkProfile;
  /** runtime classpath of the cluster processes (Flink, log4j, Jackson, async-profiler 2.9) */
  classpath: string;
  /** the job jar (ClickJob, Submit, ApCapture) */
  jobJar: string;
  /** folder with the build output */
  targetDir: string;
}

const built = new Map<FlinkProfile, Promise<FlinkBuild>>();

/** `mvn -q -B package` for the profile, once per node process. */
export function buildFlink(profile: FlinkProfile): Promise<FlinkBuild> {
  let pending = built.get(profile);
  if (pending === undefined) {
    pending = doBuild(profile);
    built.set(profile, pending);
    // a failed build may be retried by a later caller
    pending.catch(() => built.delete(profile));
  }
  return pending;
}

async function doBuild(profile: FlinkProfile): Promise<FlinkBuild> {
  const args = ['-q', '-B', 'package'];
  if (profile === '2.x') args.push('-Pflink2');
  if (profile === '1.19') args.push('-Pflink119');
  try {
    await run('mvn', args, { cwd: FLINK_PROJECT, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`mvn ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
  const targetDir = join(FLINK_PROJECT, 'target', profile);
  return {
    profile,
    classpath: readFileSync(join(targetDir, 'classpath.txt'), 'utf8').trim(),
    jobJar: join(targetDir, 'flink-e2e-job.jar'),
    targetDir,
  };
}

/** Copies one artifact from Maven (e.g. tools.profiler:async-profiler:4.3) into dir; returns the jar path. */
export async function fetchArtifact(coords: string, dir: string): Promise<string> {
  const [group, artifact, version] = coords.split(':');
  if (group === undefined || artifact === undefined || version === undefined) {
    throw new Error(`bad coordinates ${coords}`);
  }
  await run(
    'mvn',
    ['-q', '-B', 'dependency:copy', `-Dartifact=${coords}`, `-DoutputDirectory=${dir}`],
    { cwd: FLINK_PROJECT, maxBuffer: 64 * 1024 * 1024 },
  );
  return join(dir, `${artifact}-${version}.jar`);
}
