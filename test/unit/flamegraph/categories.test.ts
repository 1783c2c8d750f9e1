import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { categorize, effectiveCategory } from '../../../src/flamegraph/categories.ts';
import type { Category, FrameType, ProfilingMode } from '../../../src/flamegraph/types.ts';

function check(cases: Array<[string, FrameType, ProfilingMode | undefined, Category]>): void {
  for (const [name, type, mode, expected] of cases) {
    assert.equal(categorize(name, type, mode), expected, `${name} (${type}, ${mode ?? 'no mode'})`);
  }
}

describe('categorize', () => {
  it('tells Flink runtime, user code and the JDK apart in slash and dot form', () => {
    check([
      ['org/apache/flink/streaming/runtime/tasks/StreamTask.invoke', 'jit', 'CPU', 'flink-runtime'],
      ['org.apache.flink.streaming.runtime.tasks.StreamTask.invoke', 'jit', 'CPU', 'flink-runtime'],
      ['com/example/EnrichFunction.map', 'jit', 'CPU', 'user'],
      ['com/fasterxml/jackson/databind/ObjectMapper.readTree', 'jit', 'CPU', 'user'],
      ['java/util/HashMap.get', 'inlined', 'CPU', 'jdk'],
      ['jdk/internal/misc/Unsafe.park', 'jit', 'CPU', 'jdk'],
      ['sun/nio/ch/SocketDispatcher.write0', 'native', 'CPU', 'other'],
    ]);
  });

  it('recognises serialization, state backend, network and logging', () => {
    check([
      ['com/esotericsoftware/kryo/Kryo.writeClassAndObject', 'jit', 'CPU', 'serialization'],
      ['org/apache/flink/api/java/typeutils/runtime/kryo/KryoSerializer.serialize', 'jit', 'CPU', 'serialization'],
      ['org/apache/flink/api/java/typeutils/runtime/PojoSerializer.deserialize', 'jit', 'CPU', 'serialization'],
      ['org/apache/flink/api/common/typeutils/base/StringSerializer.serialize', 'jit', 'CPU', 'serialization'],
      ['org/apache/avro/generic/GenericDatumReader.read', 'jit', 'CPU', 'serialization'],
      ['com/google/protobuf/CodedInputStream.readTag', 'jit', 'CPU', 'serialization'],
      ['org/apache/flink/runtime/io/network/api/serialization/SpillingAdaptiveSpanningRecordDeserializer.readNextRecord', 'jit', 'CPU', 'serialization'],
      ['org/rocksdb/RocksDB.get', 'jit', 'CPU', 'state-backend'],
      ['rocksdb::DBImpl::Get(rocksdb::ReadOptions const&)', 'cpp', 'CPU', 'state-backend'],
      ['Java_org_rocksdb_RocksDB_get__J_3BII', 'native', 'CPU', 'state-backend'],
      ['org/apache/flink/contrib/streaming/state/RocksDBValueState.value', 'jit', 'CPU', 'state-backend'],
      ['org/apache/flink/state/forst/ForStValueState.value', 'jit', 'CPU', 'state-backend'],
      ['org/apache/flink/shaded/netty4/io/netty/channel/nio/NioEventLoop.run', 'jit', 'CPU', 'network'],
      ['io/netty/buffer/AbstractByteBuf.writeBytes', 'jit', 'CPU', 'network'],
      ['org/apache/flink/runtime/io/network/partition/consumer/SingleInputGate.getNext', 'jit', 'CPU', 'network'],
      ['org/apache/logging/log4j/core/Logger.logMessage', 'jit', 'CPU', 'logging'],
      ['org/slf4j/helpers/MessageFormatter.arrayFormat', 'jit', 'CPU', 'logging'],
      ['ch/qos/logback/classic/Logger.info', 'jit', 'CPU', 'logging'],
    ]);
  });

  it('puts VM internals in gc-jit-vm and kernel frames in kernel, depending on the mode', () => {
    check([
      ['G1ParEvacuateFollowersClosure::do_void', 'cpp', 'CPU', 'gc-jit-vm'],
      ['[GC_active]', 'native', 'WALL', 'gc-jit-vm'],
      ['[unknown]', 'native', 'CPU', 'other'],
      ['entry_SYSCALL_64_after_hwframe', 'kernel', 'CPU', 'kernel'],
      ['finish_task_switch.isra.0', 'kernel', undefined, 'kernel'],
      ['java.lang.String', 'kernel', 'ALLOC', 'jdk'],
      ['com.example.Event', 'kernel', 'ALLOC', 'user'],
      ['com.example.Event', 'kernel', undefined, 'user'],
      ['byte[]', 'inlined', 'ALLOC', 'jdk'],
      ['java.util.concurrent.locks.ReentrantLock$NonfairSync', 'kernel', 'LOCK', 'jdk'],
    ]);
  });

  it('has a waiting category only in WALL and LOCK profiles', () => {
    check([
      ['jdk/internal/misc/Unsafe.park', 'jit', 'WALL', 'waiting'],
      ['java/lang/Object.wait', 'native', 'LOCK', 'waiting'],
      ['java/lang/Thread.sleep0', 'native', 'WALL', 'waiting'],
      ['epoll_wait', 'native', 'WALL', 'waiting'],
      ['__futex_abstimed_wait_common', 'native', 'WALL', 'waiting'],
      ['pthread_cond_timedwait@@GLIBC_2.3.2', 'native', 'WALL', 'waiting'],
      ['do_epoll_wait', 'kernel', 'WALL', 'waiting'],
      ['epoll_wait', 'native', 'CPU', 'other'],
      ['jdk/internal/misc/Unsafe.park', 'jit', 'ITIMER', 'jdk'],
      ['com/example/Waiter.parkingLot', 'jit', 'WALL', 'user'],
    ]);
  });
});

describe('effectiveCategory', () => {
  it('gives generic frames the category of the nearest specific ancestor', () => {
    // user code -> java/util/regex -> native: all count as user code
    const user = effectiveCategory('user', undefined);
    const regex = effectiveCategory('jdk', user);
    assert.equal(regex, 'user');
    assert.equal(effectiveCategory('other', regex), 'user');
  });

  it('keeps specific categories, and prefers JDK over native when nothing says more', () => {
    assert.equal(effectiveCategory('logging', 'user'), 'logging');
    assert.equal(effectiveCategory('kernel', 'user'), 'kernel');
    assert.equal(effectiveCategory('other', 'jdk'), 'jdk');
    assert.equal(effectiveCategory('jdk', 'other'), 'jdk');
    assert.equal(effectiveCategory('other', undefined), 'other');
  });
});
