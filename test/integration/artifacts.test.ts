// `kubectl squirrly artifacts` against the simulated cluster: the real CLI in a child process,
// runs triggered through the Flink REST simulator, files on the pods' disks, faults injected.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ScenarioSpec } from '../sim/types.ts';
import { simOnly, startScenario, type TestScenario as Scenario } from '../support/cluster.ts';
import { runCli, type CliResult } from '../support/cli.ts';

const FAST = 50; // simulated profiler clock speed-up
const NS = 'squirrly';

interface Env {
  scenario: Scenario;
  out: string;
  dir: string;
  artifacts(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult>;
  taskManagers(): string[];
  jobManager(): string;
  stop(): Promise<void>;
}

async function withScenario(spec: ScenarioSpec): Promise<Env> {
  const scenario = await startScenario({ clockSpeed: FAST, ...spec });
  const out = await mkdtemp(path.join(os.tmpdir(), 'squirrly-out-'));
  const pods = (component: string) => scenario.pods(NS).filter((p) => p.labels.component === component).map((p) => p.name).sort();
  return {
    scenario,
    out,
    dir: path.join(out, NS, 'sample-job'),
    artifacts: (args, env = {}) => runCli(['artifacts', 'sample-job', ...args, '--output-dir', out], { env: { KUBECONFIG: scenario.kubeconfigPath, ...env } }),
    taskManagers: () => pods('taskmanager'),
    jobManager: () => pods('jobmanager')[0]!,
    async stop() {
      await scenario.stop();
      await rm(out, { recursive: true, force: true });
    },
  };
}

/** Starts one run per path through the simulator's REST API and waits until each has ended. */
async function profileThroughRest(scenario: Scenario, paths: string[], mode = 'ITIMER'): Promise<void> {
  const base = scenario.flink('sample-job')!.url;
  await Promise.all(
    paths.map(async (p) => {
      const started = await fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode, duration: 1 }) });
      assert.equal(started.status, 200, await started.text());
      for (;;) {
        const list = (await (await fetch(base + p)).json()) as { profilingList: Array<{ status: string }> };
        if (list.profilingList[0]?.status !== 'RUNNING') return;
        await sleep(20);
      }
    }),
  );
}

const tmPath = (id: string) => `/taskmanagers/${encodeURIComponent(id)}/profiler`;
const podFile = (scenario: Scenario, pod: string, dir: string, name: string) => path.join(scenario.podFsRoot(NS, pod), dir, name);
const partials = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.includes('.partial')) : []);
const tableRow = (stdout: string, needle: string) => stdout.split('\n').find((l) => l.includes(needle)) ?? '';

describe('artifacts after profile runs', () => {
  let env: Env;
  const oldWall = 'sample-job-taskmanager-1-1_WALL_2024-03-05_14_03_27.html';
  after(() => env?.stop());
  before(async () => {
    env = await withScenario({ deployments: [{ name: 'sample-job', namespace: NS, taskManagers: 2 }] });
    await profileThroughRest(env.scenario, ['/jobmanager/profiler', ...env.taskManagers().map(tmPath)]);
    // An older run whose file someone moved to the log folder: Flink no longer knows it.
    const wall = podFile(env.scenario, 'sample-job-taskmanager-1-1', 'opt/flink/log', oldWall);
    await writeFile(wall, '<html>old wall profile</html>');
    await utimes(wall, new Date('2024-03-05T14:03:27Z'), new Date('2024-03-05T14:03:27Z'));
    // Hostile and unrelated names on a pod's disk.
    await writeFile(podFile(env.scenario, 'sample-job-taskmanager-1-2', 'tmp', 'evil\nname_CPU_2024-03-05_14_03_27.html'), 'x');
    await writeFile(podFile(env.scenario, 'sample-job-taskmanager-1-2', 'tmp', 'notes.html'), 'x');
  });

  it('lists the REST history of every process merged with the disk scan; hostile names only warn', async () => {
    const r = await env.artifacts([]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^TARGET +STATUS +MODE +TRIGGERED \(UTC\) +DURATION +SIZE +FILE +NOTE$/m);
    assert.match(tableRow(r.stdout, 'JobManager_ITIMER_'), /^JobManager +FINISHED +ITIMER +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +1s +[\d.]+ KiB +JobManager_ITIMER_\S+\.html$/);
    for (const tm of env.taskManagers()) assert.match(tableRow(r.stdout, `${tm}_ITIMER_`), new RegExp(`^${tm} +FINISHED +ITIMER `));
    assert.match(tableRow(r.stdout, oldWall), /^sample-job-taskmanager-1-1 +on disk only +WALL +/);
    assert.doesNotMatch(r.stdout, /notes\.html|evil/);
    assert.match(r.stderr, /warning: pod sample-job-taskmanager-1-2 has a file named "evil\\nname_CPU_2024-03-05_14_03_27\.html", which is refused \(it contains a control character \(\\n\)\); it is ignored/);
    assert.match(r.stdout, /disk scan: 3 of 3 pod\(s\) scanned in \/tmp, \/opt\/flink\/log, \/opt\/flink/);
    assert.match(r.stdout, /Download: kubectl squirrly artifacts sample-job -n squirrly --latest/);
    assert.equal(existsSync(env.dir), false, 'listing downloads nothing');
  });

  it('-o json is one document with the documented fields', async () => {
    const r = await env.artifacts(['-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.deployment, 'sample-job');
    assert.equal(doc.restHistory.available, true);
    assert.deepEqual(doc.targets.map((t: { target: string; history: string }) => `${t.target}:${t.history}`), ['JobManager:listed', ...env.taskManagers().map((tm) => `${tm}:listed`)]);
    const jm = doc.runs.find((x: { target: string }) => x.target === 'JobManager');
    assert.equal(jm.source, 'rest');
    assert.equal(jm.status, 'FINISHED');
    assert.equal(jm.duration, 1);
    assert.equal(typeof jm.triggerTime, 'number');
    assert.equal(jm.onDisk.path, `/tmp/${jm.file}`);
    assert.equal(jm.onDisk.bytes, statSync(podFile(env.scenario, env.jobManager(), 'tmp', jm.file)).size);
    const disk = doc.runs.find((x: { file: string }) => x.file === oldWall);
    assert.deepEqual([disk.source, disk.status, disk.mode, disk.onDisk.path], ['disk', null, 'WALL', `/opt/flink/log/${oldWall}`]);
    assert.equal(doc.pods.length, 3);
    assert.ok(doc.pods.every((p: { scan: string }) => p.scan === 'scanned'));
  });

  it('--latest downloads the newest file of each target, byte for byte; a second run skips them', async () => {
    const r = await env.artifacts(['--latest']);
    assert.equal(r.code, 0, r.stderr);
    // the flame graphs, and in reports/ the report of the run they are the newest of
    const saved = readdirSync(env.dir).filter((f) => f !== 'reports').sort();
    assert.equal(saved.length, 3);
    assert.deepEqual(readdirSync(path.join(env.dir, 'reports')), [saved[0]]);
    assert.deepEqual(saved.map((f) => f.split('_ITIMER_')[0]), ['JobManager', ...env.taskManagers()]);
    for (const f of saved) {
      const pod = f.startsWith('JobManager') ? env.jobManager() : f.split('_ITIMER_')[0]!;
      assert.deepEqual(readFileSync(path.join(env.dir, f)), readFileSync(podFile(env.scenario, pod, 'tmp', f)));
    }
    assert.match(r.stdout, /✔ saved .*JobManager_ITIMER_\S+\.html \([\d.]+ KiB via rest\)/);

    const again = await env.artifacts(['--latest', '-o', 'json']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout).downloads.map((d: { status: string }) => d.status), ['skipped', 'skipped', 'skipped']);
  });

  it('--download fetches a file known only from disk through exec; an unknown name fails', async () => {
    const r = await env.artifacts(['--download', oldWall, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const [d] = JSON.parse(r.stdout).downloads;
    assert.deepEqual([d.status, d.via], ['saved', 'exec']);
    assert.equal(readFileSync(path.join(env.dir, oldWall), 'utf8'), '<html>old wall profile</html>');

    const unknown = await env.artifacts(['--download', 'nope_CPU_2024-01-01_00_00_00.html']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /error: no run of sample-job has the file "nope_CPU_2024-01-01_00_00_00\.html"/);
    assert.match(unknown.stderr, /hint: list the files with: kubectl squirrly artifacts sample-job -n squirrly/);
  });

  it('names search dirs that a pod does not have', async () => {
    const r = await env.artifacts(['--search-dirs', '/tmp /data/profiles']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /disk scan: 3 of 3 pod\(s\) scanned in \/tmp, \/data\/profiles/);
    assert.match(r.stdout, /not present on 3 pod\(s\): \/data\/profiles/);
    assert.doesNotMatch(r.stdout, new RegExp(oldWall), 'the log folder was not searched');
  });

  it('--analyze analyses what it downloaded with the builtin provider', async () => {
    const r = await env.artifacts(['--latest', '--analyze', '--provider', 'builtin', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.analysis.provider, 'builtin');
    assert.equal(doc.analysis.failed, false);
    assert.ok(existsSync(doc.analysis.file));
    for (const d of doc.downloads) assert.ok(existsSync(d.path.replace(/\.html$/, '.summary.json')));
  });
});

describe('artifacts when the cluster is in trouble', () => {
  let env: Env;
  after(() => env?.stop());
  before(async () => {
    env = await withScenario({ deployments: [{ name: 'sample-job', namespace: NS, taskManagers: 3 }] });
  });

  it('a pod whose exec fails: the REST history still lists, the table says its disk was not scanned', { skip: simOnly('a broken container runtime') }, async () => {
    const [tm1] = env.taskManagers();
    await profileThroughRest(env.scenario, [tmPath(tm1!)]);
    env.scenario.pod(NS, tm1!)!.execError = 'container runtime is down';
    try {
      const r = await env.artifacts([]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(tableRow(r.stdout, `${tm1}_ITIMER_`), /FINISHED .* disk not scanned: /);
      assert.match(r.stdout, new RegExp(`disk scan: 3 of 4 pod\\(s\\) scanned`));
      assert.match(r.stdout, new RegExp(`! ${tm1}: disk scan not possible: the API server answered 500 while trying to create pods/exec`));
    } finally {
      delete env.scenario.pod(NS, tm1!)!.execError;
    }
  });

  it('a token without pods/exec: every pod says so, the REST history and downloads still work', async () => {
    // its own run: the test before it stays on the simulator
    await profileThroughRest(env.scenario, [tmPath(env.taskManagers()[0]!)]);
    await env.scenario.setRbac([
      { apiGroups: ['*'], resources: ['flinkdeployments', 'pods', 'pods/portforward', 'services', 'namespaces', 'selfsubjectaccessreviews'], verbs: ['*'] },
    ]);
    try {
      const r = await env.artifacts(['--latest']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /disk scan: 0 of 4 pod\(s\) scanned/);
      assert.equal((r.stdout.match(/disk scan not possible: exec is not allowed \(create pods\/exec\)/g) ?? []).length, 4);
      assert.match(r.stdout, /✔ saved .*_ITIMER_.*via rest/);
    } finally {
      await env.scenario.setRbac([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]);
    }
  });

  it('a TaskManager that left since its run: its files are listed from disk and still download', async () => {
    const tm2 = env.taskManagers()[1]!;
    await profileThroughRest(env.scenario, [tmPath(tm2)], 'WALL');
    env.scenario.flink('sample-job')!.removeTaskManager(tm2);
    const r = await env.artifacts(['--latest', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.targets.some((t: { target: string }) => t.target === tm2), false, 'Flink no longer lists it');
    const run = doc.runs.find((x: { target: string }) => x.target === tm2);
    assert.deepEqual([run.source, run.mode, run.pod], ['disk', 'WALL', tm2]);
    const d = doc.downloads.find((x: { target: string }) => x.target === tm2);
    assert.deepEqual([d.status, d.via], ['saved', 'exec']);
    assert.ok(existsSync(path.join(env.dir, run.file)));
  });

  it('a hostile outputFile from the server is refused and nothing lands outside the output dir', async () => {
    const tm3 = env.taskManagers()[2]!;
    env.scenario.flink('sample-job')!.faults.add({ path: tmPath(tm3), method: 'POST', times: 1, kind: { type: 'outputFile', name: '../../../etc/squirrly-owned.html' } });
    await profileThroughRest(env.scenario, [tmPath(tm3)]);
    const r = await env.artifacts(['--all']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`warning: ${tm3} reports the file name "\\.\\./\\.\\./\\.\\./etc/squirrly-owned\\.html", which is refused \\(it contains "/", which a plain file name does not\\); it is ignored`));
    assert.match(r.stdout, /refused: not a plain file name/);
    const everything = readdirSync(env.out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    // the run folder, and the reports folder inside it, and nothing else
    assert.ok(everything.every((e) => (e.parentPath === env.dir || e.parentPath === path.join(env.dir, 'reports')) && !e.name.includes('squirrly-owned')));
    assert.equal(existsSync(path.join(env.out, '..', 'etc', 'squirrly-owned.html')), false);
  });

  it('a download cut midway is retried; no partial file is left', async () => {
    const tm1 = env.taskManagers()[0]!;
    await profileThroughRest(env.scenario, [tmPath(tm1)], 'ALLOC');
    await rm(env.dir, { recursive: true, force: true });
    env.scenario.flink('sample-job')!.faults.add({ path: /_ALLOC_.*\.html$/, method: 'GET', times: 1, kind: { type: 'truncate', bytes: 100 } });
    const r = await env.artifacts(['--latest', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /retrying download of .*_ALLOC_.*\.html/);
    const d = JSON.parse(r.stdout).downloads.find((x: { file: string }) => x.file.includes('_ALLOC_'));
    assert.deepEqual([d.status, d.via], ['saved', 'rest']);
    assert.deepEqual(readFileSync(d.path), readFileSync(podFile(env.scenario, tm1, 'tmp', d.file)));
    assert.deepEqual(partials(env.dir), []);
  });

  it('a download that keeps failing is reported, exits 1 and leaves no partial file', { skip: simOnly('a broken container runtime') }, async () => {
    const tm1 = env.taskManagers()[0]!;
    await rm(env.dir, { recursive: true, force: true });
    env.scenario.flink('sample-job')!.faults.add({ path: /_ALLOC_.*\.html$/, method: 'GET', kind: { type: 'truncate', bytes: 100 } });
    env.scenario.pod(NS, tm1)!.execError = 'container runtime is down';
    try {
      const r = await env.artifacts(['--latest']);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /✗ \S+_ALLOC_\S+\.html: .*after REST failed/);
      assert.equal(existsSync(env.dir) ? readdirSync(env.dir).filter((f) => f.includes('_ALLOC_')).length : 0, 0);
      assert.deepEqual(partials(env.dir), []);
    } finally {
      env.scenario.flink('sample-job')!.faults.clear();
      delete env.scenario.pod(NS, tm1)!.execError;
    }
  });
});

describe('artifacts on a deployment with profiling disabled', () => {
  it('says so with the patch, and still lists what the disks hold', async (t) => {
    const env = await withScenario({ deployments: [{ name: 'sample-job', namespace: NS, taskManagers: 1, profiling: false }] });
    t.after(() => env.stop());
    const tm = env.taskManagers()[0]!;
    await mkdir(path.join(env.scenario.podFsRoot(NS, tm), 'tmp'), { recursive: true });
    await writeFile(podFile(env.scenario, tm, 'tmp', `${tm}_CPU_2024-03-05_14_03_27.html`), '<html></html>');
    const r = await env.artifacts([]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /! profiling is disabled on sample-job \(rest\.profiling\.enabled is not "true"\)/);
    assert.match(r.stdout, /hint: enable it: kubectl patch flinkdeployment sample-job -n squirrly --type merge -p '\{"spec":\{"flinkConfiguration":\{"rest\.profiling\.enabled":"true"\}\}\}'/);
    assert.match(tableRow(r.stdout, `${tm}_CPU_`), new RegExp(`^${tm} +on disk only +CPU `));
    assert.equal(env.scenario.flink('sample-job')!.requests.filter((q) => q.path.includes('/profiler')).length, 0, 'no profiler route was asked for');
  });
});

describe('artifacts with a full history on 32 TaskManagers', () => {
  it('shows the newest runs per target, says how many are hidden, and -o json lists all', async (t) => {
    const env = await withScenario({ deployments: [{ name: 'sample-job', namespace: NS, taskManagers: 32, historySize: 4 }] });
    t.after(() => env.stop());
    const paths = ['/jobmanager/profiler', ...env.taskManagers().map(tmPath)];
    for (let round = 0; round < 5; round++) await profileThroughRest(env.scenario, paths);
    const r = await env.artifacts([]);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.split('\n').filter((l) => / FINISHED /.test(l));
    assert.equal(rows.length, 33 * 3);
    assert.match(r.stdout, /33 older run\(s\) hidden: newest 3 per target shown \(--limit 0 shows all, -o json lists all\)/);
    assert.match(r.stdout, /disk scan: 33 of 33 pod\(s\) scanned/);

    const one = await env.artifacts(['--limit', '1']);
    assert.equal(one.stdout.split('\n').filter((l) => / FINISHED /.test(l)).length, 33);

    const json = JSON.parse((await env.artifacts(['-o', 'json'])).stdout);
    assert.equal(json.runs.length, 33 * 4);
    assert.ok(json.runs.every((x: { onDisk: unknown }) => x.onDisk !== null), 'Flink deleted the files of dropped runs; the rest are on disk');
  });
});
