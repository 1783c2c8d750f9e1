// Captures the diagnosis benchmark's fixtures from real Flink 1.20, one case at a time, into
// test/fixtures/diagnosis/<case>/:
//   <tm-resource-id>_<MODE>_<timestamp>.html   the flame graph Flink wrote, one per TaskManager
//   job.json                                    Flink's job metrics over the same profiling window
//   label.json                                  what a correct diagnosis names (diagnosis-cases.ts)
// Each case gets a fresh cluster (JobManager + one or two TaskManagers), a warm-up, then every
// TaskManager is profiled at once through the REST API while the job metrics are sampled.
// Run: nice ./node_modules/.bin/node test/e2e/capture-diagnosis.ts [--labels-only] [case ...]
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JobMetricsRecorder } from '../../src/flink/job-metrics-reader.ts';
import { FlinkRestClient } from '../../src/flink/rest-client.ts';
import { DIAGNOSIS_CASES, labelOf, type DiagnosisCase } from './diagnosis-cases.ts';
import { startRealFlink } from './flink-cluster.ts';
import { download, profileOnce, targetPath } from './support/profiler-client.ts';

export const DIAGNOSIS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'diagnosis');
const MAX_FIXTURE_BYTES = 1024 * 1024;
const WARM_UP_MS = 20_000;
const PROFILE_SECONDS = 10;
const FLINK_VERSION = '1.20.5';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function capture(c: DiagnosisCase): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), `diagnosis-${c.name}-`));
  const tms = Array.from({ length: c.taskManagers }, (_, i) => `diagnosis-taskmanager-1-${i + 1}`);
  const started = Date.now();
  const flink = await startRealFlink({
    flinkProfile: '1.20',
    jobManagerProfilingDir: join(scratch, 'jm'),
    taskManagers: tms.map((id) => ({ resourceId: id, profilingDir: join(scratch, id) })),
    slotsPerTaskManager: c.slotsPerTaskManager,
    parallelism: c.parallelism,
    job: { mainClass: 'squirrly.e2e.diagnosis.DiagnosisSubmit', args: [c.job] },
    // a fresh metric store at both ends of the window, so the rates cover the profile exactly
    extraConfig: { 'metrics.fetcher.update-interval': 1000, ...(c.extraConfig ?? {}) },
  });
  try {
    if (flink.flinkVersion !== FLINK_VERSION) throw new Error(`expected Flink ${FLINK_VERSION}, the cluster runs ${flink.flinkVersion}`);
    await sleep(WARM_UP_MS);
    const client = new FlinkRestClient(flink.restUrl, { timeoutMs: 10_000 });
    const recorder = await JobMetricsRecorder.start(client, flink.jobId, flink.flinkVersion);
    const runs = await Promise.all(tms.map(async (tm) => ({ tm, info: await profileOnce(flink.restUrl, targetPath(tm), c.mode, PROFILE_SECONDS) })));
    const snapshot = await recorder.finish();
    const dir = join(DIAGNOSIS_DIR, c.name);
    mkdirSync(dir, { recursive: true });
    for (const old of readdirSync(dir).filter((f) => f.endsWith('.html'))) rmSync(join(dir, old));
    for (const { tm, info } of runs) {
      if (info.status !== 'FINISHED' || info.outputFile === null) throw new Error(`${tm} ${c.mode}: ${info.status} ${info.message}`);
      writeFixture(dir, info.outputFile, await download(flink.restUrl, targetPath(tm), info.outputFile));
    }
    writeFixture(dir, 'job.json', `${JSON.stringify(snapshot, null, 2)}\n`);
    writeLabel(c);
    console.log(`${c.name}: captured in ${Math.round((Date.now() - started) / 1000)} s`);
  } catch (err) {
    throw new Error(`${c.name}: ${(err as Error).message}\n${flink.logTails(20)}`, { cause: err });
  } finally {
    await flink.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function writeLabel(c: DiagnosisCase): void {
  const dir = join(DIAGNOSIS_DIR, c.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'label.json'), `${JSON.stringify(labelOf(c, FLINK_VERSION), null, 2)}\n`);
}

function writeFixture(dir: string, name: string, content: string): void {
  const path = join(dir, name);
  writeFileSync(path, content);
  const size = statSync(path).size;
  if (size >= MAX_FIXTURE_BYTES) throw new Error(`${name} is ${size} bytes; use a shorter profile`);
  console.log(`  wrote ${name} (${size} bytes)`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const labelsOnly = args.includes('--labels-only');
  const names = args.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !DIAGNOSIS_CASES.some((c) => c.name === n));
  if (unknown.length > 0) throw new Error(`unknown case(s): ${unknown.join(', ')}`);
  const cases = names.length === 0 ? DIAGNOSIS_CASES : DIAGNOSIS_CASES.filter((c) => names.includes(c.name));
  const started = Date.now();
  for (const c of cases) {
    if (labelsOnly) writeLabel(c);
    else await capture(c);
  }
  console.log(`${cases.length} case(s) in ${Math.round((Date.now() - started) / 1000)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
