// The analyze pipeline end to end: real flame graph files on disk, real parser, real SDK, local server.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { selectProvider } from '../../src/analysis/select-provider.ts';
import { analyzeArtifacts, type AnalyzeOptions } from '../../src/workflow/analyze.ts';
import type { WorkflowEvent } from '../../src/workflow/events.ts';
import { startOpenAIServer, type OpenAIServer } from '../support/openai-server.ts';

const KEY = 'sk-squirrly-pipeline-0a1b2c3d4e5f6789';

/** A small async-profiler 2.9 page, shaped like what Flink writes (frames between the script and search()). */
function flameGraph2x(title: string, frames: Array<[number, number, number, number, string]>): string {
  return [
    '<!DOCTYPE html>',
    "<html lang='en'>",
    "<head><meta charset='utf-8'><style>body {margin: 0; padding: 10px;}</style></head>",
    "<body style='font: 12px Verdana, sans-serif'>",
    `<h1>${title}</h1>`,
    "<canvas id='canvas'></canvas>",
    '<script>',
    "\t'use strict';",
    `\tconst levels = Array(${Math.max(...frames.map((f) => f[0])) + 1});`,
    '\tfor (let h = 0; h < levels.length; h++) {',
    '\t\tlevels[h] = [];',
    '\t}',
    '\tfunction f(level, left, width, type, title, inln, c1, int) {',
    '\t\tlevels[level].push({left: left, width: width, color: getColor(palette[type]), title: title});',
    '\t}',
    ...frames.map(([level, left, width, type, name]) => `f(${level},${left},${width},${type},'${name}')`),
    '',
    'search();',
    '</script></body></html>',
    '',
  ].join('\n');
}

const CPU_FRAMES: Array<[number, number, number, number, string]> = [
  [0, 0, 1000, 3, 'all'],
  [1, 0, 1000, 1, 'java/lang/Thread.run'],
  [2, 0, 1000, 1, 'org/apache/flink/streaming/runtime/tasks/StreamTask.invoke'],
  [3, 0, 600, 1, 'com/acme/fraud/ScoringFunction.processElement'],
  [4, 100, 500, 1, 'com/acme/fraud/model/FeatureVector.normalize'],
  [3, 600, 250, 1, 'com/esotericsoftware/kryo/Kryo.writeClassAndObject'],
  [3, 850, 150, 3, 'Java_org_rocksdb_RocksDB_get'],
];

describe('analyze pipeline', () => {
  let server: OpenAIServer;
  let dir: string;
  const captured: string[] = [];

  before(async () => {
    server = await startOpenAIServer();
    dir = mkdtempSync(join(tmpdir(), 'squirrly-analyze-'));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function writeGraph(name: string, frames = CPU_FRAMES): string {
    const p = join(dir, name);
    writeFileSync(p, flameGraph2x('CPU profile', frames));
    return p;
  }

  async function analyze(files: AnalyzeOptions['files'], provider: 'openai' | 'builtin', extra: Partial<AnalyzeOptions> = {}) {
    const events: WorkflowEvent[] = [];
    const text: string[] = [];
    const selection = selectProvider({ provider, env: { OPENAI_API_KEY: KEY }, baseUrl: server.baseUrl, redact: true });
    const outcome = await analyzeArtifacts({
      files,
      selection,
      openaiTuning: { maxRetries: 1, timeoutMs: 5000 },
      writeNextToFiles: true,
      onEvent: (e) => events.push(e),
      onText: (c) => text.push(c),
      ...extra,
    });
    captured.push(JSON.stringify(events), text.join(''), JSON.stringify(outcome), String(outcome.error), outcome.error?.hint ?? '');
    for (const f of readdirSync(dir)) captured.push(readFileSync(join(dir, f), 'utf8'));
    return { outcome, events, text: text.join('') };
  }

  it('writes .summary.json, .collapsed and .analysis.md next to a flame graph', async () => {
    const html = writeGraph('my-job-taskmanager-1-1_ITIMER_2024-03-05_14_03_27.html');
    server.script = [{ kind: 'stream', pieces: ['## Verdict\n', 'app/pkg2/Class2.normalize is 50% of CPU.'] }];
    const sent = server.requests.length;
    const { outcome, events, text } = await analyze([{ path: html, target: 'my-job-taskmanager-1-1' }], 'openai');

    assert.equal(outcome.analysisFailed, false);
    const base = join(dir, 'my-job-taskmanager-1-1_ITIMER_2024-03-05_14_03_27');
    const summary = JSON.parse(readFileSync(`${base}.summary.json`, 'utf8')) as { totalSamples: number; mode: string; target: string };
    assert.deepEqual([summary.totalSamples, summary.mode, summary.target], [1000, 'ITIMER', 'my-job-taskmanager-1-1']);
    const collapsed = readFileSync(`${base}.collapsed`, 'utf8');
    assert.match(collapsed, /^java\/lang\/Thread\.run;org\/apache\/flink\/streaming\/runtime\/tasks\/StreamTask\.invoke;com\/acme\/fraud\/ScoringFunction\.processElement;com\/acme\/fraud\/model\/FeatureVector\.normalize 500$/m);
    const analysis = readFileSync(`${base}.analysis.md`, 'utf8');
    assert.match(analysis, /com\/acme\/fraud\/model\/FeatureVector\.normalize is 50% of CPU\./);
    assert.match(analysis, /provider: openai \(gpt-4o-mini\)/);
    assert.equal(text, '## Verdict\ncom/acme/fraud/model/FeatureVector.normalize is 50% of CPU.');
    assert.deepEqual(outcome.written.analysis, `${base}.analysis.md`);

    const raw = server.requests[sent]?.raw ?? '';
    assert.equal(server.requests.length, sent + 1);
    assert.doesNotMatch(raw, /<h1>|function f\(|levels\[h\]/);
    assert.doesNotMatch(raw, /acme|ScoringFunction|FeatureVector/);
    const request = events.find((e) => e.type === 'request');
    assert.ok(request && request.tokens <= 8000 && request.tokens > 100);
    assert.deepEqual(
      events.filter((e) => e.type === 'wrote').map((e) => (e.type === 'wrote' ? e.kind : '')),
      ['summary', 'collapsed', 'analysis'],
    );
  });

  it('keeps artifacts and builtin findings when the provider fails (exit 3)', async () => {
    const html = writeGraph('tm-2_CPU_2024-03-05_14_03_27.html');
    server.script = [1, 2].map(() => ({ kind: 'error', status: 503, message: 'overloaded', headers: { 'retry-after-ms': '1' } }) as const);
    const { outcome, events } = await analyze([{ path: html }], 'openai');
    assert.equal(outcome.analysisFailed, true);
    assert.match(outcome.error?.message ?? '', /HTTP 503 after 1 retries/);
    assert.equal(outcome.provider, 'builtin');
    assert.ok(events.some((e) => e.type === 'analysis-failed'));
    const analysis = readFileSync(join(dir, 'tm-2_CPU_2024-03-05_14_03_27.analysis.md'), 'utf8');
    assert.match(analysis, /The openai analysis failed: the analysis provider failed with HTTP 503/);
    assert.match(analysis, /provider: builtin/);
    readFileSync(join(dir, 'tm-2_CPU_2024-03-05_14_03_27.summary.json'), 'utf8');
    readFileSync(join(dir, 'tm-2_CPU_2024-03-05_14_03_27.collapsed'), 'utf8');
  });

  it('writes a partial answer with a marker when the stream is cut', async () => {
    const html = writeGraph('tm-3_CPU_2024-03-05_14_03_27.html');
    server.script = [{ kind: 'stream', pieces: ['Half of ', 'the answer', ' lost'], cutAfter: 2 }];
    const { outcome } = await analyze([{ path: html }], 'openai');
    assert.equal(outcome.analysisFailed, true);
    assert.equal(outcome.result?.partial, true);
    const analysis = readFileSync(join(dir, 'tm-3_CPU_2024-03-05_14_03_27.analysis.md'), 'utf8');
    assert.match(analysis, /Half of the answer\n\n\*\*\(partial: the stream was cut/);
  });

  it('compares several files in one combined analysis, offline with builtin', async () => {
    const a = writeGraph('tm-a_CPU_2024-03-05_14_03_27.html');
    const b = writeGraph('tm-b_CPU_2024-03-05_14_03_27.html', CPU_FRAMES.map(([l, x, w, t, n]) => [l, x * 3, w * 3, t, n]));
    const sent = server.requests.length;
    const { outcome } = await analyze([{ path: a }, { path: b }], 'builtin', { now: () => new Date(2024, 2, 5, 14, 3, 27) });
    assert.equal(server.requests.length, sent, 'builtin makes no request');
    assert.equal(outcome.analysisFailed, false);
    assert.equal(outcome.comparison?.hottestTarget, 'tm-b_CPU_2024-03-05_14_03_27.html');
    assert.equal(outcome.written.analysis, join(dir, 'combined-2024-03-05_14_03_27.analysis.md'));
    assert.ok(readFileSync(outcome.written.analysis, 'utf8').length > 0);
    assert.equal(outcome.written.summaries.length, 2);
  });

  it('--provider openai without a key runs builtin, keeps everything and fails the run', async () => {
    const html = writeGraph('tm-4_CPU_2024-03-05_14_03_27.html');
    const events: WorkflowEvent[] = [];
    const outcome = await analyzeArtifacts({
      files: [{ path: html }],
      selection: selectProvider({ provider: 'openai', env: {} }),
      writeNextToFiles: true,
      onEvent: (e) => events.push(e),
      onText: () => {},
    });
    assert.equal(outcome.provider, 'builtin');
    assert.equal(outcome.analysisFailed, true);
    assert.equal(outcome.error?.exitCode, 3);
    assert.ok(events.some((e) => e.type === 'warning' && /needs an API key/.test(e.message)));
    const analysis = readFileSync(join(dir, 'tm-4_CPU_2024-03-05_14_03_27.analysis.md'), 'utf8');
    assert.match(analysis, /^> the openai analysis provider needs an API key; running the builtin analysis instead$/m);
    assert.match(analysis, /## Findings/);
  });

  it('never wrote or emitted the key', () => {
    assert.ok(captured.length > 10);
    for (const text of captured) assert.ok(!text.includes(KEY), `key leaked into: ${text.slice(0, 120)}`);
  });
});
