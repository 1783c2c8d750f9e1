// Regenerates the real flame-graph fixtures in test/fixtures/flamegraphs/:
//   real-flink1.20-<MODE>.html  from a real Flink 1.20 TaskManager (async-profiler 2.9 format)
//   real-flink1.20-LOCK-empty.html  a profile without samples (root line f(0,0,0,2,'all'))
//   real-failures.json          real FAILED messages: modes this host cannot profile, and provoked ones
//   real-ap4-ITIMER.html        the newer compact format, from async-profiler 4.x's Java API
// Run: ./node_modules/.bin/node test/e2e/capture-fixtures.ts [durationSeconds]
import { mkdtempSync, writeFileSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRealFlink } from './flink-cluster.ts';
import { buildFlink, fetchArtifact } from './support/maven.ts';
import { startGroup, tail } from './support/processes.ts';
import { profileOnce, download, targetPath, type Mode } from './support/profiler-client.ts';

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'flamegraphs');
export const NEWER_ASYNC_PROFILER = 'tools.profiler:async-profiler:4.3';
const MAX_FIXTURE_BYTES = 1024 * 1024;

interface Failure {
  source: string;
  mode: Mode | null;
  target: string;
  /** how the failure was brought about */
  cause: string;
  message: string | null;
}

async function captureFlink(duration: number): Promise<Failure[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'capture-'));
  const tms = ['sample-job-taskmanager-1-1', 'sample-job-taskmanager-1-2'];
  const flink = await startRealFlink({
    flinkProfile: '1.20',
    jobManagerProfilingDir: join(scratch, 'jm'),
    taskManagers: tms.map((id) => ({ resourceId: id, profilingDir: join(scratch, id) })),
  });
  const failures: Failure[] = [];
  try {
    // one run at a time per TaskManager: split the modes over the two
    const plan: Array<[string, Mode[]]> = [
      [tms[0]!, ['ITIMER', 'WALL', 'LOCK']],
      [tms[1]!, ['CPU', 'ALLOC']],
    ];
    await Promise.all(
      plan.map(async ([tm, modes]) => {
        const target = targetPath(tm);
        for (const mode of modes) {
          const info = await profileOnce(flink.restUrl, target, mode, duration);
          if (info.status !== 'FINISHED' || info.outputFile === null) {
            failures.push({ source: `flink-${flink.flinkVersion}`, mode, target: 'taskmanager', cause: 'this host', message: info.message });
            continue;
          }
          const html = await download(flink.restUrl, target, info.outputFile);
          writeFixture(`real-flink1.20-${mode}.html`, html);
        }
      }),
    );
    await captureEmptyProfile(flink.restUrl);
    failures.push(...(await provokedFailures(flink.restUrl, flink.flinkVersion, join(scratch, 'jm'))));
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${flink.logTails()}`, { cause: err });
  } finally {
    await flink.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  return failures;
}

/** A JobManager LOCK run of 1 s normally sees no contention: the flame graph of an empty profile. */
async function captureEmptyProfile(restUrl: string): Promise<void> {
  const info = await profileOnce(restUrl, targetPath(), 'LOCK', 1);
  if (info.status !== 'FINISHED' || info.outputFile === null) throw new Error(`JobManager LOCK: ${info.message}`);
  const html = await download(restUrl, targetPath(), info.outputFile);
  if (!/^f\(0,0,0,2,'all'\)$/m.test(html)) throw new Error('the JobManager LOCK run recorded samples; run again');
  writeFixture('real-flink1.20-LOCK-empty.html', html);
}

/** Real FAILED entries that any host produces: a request without mode, and a missing rest.profiling.dir. */
async function provokedFailures(restUrl: string, version: string, jobManagerDir: string): Promise<Failure[]> {
  const source = `flink-${version}`;
  const res = await fetch(`${restUrl}/jobmanager/profiler`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ duration: 1 }),
  });
  const noMode = (await res.json()) as { status: string; message: string | null };
  if (noMode.status !== 'FAILED') throw new Error(`a run without mode was ${noMode.status}`);
  rmSync(jobManagerDir, { recursive: true, force: true });
  const noDir = await profileOnce(restUrl, targetPath(), 'ITIMER', 1);
  if (noDir.status !== 'FAILED') throw new Error(`a run into a missing folder was ${noDir.status}`);
  return [
    { source, mode: null, target: 'jobmanager', cause: 'POST without "mode"', message: noMode.message },
    { source, mode: 'ITIMER', target: 'jobmanager', cause: 'rest.profiling.dir does not exist', message: noDir.message },
  ];
}

/** Runs ApCapture with the newer async-profiler first on the classpath. */
async function captureNewerFormat(duration: number): Promise<void> {
  const build = await buildFlink('1.20');
  const scratch = mkdtempSync(join(tmpdir(), 'capture-ap-'));
  try {
    const jar = await fetchArtifact(NEWER_ASYNC_PROFILER, scratch);
    const out = join(scratch, 'ap.html');
    const log = join(scratch, 'ap.log');
    const p = startGroup(
      'ap-capture',
      ['java', '-Xmx256m', '-cp', `${jar}:${build.jobJar}:${build.classpath}`, 'squirrly.e2e.ApCapture', 'itimer', String(duration), out],
      { logFile: log },
    );
    const code = await p.exited;
    if (code !== 0) throw new Error(`ApCapture exited ${code}\n${tail(log)}`);
    writeFixture('real-ap4-ITIMER.html', readFileSync(out, 'utf8'));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function writeFixture(name: string, content: string): void {
  const path = join(FIXTURE_DIR, name);
  writeFileSync(path, content);
  const size = statSync(path).size;
  if (size >= MAX_FIXTURE_BYTES) throw new Error(`${name} is ${size} bytes; use a shorter duration`);
  console.log(`wrote ${name} (${size} bytes)`);
}

async function main(): Promise<void> {
  const duration = Number(process.argv[2] ?? '3');
  const failures = await captureFlink(duration);
  writeFileSync(join(FIXTURE_DIR, 'real-failures.json'), JSON.stringify({ failures }, null, 2) + '\n');
  console.log(`wrote real-failures.json (${failures.length} failures)`);
  await captureNewerFormat(duration);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
