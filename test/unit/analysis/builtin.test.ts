import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BuiltinProvider, builtinFindings } from '../../../src/analysis/builtin.ts';
import { THRESHOLDS } from '../../../src/analysis/findings-rules.ts';
import type { Finding } from '../../../src/analysis/provider.ts';
import type { FrameStat, ProfileSummary, SignalId, SignalShare } from '../../../src/flamegraph/types.ts';

function frame(name: string, percent: number): FrameStat {
  return { name, type: 'jit', category: 'user', samples: percent * 10, percent };
}

/** A healthy CPU profile: nothing dominates, every signal well under its threshold. */
function cleanSummary(overrides: Partial<ProfileSummary> = {}): ProfileSummary {
  return {
    source: 'tm-1_ITIMER_2024-03-05_14_03_27.html',
    target: 'tm-1',
    mode: 'ITIMER',
    format: 'v2',
    totalSamples: 1000,
    frameCount: 500,
    maxDepth: 40,
    topSelf: [frame('com/example/Enrich.map', 8), frame('java/util/HashMap.get', 5), frame('org/apache/flink/Foo.bar', 4), frame('x/Y.z', 1)],
    topTotal: [frame('java/lang/Thread.run', 90)],
    hotPaths: [{ frames: ['java/lang/Thread.run', 'com/example/Enrich.map', 'com/esotericsoftware/kryo/Kryo.writeClassAndObject'], samples: 30, percent: 3 }],
    categories: {
      user: 55, 'flink-runtime': 20, serialization: 5, 'state-backend': 0, network: 5, 'gc-jit-vm': 5, kernel: 3, logging: 1, jdk: 5, waiting: 0, other: 1,
    },
    signals: { kryo: { percent: 1, frame: 'com/esotericsoftware/kryo/Kryo.writeClassAndObject' }, logging: { percent: 1, frame: 'org/slf4j/Logger.info' }, gc: { percent: 2, frame: 'GangWorker::run()' }, jit: { percent: 3, frame: 'CompileBroker::compiler_thread_loop()' } },
    ...overrides,
  };
}

function withSignals(signals: Partial<Record<SignalId, number>>, overrides: Partial<ProfileSummary> = {}): ProfileSummary {
  const base = cleanSummary(overrides);
  const shares: Partial<Record<SignalId, SignalShare>> = { ...base.signals };
  for (const [id, percent] of Object.entries(signals) as Array<[SignalId, number]>) shares[id] = { percent, frame: `frame-of-${id}` };
  return { ...base, signals: shares };
}

function ids(findings: Finding[]): string[] {
  return findings.map((finding) => finding.id);
}

function only(findings: Finding[], id: string): Finding {
  const found = findings.filter((finding) => finding.id === id);
  assert.equal(found.length, 1, `expected one ${id} in ${ids(findings).join(', ')}`);
  return found[0]!;
}

describe('builtinFindings', () => {
  it('finds nothing but the overview in a clean profile of every mode', () => {
    for (const mode of ['CPU', 'ITIMER', 'ALLOC', 'LOCK', 'WALL', 'UNKNOWN'] as const) {
      assert.deepEqual(ids(builtinFindings({ summaries: [cleanSummary({ mode })] })), ['top-self-frames'], mode);
    }
  });

  it('always names the top three self frames', () => {
    const overview = only(builtinFindings({ summaries: [cleanSummary()] }), 'top-self-frames');
    assert.equal(overview.severity, 'info');
    assert.deepEqual(overview.evidence, ['com/example/Enrich.map: 8.0% self (user)', 'java/util/HashMap.get: 5.0% self (user)', 'org/apache/flink/Foo.bar: 4.0% self (user)']);
    assert.equal(overview.target, 'tm-1');
  });

  const signalCases: Array<[string, SignalId, number, 'medium' | 'high', RegExp, ProfileSummary['mode']]> = [
    ['kryo-fallback', 'kryo', 20, 'high', /pipeline\.generic-types: false/, 'ITIMER'],
    ['heavy-logging', 'logging', 6, 'medium', /async|asynchronous/i, 'ITIMER'],
    ['regex-in-hot-path', 'regex', 6, 'medium', /Pattern once/, 'CPU'],
    ['json-parsing', 'json', 12, 'medium', /ObjectMapper/, 'ITIMER'],
    ['exceptions-in-hot-path', 'exceptions', 3, 'medium', /control flow/, 'ITIMER'],
    ['rocksdb-state', 'rocksdb', 45, 'high', /state\.backend\.rocksdb\..*TTL|TTL.*state\.backend\.rocksdb\./s, 'ITIMER'],
    ['record-copies', 'record-copy', 30, 'high', /pipeline\.object-reuse: true/, 'ALLOC'],
    ['gc-pressure', 'gc', 12, 'medium', /pipeline\.object-reuse: true/, 'ITIMER'],
  ];
  for (const [id, signal, percent, severity, advice, mode] of signalCases) {
    it(`${id}: fires on a ${percent}% ${signal} share with evidence and advice`, () => {
      const finding = only(builtinFindings({ summaries: [withSignals({ [signal]: percent }, { mode })] }), id);
      assert.equal(finding.severity, severity);
      assert.match(finding.title, new RegExp(`${percent}\\.0%`));
      assert.ok(finding.evidence.some((line) => line.includes(`frame-of-${signal}`)), finding.evidence.join('\n'));
      assert.match(finding.advice, advice);
      assert.equal(finding.target, 'tm-1');
    });
  }

  it('keeps mode-specific rules to their modes', () => {
    assert.ok(!ids(builtinFindings({ summaries: [withSignals({ 'record-copy': 30 }, { mode: 'ITIMER' })] })).includes('record-copies'));
    assert.ok(!ids(builtinFindings({ summaries: [withSignals({ gc: 30 }, { mode: 'ALLOC' })] })).includes('gc-pressure'));
    assert.ok(!ids(builtinFindings({ summaries: [withSignals({ kryo: 30 }, { mode: 'LOCK' })] })).includes('kryo-fallback'));
  });

  it('uses the thresholds: just below medium is quiet, at high is high', () => {
    assert.ok(!ids(builtinFindings({ summaries: [withSignals({ kryo: THRESHOLDS.kryo.medium - 0.1 })] })).includes('kryo-fallback'));
    assert.equal(only(builtinFindings({ summaries: [withSignals({ kryo: THRESHOLDS.kryo.medium })] }), 'kryo-fallback').severity, 'medium');
    assert.equal(only(builtinFindings({ summaries: [withSignals({ kryo: THRESHOLDS.kryo.high })] }), 'kryo-fallback').severity, 'high');
  });

  it('jit-warmup: says the JVM was still compiling', () => {
    const finding = only(builtinFindings({ summaries: [withSignals({ jit: 40 })] }), 'jit-warmup');
    assert.equal(finding.severity, 'low');
    assert.match(finding.advice, /again/);
  });

  it('allocation-hotspot: names the dominant allocated type in ALLOC profiles', () => {
    const summary = cleanSummary({ mode: 'ALLOC', topSelf: [frame('byte[]', 45), frame('java.lang.String', 10)] });
    const finding = only(builtinFindings({ summaries: [summary] }), 'allocation-hotspot');
    assert.equal(finding.severity, 'high');
    assert.match(finding.title, /byte\[\] accounts for 45\.0%/);
    assert.match(finding.advice, /object-reuse/);
  });

  it('lock-contention: names the contended lock in LOCK profiles', () => {
    const summary = cleanSummary({
      mode: 'LOCK',
      topSelf: [frame('java.util.LinkedHashMap', 35)],
      hotPaths: [{ frames: ['com/example/Cache.get', 'java.util.LinkedHashMap'], samples: 350, percent: 35 }],
    });
    const finding = only(builtinFindings({ summaries: [summary] }), 'lock-contention');
    assert.equal(finding.severity, 'high');
    assert.match(finding.title, /java\.util\.LinkedHashMap/);
    assert.ok(finding.evidence.some((line) => line.includes('java.util.LinkedHashMap') && line.includes('35.0%')));
    assert.match(finding.advice, /synchronized/);
  });

  it('network-heavy: fires on a large network category in CPU profiles', () => {
    const base = cleanSummary();
    const finding = only(builtinFindings({ summaries: [{ ...base, categories: { ...base.categories, network: 25, user: 35 } }] }), 'network-heavy');
    assert.equal(finding.severity, 'medium');
    assert.match(finding.advice, /execution\.buffer-timeout/);
  });

  it('task-threads-idle and task-threads-backpressured: judge WALL by the task threads', () => {
    const idle = only(builtinFindings({ summaries: [withSignals({ 'task-thread': 20, 'task-idle': 18 }, { mode: 'WALL' })] }), 'task-threads-idle');
    assert.equal(idle.severity, 'high');
    assert.match(idle.title, /90\.0%/);
    assert.match(idle.advice, /source/i);
    const blocked = only(builtinFindings({ summaries: [withSignals({ 'task-thread': 20, backpressure: 8 }, { mode: 'WALL' })] }), 'task-threads-backpressured');
    assert.equal(blocked.severity, 'medium');
    assert.match(blocked.advice, /backpressure/);
  });

  it('mostly-waiting: without task threads, fires on a WALL profile that is nearly all waiting', () => {
    const base = cleanSummary({ mode: 'WALL' });
    const waiting = { ...base, categories: { ...base.categories, waiting: 96, user: 0, 'flink-runtime': 0 } };
    assert.equal(only(builtinFindings({ summaries: [waiting] }), 'mostly-waiting').severity, 'high');
    const withTasks = { ...waiting, signals: { 'task-thread': { percent: 10, frame: 'Task.run' } } };
    assert.ok(!ids(builtinFindings({ summaries: [withTasks] })).includes('mostly-waiting'));
  });

  it('taskmanager-skew: one TaskManager far hotter than the median of its peers', () => {
    const tms = [cleanSummary({ target: 'tm-1', totalSamples: 100 }), cleanSummary({ target: 'tm-2', totalSamples: 100 }), cleanSummary({ target: 'tm-3', totalSamples: 400 })];
    const finding = only(builtinFindings({ summaries: tms }), 'taskmanager-skew');
    assert.equal(finding.severity, 'high');
    assert.equal(finding.target, 'tm-3');
    assert.deepEqual(finding.evidence, ['tm-1: 100 samples', 'tm-2: 100 samples', 'tm-3: 400 samples']);
    assert.match(finding.advice, /key/);
    const even = [cleanSummary({ target: 'tm-1', totalSamples: 100 }), cleanSummary({ target: 'tm-2', totalSamples: 120 })];
    assert.ok(!ids(builtinFindings({ summaries: even })).includes('taskmanager-skew'));
  });

  it('leaves the JobManager and other modes out of the skew comparison', () => {
    const summaries = [cleanSummary({ target: 'JobManager', totalSamples: 10 }), cleanSummary({ target: 'tm-1', totalSamples: 400 }), cleanSummary({ target: 'tm-2', totalSamples: 100, mode: 'WALL' })];
    assert.ok(!ids(builtinFindings({ summaries })).includes('taskmanager-skew'));
  });

  it('merges one rule over several targets into one finding and sorts by severity', () => {
    const findings = builtinFindings({
      summaries: [withSignals({ kryo: 6, logging: 20 }, { target: 'tm-1' }), withSignals({ kryo: 16 }, { target: 'tm-2' })],
    });
    const kryo = only(findings, 'kryo-fallback');
    assert.equal(kryo.severity, 'high');
    assert.equal(kryo.target, undefined);
    assert.match(kryo.title, /16\.0%.*worst of 2 targets: tm-2/);
    assert.ok(kryo.evidence.some((line) => line.startsWith('tm-1: 6.0%')));
    assert.ok(kryo.evidence.some((line) => line.startsWith('tm-2: 16.0%')));
    assert.equal(findings.filter((finding) => finding.id === 'top-self-frames').length, 2);
    const ranks = findings.map((finding) => ['high', 'medium', 'low', 'info'].indexOf(finding.severity));
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
    assert.deepEqual(ids(findings).slice(0, 2).sort(), ['heavy-logging', 'kryo-fallback']);
  });

  it('copes with summaries that have no signals field', () => {
    const { signals: _signals, ...old } = cleanSummary();
    assert.deepEqual(ids(builtinFindings({ summaries: [old] })), ['top-self-frames']);
  });
});

describe('BuiltinProvider', () => {
  const summaries = [withSignals({ kryo: 20 }, { target: 'tm-1' }), cleanSummary({ target: 'tm-2' })];

  it('streams markdown with the findings, a category table and top frames', async () => {
    const findings = builtinFindings({ summaries });
    const chunks: string[] = [];
    const provider = new BuiltinProvider();
    const result = await provider.analyze({ summaries, findings }, (chunk) => chunks.push(chunk));
    assert.equal(provider.name, 'builtin');
    assert.equal(result.provider, 'builtin');
    assert.equal(result.partial, false);
    assert.ok(chunks.length >= 3, `${chunks.length} chunks`);
    assert.equal(chunks.join(''), result.markdown);
    assert.match(result.markdown, /### \[HIGH\] Kryo fallback serialization takes 20\.0% of samples/);
    assert.match(result.markdown, /\| category \| tm-1 \| tm-2 \|/);
    assert.match(result.markdown, /\| user \| 55\.0% \| 55\.0% \|/);
    assert.match(result.markdown, /\| 8\.0% \| com\/example\/Enrich\.map \| user \|/);
    assert.doesNotMatch(result.markdown, /\| state-backend \|/, 'empty categories are left out');
  });

  it('computes the findings itself when none are given', async () => {
    const result = await new BuiltinProvider().analyze({ summaries, findings: [] }, () => undefined);
    assert.match(result.markdown, /Kryo fallback/);
  });

  it('stops early and reports a partial answer when aborted', async () => {
    const controller = new AbortController();
    let received = '';
    const result = await new BuiltinProvider().analyze({ summaries, findings: builtinFindings({ summaries }) }, (chunk) => {
      received += chunk;
      controller.abort();
    }, controller.signal);
    assert.equal(result.partial, true);
    assert.equal(result.markdown, received);
    assert.ok(!result.markdown.includes('| category |'));
  });
});
