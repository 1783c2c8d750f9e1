// `diff` as a user runs it. The before/after pair is real: the kryo-record job captured from Flink
// 1.20 before and after its record type was made a POJO (same functions, same layout); a correct
// diff says the Kryo cost went and the Kryo finding with it. Known stack sets check the arithmetic
// (normalisation per target and per second), run folders, what the deployment changed, the
// refusals, and that no frame name becomes markup in the differential flame graph.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, runCli } from '../support/cli.ts';
import { startOpenAIServer } from '../support/openai-server.ts';
import { renderV2, type Stack } from '../unit/flamegraph/render-html.ts';

const DIAGNOSIS = path.join(repoRoot, 'test', 'fixtures', 'diagnosis');
const FLAMEGRAPHS = path.join(repoRoot, 'test', 'fixtures', 'flamegraphs');
const htmlIn = (dir: string): string => path.join(dir, readdirSync(dir).find((f) => f.endsWith('.html'))!);

interface DiffDoc {
  mode: string;
  unit: string;
  base: { targets: number; seconds: number | null; rate: number; files: string[] };
  new: { targets: number; seconds: number | null; rate: number; files: string[] };
  self: { grew: Array<{ name: string }>; shrank: Array<{ name: string; basePercent: number; newPercent: number }> };
  total: { grew: Array<{ name: string }>; shrank: Array<{ name: string }> };
  appeared: Array<{ name: string }>;
  vanished: Array<{ name: string }>;
  signals: Array<{ key: string; basePercent: number; newPercent: number }>;
  findings: { fixed: Array<{ id: string }>; introduced: Array<{ id: string }>; persisting: Array<{ id: string }> };
  runChanges: Array<{ what: string; from: string; to: string }>;
  notes: string[];
  html: string | null;
}

const TASK = ['java/lang/Thread.run', 'org/apache/flink/runtime/taskmanager/Task.run'];
const stacks = (userSamples: number, kryoSamples: number, otherSamples = 100): Stack[] => [
  { frames: [...TASK, 'com/acme/Enrich.map'], samples: userSamples },
  { frames: [...TASK, 'org/apache/flink/api/java/typeutils/runtime/kryo/KryoSerializer.serialize', 'com/esotericsoftware/kryo/Kryo.writeClassAndObject'], samples: kryoSamples },
  { frames: [...TASK, 'org/apache/flink/streaming/runtime/io/StreamInputProcessor.processInput'], samples: otherSamples },
];

function jobJson(from: string, seconds: number, deployment?: object): string {
  const to = new Date(Date.parse(from) + seconds * 1000).toISOString();
  return JSON.stringify({ schema: 1, flinkVersion: '1.20.5', jobId: '0'.repeat(32), jobName: 'j', from, to, vertices: [], edges: [], taskManagers: [], ...(deployment ? { deployment } : {}) });
}

describe('diff', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'squirrly-diff-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('on the real before/after pair: the Kryo share and finding are gone, the user functions are the same on both sides', async () => {
    const baseFile = htmlIn(path.join(DIAGNOSIS, 'kryo-record'));
    const newFile = htmlIn(path.join(DIAGNOSIS, 'kryo-record-fixed'));
    const out = path.join(dir, 'pair');
    const r = await runCli(['diff', baseFile, newFile, '--output-dir', out, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as DiffDoc;
    assert.equal(doc.mode, 'ITIMER');
    // both captures have their job metrics beside them, so the comparison is per second
    assert.equal(doc.unit, 'samples/s per target');
    const kryo = doc.signals.find((s) => s.key === 'kryo');
    assert.ok(kryo && kryo.basePercent >= 5 && kryo.newPercent < 1, JSON.stringify(kryo));
    assert.deepEqual(doc.findings.fixed.map((f) => f.id), ['kryo']);
    assert.match(doc.notes.join('\n'), /Kryo share fell from [\d.]+% to [\d.]+%: the types are now serialised without the Kryo fallback/);
    assert.ok(doc.vanished.some((f) => f.name.includes('com/esotericsoftware/kryo/')), 'Kryo frames are gone from NEW');
    // the job's own functions run on both sides: never "new" or "gone"
    for (const fn of ['squirrly/e2e/diagnosis/KryoRecord$ToEvent.flatMap', 'squirrly/e2e/diagnosis/KryoRecord$Summarize.map']) {
      assert.ok(!doc.appeared.some((f) => f.name === fn) && !doc.vanished.some((f) => f.name === fn), fn);
    }
    // generated classes get other numbers in another JVM; compared by their stable names
    assert.ok(!doc.appeared.some((f) => /\$\$Lambda\$\d|0x[0-9a-f]{6,}/.test(f.name)), doc.appeared.map((f) => f.name).join('\n'));
    assert.ok(doc.html && readdirSync(out).includes(path.basename(doc.html)));

    const text = await runCli(['diff', baseFile, newFile, '--no-html']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^ITIMER diff {2}BASE 1 target, \d+ s → NEW 1 target, \d+ s/);
    assert.match(text.stdout, /What changed\n {2}• /);
    assert.doesNotMatch(text.stdout, /Differential flame graph/);
  });

  it('normalises per target and per second: two TaskManagers for 20 s equal one for 10 s with the same per-target load', async () => {
    const one = path.join(dir, 'norm-base');
    const two = path.join(dir, 'norm-new');
    mkdirSync(one);
    mkdirSync(two);
    writeFileSync(path.join(one, 'tm-1_ITIMER_2026-01-01_00_00_10.html'), renderV2(stacks(300, 200)));
    writeFileSync(path.join(one, 'job.json'), jobJson('2026-01-01T00:00:00Z', 10));
    // twice the run length and two targets: four times the samples, the same rate per target and second
    for (const tm of ['tm-1', 'tm-2']) writeFileSync(path.join(two, `${tm}_ITIMER_2026-01-01_00_01_20.html`), renderV2(stacks(600, 400, 200)));
    writeFileSync(path.join(two, 'job.json'), jobJson('2026-01-01T00:01:00Z', 20));
    const r = await runCli(['diff', one, two, '--no-html', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as DiffDoc;
    assert.equal(doc.unit, 'samples/s per target');
    assert.equal(doc.new.targets, 2);
    assert.equal(doc.base.rate, doc.new.rate);
    assert.deepEqual([doc.self.grew, doc.self.shrank, doc.appeared, doc.vanished], [[], [], [], []]);

    // the same NEW with the Kryo path halved: Kryo shrank, Enrich.map did not move
    writeFileSync(path.join(two, 'tm-2_ITIMER_2026-01-01_00_01_20.html'), renderV2(stacks(600, 0, 200)));
    const fixed = JSON.parse((await runCli(['diff', one, two, '--no-html', '-o', 'json'])).stdout) as DiffDoc;
    assert.equal(fixed.self.shrank[0]?.name, 'com/esotericsoftware/kryo/Kryo.writeClassAndObject');
    assert.ok(!fixed.self.grew.some((f) => f.name === 'com/acme/Enrich.map') && !fixed.self.shrank.some((f) => f.name === 'com/acme/Enrich.map'));
  });

  it('takes a folder as its newest run, and says what the deployment changed between the runs', async () => {
    const folder = path.join(dir, 'runs');
    mkdirSync(folder);
    // an older run, and the newest one of two TaskManagers triggered a second apart
    writeFileSync(path.join(folder, 'tm-1_ITIMER_2026-01-01_00_00_00.html'), renderV2(stacks(300, 200)));
    writeFileSync(path.join(folder, 'tm-1_ITIMER_2026-01-02_00_00_00.html'), renderV2(stacks(300, 50)));
    writeFileSync(path.join(folder, 'tm-2_ITIMER_2026-01-02_00_00_01.html'), renderV2(stacks(300, 50)));
    const older = path.join(dir, 'older');
    mkdirSync(older);
    copyFileSync(path.join(folder, 'tm-1_ITIMER_2026-01-01_00_00_00.html'), path.join(older, 'tm-1_ITIMER_2026-01-01_00_00_00.html'));
    writeFileSync(path.join(older, 'job.json'), jobJson('2026-01-01T00:00:00Z', 10, { generation: 3, parallelism: 4, configuration: { 'taskmanager.memory.managed.fraction': '0.4', 'pipeline.object-reuse': 'false' } }));
    writeFileSync(path.join(folder, 'job.json'), jobJson('2026-01-02T00:00:00Z', 10, { generation: 5, parallelism: 8, configuration: { 'taskmanager.memory.managed.fraction': '0.2', 'pipeline.object-reuse': 'false' } }));
    const r = await runCli(['diff', older, folder, '--no-html', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as DiffDoc;
    assert.deepEqual(doc.new.files.map((f) => path.basename(f)), ['tm-1_ITIMER_2026-01-02_00_00_00.html', 'tm-2_ITIMER_2026-01-02_00_00_01.html']);
    assert.deepEqual(doc.runChanges, [
      { what: 'parallelism', from: '4', to: '8' },
      { what: 'taskmanager.memory.managed.fraction', from: '0.4', to: '0.2' },
      { what: 'FlinkDeployment generation', from: '3', to: '5' },
    ]);
    assert.match(doc.notes[0]!, /^Between the runs: parallelism 4 → 8; taskmanager\.memory\.managed\.fraction 0\.4 → 0\.2; FlinkDeployment generation 3 → 5\.$/);
  });

  it('refuses different modes, a cut-off file and a folder without flame graphs, each in one line', async () => {
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    const cut = path.join(dir, 'cut_ITIMER_2026-01-01_00_00_00.html');
    const whole = readFileSync(path.join(FLAMEGRAPHS, 'real-flink1.20-ITIMER.html'), 'utf8');
    writeFileSync(cut, whole.slice(0, Math.floor(whole.length / 3)));
    const alloc = htmlIn(path.join(DIAGNOSIS, 'alloc-per-record'));
    const itimer = htmlIn(path.join(DIAGNOSIS, 'kryo-record'));
    const cases: Array<[string[], number, RegExp]> = [
      [['diff', alloc, itimer], 2, /the comparison mixes a ALLOC and a ITIMER profile; a diff compares one mode with itself/],
      [['diff', cut, itimer], 1, /cut_ITIMER_2026-01-01_00_00_00\.html/],
      [['diff', empty, itimer], 2, /BASE folder .*empty holds no flame graphs/],
      [['diff', itimer], 2, /diff needs a BASE and a NEW/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli([...args, '--no-html']);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1, r.stderr);
    }
  });

  it('an empty profile on one side compares without dividing by zero', async () => {
    const empty = path.join(FLAMEGRAPHS, 'real-flink1.20-LOCK-empty.html');
    const lock = path.join(FLAMEGRAPHS, 'real-flink1.20-LOCK.html');
    const r = await runCli(['diff', '--base', empty, '--new', lock, '--no-html', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as DiffDoc;
    assert.equal(doc.base.rate, 0);
    assert.ok(doc.new.rate > 0);
    assert.ok(doc.appeared.length > 0);
    assert.ok(!JSON.stringify(doc).includes('null,"newPercent":null'));
  });

  it('keeps frame names data in the differential flame graph: no name can close the script or add markup', async () => {
    const hostile = '</script><img src=x onerror=alert(1)>';
    const a = path.join(dir, 'h-base_ITIMER_2026-01-01_00_00_00.html');
    const b = path.join(dir, 'h-new_ITIMER_2026-01-01_00_00_00.html');
    writeFileSync(a, renderV2([{ frames: [...TASK, 'com/acme/Enrich.map'], samples: 100 }]));
    writeFileSync(b, renderV2([{ frames: [...TASK, 'com/acme/Enrich.map', hostile], samples: 100 }]));
    const out = path.join(dir, 'hostile');
    const r = await runCli(['diff', a, b, '--output-dir', out, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const page = readFileSync((JSON.parse(r.stdout) as DiffDoc).html!, 'utf8');
    assert.equal(page.split('</script>').length, 2, 'only the page\'s own script element closes');
    assert.ok(!page.includes('<img'), 'no markup from a frame name');
    assert.ok(page.includes('\\u003c/script>\\u003cimg src=x onerror=alert(1)>'), 'the name is there, as JSON data');
  });

  it('asks a model about the change with the comparison in the request, and saves its answer beside the differential flame graph', async (t) => {
    const server = await startOpenAIServer({ fallback: { kind: 'stream', pieces: ['The Kryo ', 'fallback is gone.'] } });
    t.after(() => server.close());
    const out = path.join(dir, 'model');
    const r = await runCli(
      ['diff', htmlIn(path.join(DIAGNOSIS, 'kryo-record')), htmlIn(path.join(DIAGNOSIS, 'kryo-record-fixed')), '--provider', 'openai', '--base-url', server.baseUrl, '--redact', '--output-dir', out, '-o', 'json'],
      { env: { OPENAI_API_KEY: 'sk-diff-test' } },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests.length, 1);
    const user = server.requests[0]!.body?.messages?.[1]?.content ?? '';
    assert.match(user, /compared with an earlier run of the same job/);
    assert.match(user, /## Comparison with the earlier run\n/);
    assert.match(user, /Kryo share fell from/);
    assert.match(user, /## NEW: profile summary/);
    // --redact covers the names only the comparison mentions too
    assert.ok(!server.requests[0]!.raw.includes('squirrly/e2e/diagnosis') && !server.requests[0]!.raw.includes('squirrly.e2e.diagnosis'), 'the job\'s class names are redacted');
    const doc = JSON.parse(r.stdout) as DiffDoc & { analysis: { provider: string; file: string; failed: boolean } };
    assert.equal(doc.analysis.provider, 'openai');
    assert.equal(doc.analysis.failed, false);
    assert.equal(path.dirname(doc.analysis.file), out);
    assert.match(path.basename(doc.analysis.file), /^diff-.*\.analysis\.md$/);
    assert.match(readFileSync(doc.analysis.file, 'utf8'), /The Kryo fallback is gone\./);
    // no summaries of NEW were written into the output folder: only the diff's own files
    assert.deepEqual(readdirSync(out).map((f) => f.replace(/^diff-.*\./, 'diff-….')).sort(), ['diff-….html', 'diff-….md']);
  });
});
