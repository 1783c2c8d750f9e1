import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PATH_MAX } from '../../../src/flamegraph/attribution.ts';
import { isPassThrough, isUserFrame, operatorFrame } from '../../../src/flamegraph/frame-kinds.ts';
import { parseFlameGraph } from '../../../src/flamegraph/parse.ts';
import { summarize } from '../../../src/flamegraph/summary.ts';
import type { CostSite } from '../../../src/flamegraph/types.ts';
import { renderV2, type Stack } from './render-html.ts';

const F = 'org/apache/flink/streaming';
const TASK = ['java/lang/Thread.run', 'org/apache/flink/runtime/taskmanager/Task.run', `${F}/runtime/tasks/StreamTask.invoke`, `${F}/runtime/tasks/mailbox/MailboxProcessor.runMailboxLoop`];
const SOURCE = [...TASK, `${F}/runtime/io/StreamTaskSourceInput.emitNext`, `${F}/api/operators/SourceOperator.emitNext`, 'org/apache/flink/api/connector/source/lib/util/IteratorSourceReaderBase.pollNext'];
const TO_MAP = [`${F}/runtime/tasks/CopyingChainingOutput.collect`, `${F}/runtime/tasks/CopyingChainingOutput.pushToOperator`, `${F}/api/operators/StreamMap.processElement`];
const TO_FILTER = [`${F}/runtime/tasks/ChainingOutput.collect`, `${F}/api/operators/StreamFilter.processElement`];
const KEYED = [...TASK, `${F}/runtime/io/AbstractStreamTaskNetworkInput.emitNext`, `${F}/runtime/tasks/OneInputStreamTask$StreamTaskNetworkOutput.emitRecord`, `${F}/api/operators/KeyedProcessOperator.processElement`];

const STACKS: Stack[] = [
  // the source's chain: Map (Enrich, index 1) then Filter (index 2)
  { frames: [...SOURCE, ...TO_MAP, 'com/acme/Job$Enrich.map', 'java/lang/String.matches', 'java/util/regex/Pattern.matches', 'java/util/regex/Pattern.compile'], samples: 300 },
  { frames: [...SOURCE, ...TO_MAP, 'com/acme/Job$Enrich.map'], samples: 100 },
  { frames: [...SOURCE, ...TO_MAP, ...TO_FILTER, 'com/acme/Job$Keep.filter', 'org/apache/logging/slf4j/Log4jLogger.info', 'org/apache/logging/log4j/core/Logger.log'], samples: 80 },
  // record copies between Map and Filter: the copy frame under the chaining output
  { frames: [...SOURCE, `${F}/runtime/tasks/CopyingChainingOutput.pushToOperator`, 'org/apache/flink/api/java/typeutils/runtime/PojoSerializer.copy'], samples: 40 },
  // Kryo inside the POJO serializer, instantiating the field's class
  { frames: [...KEYED, 'com/acme/Job$Count.processElement', `${F}/api/operators/TimestampedCollector.collect`, 'org/apache/flink/api/java/typeutils/runtime/PojoSerializer.serialize', 'org/apache/flink/api/java/typeutils/runtime/kryo/KryoSerializer.serialize', 'com/esotericsoftware/kryo/Kryo.writeObject', 'java/util/Optional.get'], samples: 60 },
  // outside any task thread
  { frames: ['GCTaskThread::run', 'G1ParEvacuateFollowersClosure::do_void'], samples: 20, type: 4 },
];

function site(sites: CostSite[], kind: CostSite['kind'], hot?: string): CostSite {
  const found = sites.find((candidate) => candidate.kind === kind && (hot === undefined || candidate.hotFrame === hot));
  assert.ok(found, `no ${kind} site${hot ? ` at ${hot}` : ''} in ${sites.map((s) => `${s.kind}:${s.hotFrame}`).join(', ')}`);
  return found;
}

describe('frame kinds', () => {
  it('tells user code from the JDK, Flink, libraries, VM and generated frames', () => {
    assert.ok(isUserFrame('com/acme/Job$Enrich.map', 'jit'));
    assert.ok(isUserFrame('squirrly.e2e.ClickJob$ParseClick.map', 'inlined'));
    for (const name of ['java/lang/String.matches', 'org/apache/flink/api/Foo.bar', 'com/fasterxml/jackson/databind/ObjectMapper.readTree', 'com/esotericsoftware/kryo/Kryo.writeObject', 'com/acme/Job$$Lambda$12.0x0000000801.apply', 'Interpreter', '[unknown_Java]']) {
      assert.ok(!isUserFrame(name, 'jit'), name);
    }
    assert.ok(!isUserFrame('com/acme/Job$Enrich.map', 'native'));
  });

  it('knows operator frames and their kind, and frames that only pass records on', () => {
    assert.deepEqual(operatorFrame(`${F}/api/operators/StreamMap.processElement`), { kind: 'StreamMap', source: false });
    assert.deepEqual(operatorFrame(`${F}/api/operators/SourceOperator.emitNext`), { kind: 'SourceOperator', source: true });
    assert.deepEqual(operatorFrame(`${F}/runtime/operators/sink/SinkWriterOperator.processElement`), { kind: 'SinkWriterOperator', source: false });
    assert.equal(operatorFrame(`${F}/api/operators/CountingOutput.collect`), undefined);
    assert.equal(operatorFrame(`${F}/runtime/tasks/StreamTask.processInput`), undefined);
    for (const name of [`${F}/runtime/tasks/CopyingChainingOutput.collect`, `${F}/api/operators/TimestampedCollector.collect`, `${F}/runtime/tasks/mailbox/MailboxProcessor.runMailboxLoop`, 'com/acme/Job$$Lambda$3.0x00007f.accept']) {
      assert.ok(isPassThrough(name), name);
    }
    assert.ok(!isPassThrough('org/apache/flink/api/java/typeutils/runtime/PojoSerializer.copy'));
  });
});

describe('attribution', () => {
  const summary = summarize(parseFlameGraph(renderV2(STACKS)), { source: 'tm-1_ITIMER_2024-03-05_14_03_27.html', target: 'tm-1' });
  const { sites, functions } = summary.attribution!;

  it('names the user frame above the hot frame and the operator and chain position it runs in', () => {
    const regex = site(sites, 'regex');
    assert.equal(regex.hotFrame, 'java/util/regex/Pattern.matches');
    assert.equal(regex.caller, 'java/lang/String.matches');
    assert.equal(regex.userFrame, 'com/acme/Job$Enrich.map');
    assert.deepEqual(regex.operator, { kind: 'StreamMap', index: 1, head: 'SourceOperator' });
    assert.equal(regex.samples, 300);
    assert.equal(regex.task, true);
    const compile = site(sites, 'regex-compile');
    assert.equal(compile.hotFrame, 'java/util/regex/Pattern.compile');
    assert.equal(compile.caller, 'java/util/regex/Pattern.matches');
    const logging = site(sites, 'logging');
    assert.equal(logging.userFrame, 'com/acme/Job$Keep.filter');
    assert.deepEqual(logging.operator, { kind: 'StreamFilter', index: 2, head: 'SourceOperator' });
  });

  it('keeps the path from the task entry down to the hot frame, pass-through frames folded', () => {
    const regex = site(sites, 'regex');
    assert.equal(regex.path[0], 'org/apache/flink/runtime/taskmanager/Task.run');
    assert.equal(regex.path.at(-1), 'java/util/regex/Pattern.matches');
    assert.ok(regex.path.includes(`${F}/api/operators/StreamMap.processElement`) && regex.path.includes('com/acme/Job$Enrich.map'));
    assert.ok(!regex.path.some((frame) => frame.includes('CopyingChainingOutput') || frame.includes('Mailbox')), regex.path.join(' > '));
    assert.ok(regex.path.includes('…'));
    assert.ok(sites.every((s) => s.path.length <= PATH_MAX));
  });

  it('counts a serializer copy as a record copy only where the copy runs, not every stack through a chaining output', () => {
    assert.equal(summary.signals?.['record-copy']?.samples, 40);
    const copy = site(sites, 'record-copy');
    assert.equal(copy.caller, `${F}/runtime/tasks/CopyingChainingOutput.pushToOperator`);
    assert.equal(copy.userFrame, undefined);
  });

  it('shows what Kryo works on below it, under the POJO serializer', () => {
    const kryo = site(sites, 'kryo');
    assert.equal(kryo.caller, 'org/apache/flink/api/java/typeutils/runtime/PojoSerializer.serialize');
    assert.equal(kryo.below, 'java/util/Optional.get');
    assert.equal(kryo.userFrame, 'com/acme/Job$Count.processElement');
    assert.deepEqual(kryo.operator, { kind: 'KeyedProcessOperator', index: 0, head: 'KeyedProcessOperator' });
  });

  it('sums each user function under its operator, whatever it calls', () => {
    const byName = new Map(functions.map((fn) => [fn.function, fn]));
    assert.equal(byName.get('com/acme/Job$Enrich.map')?.samples, 400);
    assert.equal(byName.get('com/acme/Job$Keep.filter')?.samples, 80);
    assert.equal(byName.get('com/acme/Job$Count.processElement')?.samples, 60);
    assert.deepEqual(byName.get('com/acme/Job$Keep.filter')?.operator, { kind: 'StreamFilter', index: 2, head: 'SourceOperator' });
    const gc = site(sites, 'self', 'G1ParEvacuateFollowersClosure::do_void');
    assert.equal(gc.task, false);
  });

  it('blames an allocation on the code that asked for it, not the JDK frame or the chaining output', () => {
    const alloc: Stack[] = [
      { frames: [...SOURCE, ...TO_MAP, 'com/acme/Job$Enrich.map', 'java/util/Arrays.copyOf', 'byte[]'], samples: 50, type: 2 },
      { frames: [...SOURCE, `${F}/runtime/tasks/CopyingChainingOutput.pushToOperator`, 'org/apache/flink/api/common/typeutils/base/StringSerializer.copy', 'java/lang/String.<init>', 'char[]'], samples: 10, type: 2 },
    ];
    const allocSummary = summarize(parseFlameGraph(renderV2(alloc, 'Allocation profile')), { source: 'tm-1_ALLOC_2024-03-05_14_03_27.html', target: 'tm-1' });
    const sitesOf = allocSummary.attribution!.sites;
    const bytes = site(sitesOf, 'self', 'byte[]');
    assert.equal(bytes.userFrame, 'com/acme/Job$Enrich.map');
    assert.equal(bytes.blame, 'com/acme/Job$Enrich.map');
    assert.equal(bytes.caller, 'java/util/Arrays.copyOf');
    const chars = site(sitesOf, 'self', 'char[]');
    assert.equal(chars.blame, 'org/apache/flink/api/common/typeutils/base/StringSerializer.copy');
    assert.equal(chars.userFrame, undefined);
  });
});
