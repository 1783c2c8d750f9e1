// The builtin rules on Flink-shaped profiles (rendered to real HTML and parsed), with and without
// the job's metrics: what they find, whom they name, and what they leave alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BuiltinProvider, builtinFindings } from '../../../src/analysis/builtin.ts';
import type { Finding } from '../../../src/analysis/provider.ts';
import type { ProfileSummary } from '../../../src/flamegraph/types.ts';
import type { Stack } from '../flamegraph/render-html.ts';
import { chained, compilerThread, idleTask, job, NETWORK, op, PKG, profile, SOURCE, vertex } from './flink-stacks.ts';

const REGEX = ['java/lang/String.matches', 'java/util/regex/Pattern.matches', 'java/util/regex/Pattern.compile', 'java/util/regex/Pattern.expr'];

function ids(findings: Finding[]): string[] {
  return findings.map((finding) => finding.id);
}

function only(findings: Finding[], id: string): Finding {
  const found = findings.filter((finding) => finding.id === id);
  assert.equal(found.length, 1, `expected one ${id} in ${ids(findings).join(', ')}`);
  return found[0]!;
}

const alarms = (findings: Finding[]): Finding[] => findings.filter((finding) => finding.severity === 'high' || finding.severity === 'medium');

/** a regex compiled per record in a filter chained to the source: `regexSamples` of 1000 */
function regexJob(regexSamples: number, durationSeconds: number): ProfileSummary {
  return profile(
    [
      { frames: [...SOURCE, ...chained('StreamFilter'), `${PKG}/RegexPerRecord$ValidEmail.filter`, ...REGEX], samples: regexSamples },
      { frames: [...SOURCE, ...chained('StreamFilter'), `${PKG}/RegexPerRecord$ValidEmail.filter`], samples: 100 },
      { frames: idleTask, samples: 900 - regexSamples },
    ],
    'ITIMER',
    { durationSeconds },
  );
}

const regexMetrics = job([vertex('v1', 'Source: emails -> ValidEmail -> discard: Writer', [{ busyMsPerSecond: 900 }])]);

describe('builtin rules: attribution', () => {
  it('names the hot frame, the user function, the operator from the job graph and the path from the task entry', () => {
    const findings = builtinFindings({ summaries: [regexJob(600, 10)], jobMetrics: regexMetrics });
    assert.equal(findings[0]!.id, 'regex');
    const regex = findings[0]!;
    assert.equal(regex.severity, 'high');
    assert.equal(regex.attribution?.hotFrame, 'java.util.regex.Pattern.matches');
    assert.equal(regex.attribution?.userFunction, 'squirrly.e2e.diagnosis.RegexPerRecord$ValidEmail.filter');
    assert.equal(regex.attribution?.operator, 'ValidEmail');
    assert.equal(regex.attribution?.vertex, 'Source: emails -> ValidEmail -> discard: Writer');
    assert.equal(regex.attribution?.path?.[0], 'org.apache.flink.runtime.taskmanager.Task.run');
    assert.ok(regex.attribution?.path?.includes('org.apache.flink.streaming.api.operators.StreamFilter.processElement'));
    assert.match(regex.title, /RegexPerRecord\$ValidEmail\.filter \(operator ValidEmail\)/);
    assert.match(regex.advice, /compiles a regular expression for every record \(java\.lang\.String\.matches builds a new Pattern/);
    assert.match(regex.advice, /static final Pattern/);
  });

  it('without job metrics names the operator by kind and chain position', () => {
    const regex = only(builtinFindings({ summaries: [regexJob(600, 10)] }), 'regex');
    assert.equal(regex.attribution?.operator, 'StreamFilter (operator 2 of a chain starting with SourceOperator)');
  });

  it('judges the absolute cost: a large share of a tiny CPU amount is not an alarm', () => {
    // the same 60% share, but 600 samples over 600 s is 10 ms of CPU per second
    const findings = builtinFindings({ summaries: [regexJob(600, 600)] });
    assert.equal(only(findings, 'regex').severity, 'low');
    assert.deepEqual(alarms(findings), []);
  });

  it('says "declare the field\'s type" for Kryo inside the POJO serializer, "make it a POJO" for a generic record', () => {
    const emit = [...SOURCE, ...chained('StreamFlatMap'), `${PKG}/KryoPojoField$Enrich.flatMap`, `${PKG.replace(/[^/]+\/[^/]+\/[^/]+$/, 'org/apache/flink/streaming')}/api/operators/TimestampedCollector.collect`, 'org/apache/flink/streaming/runtime/io/RecordWriterOutput.collect'];
    const field: Stack[] = [
      { frames: [...emit, 'org/apache/flink/api/java/typeutils/runtime/PojoSerializer.serialize', 'org/apache/flink/api/java/typeutils/runtime/kryo/KryoSerializer.serialize', 'com/esotericsoftware/kryo/Kryo.writeClassAndObject', 'com/esotericsoftware/kryo/serializers/CollectionSerializer.read', 'java/util/ArrayList.<init>'], samples: 400 },
      { frames: [...emit, 'org/apache/flink/api/java/typeutils/runtime/PojoSerializer.serialize', 'org/apache/flink/api/common/typeutils/base/StringSerializer.serialize'], samples: 100 },
      { frames: idleTask, samples: 500 },
    ];
    const pojo = only(builtinFindings({ summaries: [profile(field, 'ITIMER', { durationSeconds: 10 })] }), 'kryo');
    assert.equal(pojo.attribution?.userFunction, 'squirrly.e2e.diagnosis.KryoPojoField$Enrich.flatMap');
    assert.match(pojo.advice, /is a POJO, but Kryo runs inside its PojoSerializer/);
    assert.match(pojo.advice, /java\.util\.ArrayList/);
    assert.doesNotMatch(pojo.advice, /Make the record class a POJO/);

    const record: Stack[] = [{ frames: [...emit, 'org/apache/flink/api/java/typeutils/runtime/kryo/KryoSerializer.serialize', 'com/esotericsoftware/kryo/Kryo.writeClassAndObject'], samples: 400 }, { frames: idleTask, samples: 600 }];
    const generic = only(builtinFindings({ summaries: [profile(record, 'ITIMER', { durationSeconds: 10 })] }), 'kryo');
    assert.match(generic.advice, /Make the record class a POJO/);
  });

  it('names the logger call site and the thrown exception class', () => {
    const stacks: Stack[] = [
      { frames: [...SOURCE, ...chained('StreamMap'), `${PKG}/LoggingPerRecord$Audit.map`, 'org/apache/logging/slf4j/Log4jLogger.info', 'org/apache/logging/log4j/core/Logger.log'], samples: 300 },
      { frames: [...SOURCE, ...chained('StreamMap'), `${PKG}/ExceptionsControlFlow$ParseAmount.map`, 'java/lang/Long.parseLong', 'java/lang/NumberFormatException.forInputString', 'java/lang/NumberFormatException.<init>', 'java/lang/IllegalArgumentException.<init>', 'java/lang/Throwable.<init>', 'java/lang/Throwable.fillInStackTrace'], samples: 200 },
      { frames: idleTask, samples: 500 },
    ];
    const findings = builtinFindings({ summaries: [profile(stacks, 'ITIMER', { durationSeconds: 10 })] });
    const logging = only(findings, 'logging');
    assert.equal(logging.attribution?.userFunction, 'squirrly.e2e.diagnosis.LoggingPerRecord$Audit.map');
    assert.match(logging.advice, /LoggingPerRecord\$Audit\.map logs per record/);
    const exceptions = only(findings, 'exceptions');
    assert.equal(exceptions.attribution?.hotFrame, 'java.lang.NumberFormatException.<init>');
    assert.match(exceptions.advice, /creates java\.lang\.NumberFormatException/);
  });

  it('lists the state reads and writes under the function and advises one state per record', () => {
    const track = [...NETWORK, op('KeyedProcessOperator'), `${PKG}/RocksDbState$Track.processElement`];
    const stacks: Stack[] = [
      { frames: [...track, 'org/apache/flink/contrib/streaming/state/RocksDBValueState.value', 'org/rocksdb/RocksDB.get', 'rocksdb::DBImpl::Get'], samples: 400 },
      { frames: [...track, 'org/apache/flink/contrib/streaming/state/RocksDBValueState.update', 'org/rocksdb/RocksDB.put', 'rocksdb::DBImpl::Put'], samples: 200 },
      { frames: idleTask, samples: 400 },
    ];
    const rocksdb = only(builtinFindings({ summaries: [profile(stacks, 'ITIMER', { durationSeconds: 10 })] }), 'rocksdb');
    assert.equal(rocksdb.attribution?.userFunction, 'squirrly.e2e.diagnosis.RocksDbState$Track.processElement');
    assert.match(rocksdb.advice, /RocksDBValueState\.value → RocksDB\.get 400, RocksDBValueState\.update → RocksDB\.put 200; 400 samples reading, 200 writing/);
    assert.match(rocksdb.advice, /one ValueState of a small POJO so a record costs one get and one put/);
  });
});

describe('builtin rules: allocation and locks', () => {
  const checksum = [...SOURCE, ...chained('StreamMap'), `${PKG}/AllocPerRecord$Checksum.map`];

  it('blames a map\'s own allocations on the map, and never advises object reuse for them', () => {
    const stacks: Stack[] = [
      { frames: [...checksum, 'byte[]'], samples: 5000, type: 2 },
      { frames: [...checksum, 'java/lang/String.getBytes', 'byte[]'], samples: 300, type: 2 },
      { frames: [...SOURCE, 'java/lang/Long.valueOf', 'java.lang.Long'], samples: 100, type: 2 },
    ];
    const findings = builtinFindings({ summaries: [profile(stacks, 'ALLOC', { durationSeconds: 10 })] });
    const allocation = findings[0]!;
    assert.equal(allocation.id, 'allocation');
    assert.equal(allocation.severity, 'high');
    assert.equal(allocation.attribution?.userFunction, 'squirrly.e2e.diagnosis.AllocPerRecord$Checksum.map');
    assert.match(allocation.title, /byte\[\]/);
    assert.ok(!ids(findings).includes('record-copies'));
  });

  it('reports record copies only where a serializer copies under the chaining output', () => {
    const copy = [...SOURCE, 'org/apache/flink/streaming/runtime/tasks/CopyingChainingOutput.pushToOperator', 'org/apache/flink/api/java/typeutils/runtime/PojoSerializer.copy'];
    const stacks: Stack[] = [
      { frames: [...copy, 'java/lang/reflect/Constructor.newInstance', 'squirrly.e2e.Order'], samples: 3000, type: 2 },
      { frames: [...SOURCE, ...chained('StreamFlatMap'), `${PKG}/Split.flatMap`, 'org/apache/flink/streaming/runtime/tasks/CopyingChainingOutput.pushToOperator', 'org/apache/flink/api/common/typeutils/base/ListSerializer.copy', 'java/util/ArrayList.<init>', 'java.lang.Object[]'], samples: 1000, type: 2 },
      { frames: [...checksum, 'byte[]'], samples: 1000, type: 2 },
    ];
    const copies = only(builtinFindings({ summaries: [profile(stacks, 'ALLOC', { durationSeconds: 10 })] }), 'record-copies');
    assert.equal(copies.severity, 'high');
    assert.match(copies.title, /80\.0% of allocations/);
    assert.match(copies.advice, /pipeline\.object-reuse: true/);
  });

  it('names the static synchronized method, its class and the calling function; a few lock samples are no contention', () => {
    const lock = (samples: number): Stack[] => [{ frames: [...SOURCE, ...chained('StreamMap'), `${PKG}/LockContention$Count.map`, `${PKG}/LockContention$Stats.record`, 'java.lang.Class'], samples, leafType: 5 }];
    const contended = only(builtinFindings({ summaries: [profile(lock(5000), 'LOCK', { durationSeconds: 10 })] }), 'lock-contention');
    assert.equal(contended.severity, 'high');
    assert.equal(contended.attribution?.userFunction, 'squirrly.e2e.diagnosis.LockContention$Count.map');
    assert.equal(contended.attribution?.userFrame, 'squirrly.e2e.diagnosis.LockContention$Stats.record');
    assert.match(contended.advice, /squirrly\.e2e\.diagnosis\.LockContention\$Stats\.record is a static synchronized method/);
    assert.match(contended.advice, /class object of squirrly\.e2e\.diagnosis\.LockContention\$Stats/);
    // 21 contended entries in 10 s, all on one lock: a 100% share, and nothing to fix
    assert.deepEqual(alarms(builtinFindings({ summaries: [profile(lock(21), 'LOCK', { durationSeconds: 10 })] })), []);
  });
});

describe('builtin rules: wall clock and job metrics', () => {
  const lookup = [...SOURCE, ...chained('StreamMap'), `${PKG}/BlockingCall$Lookup.map`, 'java/lang/Thread.sleep', 'java/lang/Thread.sleep0', '__clock_nanosleep'];

  it('calls a sleep per record on a busy task thread a blocking call, with Async I/O advice naming the function', () => {
    const stacks: Stack[] = [{ frames: lookup, samples: 190 }, { frames: [...SOURCE, ...chained('StreamMap'), `${PKG}/BlockingCall$Lookup.map`], samples: 10 }, { frames: idleTask, samples: 20 }];
    const metrics = job([vertex('v1', 'Source: requests -> Lookup -> discard: Writer', [{ busyMsPerSecond: 970, idleMsPerSecond: 30 }])]);
    const findings = builtinFindings({ summaries: [profile(stacks, 'WALL', { durationSeconds: 10 })], jobMetrics: metrics });
    const blocking = findings[0]!;
    assert.equal(blocking.id, 'blocking-call');
    assert.equal(blocking.severity, 'high');
    assert.equal(blocking.attribution?.userFunction, 'squirrly.e2e.diagnosis.BlockingCall$Lookup.map');
    assert.equal(blocking.attribution?.operator, 'Lookup');
    assert.ok(blocking.evidence.some((line) => line.includes('java.lang.Thread.sleep')));
    assert.ok(blocking.evidence.some((line) => /busy 97\.0%/.test(line)));
    assert.match(blocking.advice, /Async I\/O/);
    assert.ok(!ids(findings).includes('task-threads-idle'));
  });

  it('does not blame a function for waiting on an output buffer inside collect(): that is back pressure', () => {
    const waiting = [...SOURCE, ...chained('StreamFlatMap'), `${PKG}/Split.flatMap`, 'org/apache/flink/streaming/api/operators/TimestampedCollector.collect', 'org/apache/flink/runtime/io/network/buffer/LocalBufferPool.requestMemorySegmentBlocking', 'java/util/concurrent/CompletableFuture.get', 'jdk/internal/misc/Unsafe.park'];
    const findings = builtinFindings({ summaries: [profile([{ frames: waiting, samples: 190 }, { frames: idleTask, samples: 10 }], 'WALL', { durationSeconds: 10 })] });
    assert.ok(!ids(findings).includes('blocking-call'), ids(findings).join(', '));
    assert.equal(only(findings, 'backpressure').severity, 'medium');
  });

  it('reads idle task threads without back pressure as a job that keeps up (info)', () => {
    const stacks: Stack[] = [{ frames: idleTask, samples: 180 }, { frames: [...SOURCE, ...chained('StreamMap'), `${PKG}/HealthyJob$ParseReading.flatMap`], samples: 20 }];
    const findings = builtinFindings({ summaries: [profile(stacks, 'WALL', { durationSeconds: 10 })] });
    assert.equal(only(findings, 'task-threads-idle').severity, 'info');
    assert.deepEqual(alarms(findings), []);
    // Flink says a vertex is busy all the time: idle threads elsewhere do not mean the job keeps up
    const busy = job([vertex('v1', 'Source: readings -> ParseReading', [{ busyMsPerSecond: 990 }])]);
    assert.ok(!ids(builtinFindings({ summaries: [profile(stacks, 'WALL', { durationSeconds: 10 })], jobMetrics: busy })).includes('task-threads-idle'));
  });

  it('names the bottleneck vertex and its user function from busy and back-pressured time', () => {
    const slow = [...NETWORK, op('StreamMap'), `${PKG}/BackpressureSlowSink$SlowSink.map`, `${PKG}/Cases.work`];
    const stacks: Stack[] = [{ frames: slow, samples: 990 }, { frames: [...SOURCE, ...chained('StreamMap'), `${PKG}/BackpressureSlowSink$Format.map`], samples: 40 }];
    const metrics = job([
      vertex('v1', 'Source: events -> Format', [{ busyMsPerSecond: 100, backPressuredMsPerSecond: 880 }]),
      vertex('v2', 'SlowSink -> discard: Writer', [{ busyMsPerSecond: 995, backPressuredMsPerSecond: 0 }]),
    ]);
    const findings = builtinFindings({ summaries: [profile(stacks, 'ITIMER', { durationSeconds: 10 })], jobMetrics: metrics });
    const backpressure = findings[0]!;
    assert.equal(backpressure.id, 'backpressure');
    assert.equal(backpressure.severity, 'high');
    assert.equal(backpressure.attribution?.userFunction, 'squirrly.e2e.diagnosis.BackpressureSlowSink$SlowSink.map');
    assert.equal(backpressure.attribution?.operator, 'SlowSink');
    assert.ok(backpressure.evidence.some((line) => line.includes('upstream Source: events -> Format: back-pressured 880 ms/s')));
  });

  const aggregate = [...NETWORK, op('KeyedProcessOperator'), `${PKG}/KeySkew$Aggregate.processElement`, `${PKG}/Cases.work`];
  const skewed = (tm1: number, tm2: number): ProfileSummary[] => [
    profile([{ frames: aggregate, samples: tm1 }, { frames: compilerThread, samples: 300 }], 'ITIMER', { target: 'tm-1', durationSeconds: 10 }),
    profile([{ frames: aggregate, samples: tm2 }, { frames: compilerThread, samples: 300 + tm1 - tm2 }], 'ITIMER', { target: 'tm-2', durationSeconds: 10 }),
  ];

  it('finds skew of one function across two TaskManagers even when their whole-JVM totals are equal', () => {
    const skew = only(builtinFindings({ summaries: skewed(900, 30) }), 'skew');
    assert.equal(skew.severity, 'high');
    assert.equal(skew.attribution?.userFunction, 'squirrly.e2e.diagnosis.KeySkew$Aggregate.processElement');
    assert.equal(skew.target, 'tm-1');
    assert.ok(!ids(builtinFindings({ summaries: skewed(500, 450) })).includes('skew'));
  });

  it('finds skew from records per subtask and names the keyed operator', () => {
    const metrics = job([
      vertex('v1', 'Source: purchases -> ToPurchase', [{ recordsOut: 30000 }, { recordsOut: 30000, taskManagerId: 'tm-2' }]),
      vertex('v2', 'Aggregate -> discard: Writer', [{ recordsIn: 58500, busyMsPerSecond: 900 }, { recordsIn: 1500, busyMsPerSecond: 30, taskManagerId: 'tm-2' }]),
    ]);
    const skew = only(builtinFindings({ summaries: skewed(900, 30), jobMetrics: metrics }), 'skew');
    assert.equal(skew.severity, 'high');
    assert.equal(skew.attribution?.operator, 'Aggregate');
    assert.ok(skew.evidence.some((line) => /subtask 0 on tm-1 has 58500 records in, 39\.0×/.test(line)), skew.evidence.join('\n'));
  });
});

describe('builtin rules: quiet profiles', () => {
  it('raises no alarm on a light profile of any mode', () => {
    const stacks: Stack[] = [{ frames: [...SOURCE, ...chained('StreamMap'), `${PKG}/HealthyJob$ParseReading.flatMap`, 'java.lang.String'], samples: 50, leafType: 2 }, { frames: [...idleTask, 'java.lang.Object'], samples: 50, leafType: 5 }];
    for (const mode of ['ITIMER', 'CPU', 'ALLOC', 'LOCK', 'WALL'] as const) {
      const findings = builtinFindings({ summaries: [profile(stacks, mode, { durationSeconds: 10 })] });
      assert.deepEqual(alarms(findings), [], mode);
      assert.ok(ids(findings).includes('top-self-frames'), mode);
    }
  });

  it('names the hottest user functions and their operators in the overview', () => {
    const overview = only(builtinFindings({ summaries: [regexJob(100, 10)] }), 'top-self-frames');
    assert.ok(overview.evidence.some((line) => line.startsWith('user function RegexPerRecord$ValidEmail.filter (operator StreamFilter')), overview.evidence.join('\n'));
  });

  it('merges one rule over several targets into one finding and sorts by severity', () => {
    const findings = builtinFindings({ summaries: [regexJob(600, 10), { ...regexJob(300, 10), target: 'tm-2' }] });
    const regex = only(findings, 'regex');
    assert.equal(regex.target, undefined);
    assert.match(regex.title, /worst of 2 targets: tm-1/);
    assert.ok(regex.evidence.some((line) => line.startsWith('tm-2: ')));
    const ranks = findings.map((finding) => ['high', 'medium', 'low', 'info'].indexOf(finding.severity));
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
  });

  it('copes with summaries made before attribution and signal counts existed', () => {
    const old = regexJob(600, 10);
    delete old.attribution;
    for (const share of Object.values(old.signals ?? {})) delete share.samples;
    const regex = only(builtinFindings({ summaries: [old] }), 'regex');
    assert.equal(regex.attribution, undefined);
  });
});

describe('BuiltinProvider', () => {
  const summaries = [regexJob(600, 10), { ...regexJob(600, 10), target: 'tm-2' }];

  it('streams markdown with the findings, a category table and top frames', async () => {
    const findings = builtinFindings({ summaries });
    const chunks: string[] = [];
    const provider = new BuiltinProvider();
    const result = await provider.analyze({ summaries, findings }, (chunk) => chunks.push(chunk));
    assert.equal(provider.name, 'builtin');
    assert.equal(result.partial, false);
    assert.ok(chunks.length >= 3, `${chunks.length} chunks`);
    assert.equal(chunks.join(''), result.markdown);
    assert.match(result.markdown, /### \[HIGH\] Regular expressions: 60\.0% of samples/);
    assert.match(result.markdown, /\*\*Where:\*\* RegexPerRecord\$ValidEmail\.filter/);
    assert.match(result.markdown, /\| category \| tm-1 \| tm-2 \|/);
  });

  it('computes the findings itself when none are given, using the job metrics', async () => {
    const result = await new BuiltinProvider().analyze({ summaries, findings: [], jobMetrics: regexMetrics }, () => undefined);
    assert.match(result.markdown, /operator ValidEmail/);
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
