// Realistic Flink call stacks per process role and profiling mode, sampled into a frame tree.
// Frames are written in a compact notation: a `_[x]` suffix sets the frame kind, like
// async-profiler's collapsed output (j JIT, i inlined, 0 interpreted, 1 C1, k kernel), plus
// `t` / `o` for classes allocated inside / outside a TLAB and `c` for lock classes.
// Without a suffix, `::` means C++, `/` means a JIT-compiled Java method, anything else native.
import type { ProfilingMode } from '../../../src/flamegraph/types.ts';
import { seededRandom } from './seeded-random.ts';

export type ProcessRole = 'jobmanager' | 'taskmanager';

/** One node of the sampled tree; children are keyed by name like async-profiler 2.x. */
export interface ProfileNode {
  name: string;
  /** Java method frames get their type from the inlined/C1/interpreted counts, like async-profiler */
  java: boolean;
  /** type id (vmEntry.h) of frames that are not Java methods */
  fixedType: number;
  total: number;
  self: number;
  inlined: number;
  c1: number;
  interpreted: number;
  children: Map<string, ProfileNode>;
}

interface StackTemplate {
  weight: number;
  frames: string[];
}

const TYPE_BY_SUFFIX: Record<string, number> = { j: 1, i: 2, '0': 0, '1': 6, k: 5, t: 2, o: 5, c: 2 };

const KERNEL_SYSCALL = ['entry_SYSCALL_64_after_hwframe_[k]', 'do_syscall_64_[k]'];
const FUTEX_WAIT = ['__pthread_cond_wait', ...KERNEL_SYSCALL, '__x64_sys_futex_[k]', 'futex_wait_[k]', 'schedule_[k]'];
const UNSAFE_PARK = ['java/util/concurrent/locks/LockSupport.park', 'jdk/internal/misc/Unsafe.park', 'Unsafe_Park', 'Parker::park', ...FUTEX_WAIT];

const TASK_THREAD = [
  'java/lang/Thread.run',
  'org/apache/flink/runtime/taskmanager/Task.run',
  'org/apache/flink/runtime/taskmanager/Task.doRun',
  'org/apache/flink/runtime/taskmanager/Task.restoreAndInvoke',
  'org/apache/flink/streaming/runtime/tasks/StreamTask.invoke',
  'org/apache/flink/streaming/runtime/tasks/StreamTask.runMailboxLoop',
  'org/apache/flink/streaming/runtime/tasks/mailbox/MailboxProcessor.runMailboxLoop',
];
const PROCESS_INPUT = [
  ...TASK_THREAD,
  'org/apache/flink/streaming/runtime/tasks/mailbox/MailboxProcessor.runDefaultAction',
  'org/apache/flink/streaming/runtime/tasks/StreamTask.processInput',
  'org/apache/flink/streaming/runtime/io/StreamOneInputProcessor.processInput',
  'org/apache/flink/streaming/runtime/io/AbstractStreamTaskNetworkInput.emitNext',
];
const EMIT_RECORD = [
  ...PROCESS_INPUT,
  'org/apache/flink/streaming/runtime/io/AbstractStreamTaskNetworkInput.processElement',
  'org/apache/flink/streaming/runtime/tasks/OneInputStreamTask$StreamTaskNetworkOutput.emitRecord',
];
const STREAM_MAP = [...EMIT_RECORD, 'org/apache/flink/streaming/api/operators/StreamMap.processElement'];
const ENRICH_MAP = [...STREAM_MAP, 'com/example/shop/EnrichOrders.map'];
const READ_TREE = [
  ...ENRICH_MAP,
  'com/fasterxml/jackson/databind/ObjectMapper.readTree',
  'com/fasterxml/jackson/databind/ObjectMapper._readTreeAndClose',
  'com/fasterxml/jackson/databind/deser/std/JsonNodeDeserializer.deserialize',
  'com/fasterxml/jackson/databind/deser/std/BaseNodeDeserializer._deserializeContainerNoRecursion',
];
const REGEX = [...ENRICH_MAP, 'java/util/regex/Matcher.matches', 'java/util/regex/Pattern$Start.match', 'java/util/regex/Pattern$GroupHead.match'];
const LOG_INFO = [
  ...ENRICH_MAP,
  'org/apache/logging/slf4j/Log4jLogger.info',
  'org/apache/logging/log4j/spi/AbstractLogger.logIfEnabled',
  'org/apache/logging/log4j/core/Logger.log',
  'org/apache/logging/log4j/core/config/LoggerConfig.log',
];
const LOG_APPEND = [
  ...LOG_INFO,
  'org/apache/logging/log4j/core/appender/AbstractOutputStreamAppender.append',
  'org/apache/logging/log4j/core/appender/AbstractOutputStreamAppender.directEncodeEvent',
  'org/apache/logging/log4j/core/layout/PatternLayout.encode',
];
const KEYED = [
  ...EMIT_RECORD,
  'org/apache/flink/streaming/api/operators/KeyedProcessOperator.processElement',
  'com/example/shop/SessionCounter.processElement',
];
const ROCKSDB_GET = [
  ...KEYED,
  'org/apache/flink/contrib/streaming/state/RocksDBValueState.value',
  'org/rocksdb/RocksDB.get',
  'Java_org_rocksdb_RocksDB_get__J_3BIIJ',
];
const ROCKSDB_PUT = [
  ...KEYED,
  'org/apache/flink/contrib/streaming/state/RocksDBValueState.update',
  'org/rocksdb/RocksDB.put',
  'Java_org_rocksdb_RocksDB_put__J_3BII_3BIIJ',
];
const KRYO_READ = [
  ...PROCESS_INPUT,
  'org/apache/flink/runtime/io/network/api/serialization/SpillingAdaptiveSpanningRecordDeserializer.readNextRecord',
  'org/apache/flink/runtime/plugable/NonReusingDeserializationDelegate.read',
  'org/apache/flink/streaming/runtime/streamrecord/StreamElementSerializer.deserialize',
  'org/apache/flink/api/java/typeutils/runtime/kryo/KryoSerializer.deserialize',
  'com/esotericsoftware/kryo/Kryo.readClassAndObject',
];
const RECORD_WRITER = [
  ...STREAM_MAP,
  'org/apache/flink/streaming/api/operators/CountingOutput.collect',
  'org/apache/flink/streaming/runtime/io/RecordWriterOutput.collect',
  'org/apache/flink/runtime/io/network/api/writer/ChannelSelectorRecordWriter.emit',
];
const KRYO_WRITE = [
  ...RECORD_WRITER,
  'org/apache/flink/runtime/io/network/api/writer/RecordWriter.serializeRecord',
  'org/apache/flink/streaming/runtime/streamrecord/StreamElementSerializer.serialize',
  'org/apache/flink/api/java/typeutils/runtime/kryo/KryoSerializer.serialize',
  'com/esotericsoftware/kryo/Kryo.writeClassAndObject',
];
const NETTY_LOOP = [
  'java/lang/Thread.run',
  'org/apache/flink/shaded/netty4/io/netty/util/internal/ThreadExecutorMap$2.run',
  'org/apache/flink/shaded/netty4/io/netty/util/concurrent/SingleThreadEventExecutor$4.run',
  'org/apache/flink/shaded/netty4/io/netty/channel/nio/NioEventLoop.run',
];
const NETTY_READ = [
  ...NETTY_LOOP,
  'org/apache/flink/shaded/netty4/io/netty/channel/nio/NioEventLoop.processSelectedKeys',
  'org/apache/flink/shaded/netty4/io/netty/channel/nio/NioEventLoop.processSelectedKey',
  'org/apache/flink/shaded/netty4/io/netty/channel/nio/AbstractNioByteChannel$NioByteUnsafe.read',
];
const NETTY_SELECT = [
  ...NETTY_LOOP,
  'org/apache/flink/shaded/netty4/io/netty/channel/nio/NioEventLoop.select',
  'sun/nio/ch/SelectorImpl.select',
  'sun/nio/ch/SelectorImpl.lockAndDoSelect',
  'sun/nio/ch/EPollSelectorImpl.doSelect',
  'sun/nio/ch/EPoll.wait',
  'epoll_wait',
  ...KERNEL_SYSCALL,
  '__x64_sys_epoll_wait_[k]',
  'do_epoll_wait_[k]',
];
const VM_THREAD = ['start_thread', 'thread_native_entry', 'Thread::call_run'];
const G1_WORKER = [...VM_THREAD, 'GangWorker::loop', 'G1EvacuateRegionsTask::work', 'G1ParEvacuateFollowersClosure::do_void'];
const C2_COMPILER = [
  ...VM_THREAD,
  'JavaThread::thread_main_inner',
  'CompileBroker::compiler_thread_loop',
  'CompileBroker::invoke_compiler_on_method',
  'C2Compiler::compile_method',
  'Compile::Compile',
];
const FORK_JOIN = [
  'java/util/concurrent/ForkJoinWorkerThread.run',
  'java/util/concurrent/ForkJoinPool.runWorker',
];
const PEKKO_RPC = [
  ...FORK_JOIN,
  'java/util/concurrent/ForkJoinPool.scan',
  'java/util/concurrent/ForkJoinPool$WorkQueue.topLevelExec',
  'org/apache/pekko/dispatch/Mailbox.exec',
  'org/apache/pekko/dispatch/Mailbox.run',
  'org/apache/pekko/dispatch/Mailbox.processMailbox',
  'org/apache/pekko/actor/ActorCell.invoke',
  'org/apache/flink/runtime/rpc/pekko/PekkoRpcActor.handleRpcMessage',
  'org/apache/flink/runtime/rpc/pekko/PekkoRpcActor.handleRpcInvocation',
];
const REST_HANDLER = [
  ...NETTY_READ,
  'org/apache/flink/runtime/rest/handler/router/RouterHandler.channelRead0',
  'org/apache/flink/runtime/rest/handler/AbstractHandler.respondAsLeader',
  'org/apache/flink/runtime/rest/handler/AbstractRestHandler.respondToRequest',
];
const CHECKPOINT_UPLOAD = [
  'java/lang/Thread.run',
  'java/util/concurrent/ThreadPoolExecutor$Worker.run',
  'java/util/concurrent/ThreadPoolExecutor.runWorker',
  'java/util/concurrent/FutureTask.run',
  'org/apache/flink/streaming/runtime/tasks/AsyncCheckpointRunnable.run',
  'org/apache/flink/contrib/streaming/state/RocksDBStateUploader.uploadFilesToCheckpointFs',
];

const t = (weight: number, ...frames: string[]): StackTemplate => ({ weight, frames });

const TASKMANAGER_CPU: StackTemplate[] = [
  t(30, ...READ_TREE, 'com/fasterxml/jackson/core/json/ReaderBasedJsonParser.nextToken'),
  t(10, ...READ_TREE, 'com/fasterxml/jackson/core/json/ReaderBasedJsonParser._parseName_[i]'),
  t(15, ...REGEX, 'java/util/regex/Pattern$Loop.match', 'java/util/regex/Pattern$CharProperty.match_[i]'),
  t(4, ...ENRICH_MAP, 'java/lang/String.toLowerCase', 'java/lang/StringLatin1.toLowerCase_[i]'),
  t(6, ...LOG_APPEND, 'org/apache/logging/log4j/core/appender/OutputStreamManager.flush', 'java/io/FileOutputStream.writeBytes', 'writeBytes', 'write', ...KERNEL_SYSCALL, 'ksys_write_[k]', 'vfs_write_[k]'),
  t(3, ...LOG_APPEND, 'org/apache/logging/log4j/core/pattern/DatePatternConverter.format'),
  t(12, ...ROCKSDB_GET, 'rocksdb::DBImpl::Get', 'rocksdb::DBImpl::GetImpl', 'rocksdb::Version::Get', 'rocksdb::TableCache::Get', 'rocksdb::BlockBasedTable::Get', 'rocksdb::DataBlockIter::SeekImpl'),
  t(4, ...ROCKSDB_GET, 'rocksdb::DBImpl::Get', 'rocksdb::DBImpl::GetImpl', 'rocksdb::Version::Get', 'rocksdb::TableCache::Get', 'rocksdb::BlockFetcher::ReadBlockContents', 'pread64', ...KERNEL_SYSCALL, '__x64_sys_pread64_[k]', 'filemap_read_[k]'),
  t(5, ...ROCKSDB_PUT, 'rocksdb::DBImpl::Put', 'rocksdb::DBImpl::WriteImpl', 'rocksdb::WriteBatchInternal::InsertInto', 'rocksdb::MemTable::Add'),
  t(3, ...KEYED, 'org/apache/flink/contrib/streaming/state/RocksDBSerializedCompositeKeyBuilder.buildCompositeKeyNamespace', 'org/apache/flink/api/common/typeutils/base/StringSerializer.serialize_[i]'),
  t(10, ...KRYO_READ, 'com/esotericsoftware/kryo/serializers/FieldSerializer.read', 'com/esotericsoftware/kryo/io/Input.readString_[i]'),
  t(3, ...KRYO_READ, 'com/esotericsoftware/kryo/Kryo.readClass', 'com/esotericsoftware/kryo/util/DefaultClassResolver.readClass'),
  t(8, ...KRYO_WRITE, 'com/esotericsoftware/kryo/serializers/FieldSerializer.write', 'com/esotericsoftware/kryo/io/Output.writeString_[i]'),
  t(5, ...NETTY_READ, 'sun/nio/ch/SocketChannelImpl.read', 'sun/nio/ch/IOUtil.read', 'sun/nio/ch/SocketDispatcher.read0', 'read', ...KERNEL_SYSCALL, 'ksys_read_[k]', 'tcp_recvmsg_[k]'),
  t(3, ...NETTY_READ, 'org/apache/flink/runtime/io/network/netty/CreditBasedPartitionRequestClientHandler.channelRead', 'org/apache/flink/runtime/io/network/netty/CreditBasedPartitionRequestClientHandler.decodeMsg', 'org/apache/flink/runtime/io/network/partition/consumer/RemoteInputChannel.onBuffer'),
  t(2, ...NETTY_SELECT),
  t(7, ...G1_WORKER, 'G1ParScanThreadState::trim_queue', 'G1ParScanThreadState::do_copy_to_survivor_space'),
  t(2, ...G1_WORKER, 'G1ParScanThreadState::steal_and_trim_queue'),
  t(4, ...C2_COMPILER, 'Compile::Optimize', 'PhaseIdealLoop::build_and_optimize'),
  t(2, ...CHECKPOINT_UPLOAD, 'java/io/FileInputStream.readBytes', 'readBytes', 'read', ...KERNEL_SYSCALL, 'ksys_read_[k]'),
];

const TASKMANAGER_ALLOC: StackTemplate[] = [
  t(10, ...READ_TREE, 'com/fasterxml/jackson/databind/node/JsonNodeFactory.objectNode', 'com.fasterxml.jackson.databind.node.ObjectNode_[t]'),
  t(12, ...READ_TREE, 'com/fasterxml/jackson/core/util/TextBuffer.contentsAsString', 'java.lang.String_[t]'),
  t(8, ...READ_TREE, 'com/fasterxml/jackson/core/util/TextBuffer.contentsAsString', 'java/lang/String.<init>', 'byte[]_[t]'),
  t(4, ...READ_TREE, 'com/fasterxml/jackson/core/util/BufferRecycler.calloc', 'char[]_[o]'),
  t(5, ...ENRICH_MAP, 'java/util/regex/Pattern.matcher', 'java.util.regex.Matcher_[t]'),
  t(3, ...ENRICH_MAP, 'java/util/regex/Pattern.matcher', 'java/util/regex/Matcher.<init>', 'int[]_[t]'),
  t(8, ...KRYO_READ, 'com/esotericsoftware/kryo/serializers/FieldSerializer.read', 'com/esotericsoftware/kryo/io/Input.readString', 'java.lang.String_[t]'),
  t(6, ...KRYO_READ, 'com/esotericsoftware/kryo/Kryo.newInstance', 'com.example.shop.Order_[t]'),
  t(10, ...ROCKSDB_GET, 'byte[]_[t]'),
  t(3, ...KEYED, 'org/apache/flink/contrib/streaming/state/RocksDBValueState.value', 'org.apache.flink.core.memory.DataInputDeserializer_[t]'),
  t(3, ...KRYO_WRITE, 'com/esotericsoftware/kryo/io/Output.require', 'byte[]_[o]'),
  t(4, ...LOG_INFO, 'org/apache/logging/log4j/message/ParameterizedMessageFactory.newMessage', 'org.apache.logging.log4j.message.ParameterizedMessage_[t]'),
  t(2, ...NETTY_READ, 'org/apache/flink/shaded/netty4/io/netty/buffer/PooledByteBufAllocator.newDirectBuffer', 'org.apache.flink.shaded.netty4.io.netty.buffer.PooledUnsafeDirectByteBuf_[t]'),
];

const TASKMANAGER_LOCK: StackTemplate[] = [
  t(20, ...RECORD_WRITER, 'org/apache/flink/runtime/io/network/partition/BufferWritingResultPartition.requestNewUnicastBufferBuilder', 'org/apache/flink/runtime/io/network/buffer/LocalBufferPool.requestBufferBuilderBlocking', 'org/apache/flink/runtime/io/network/buffer/LocalBufferPool.requestMemorySegmentBlocking', 'java/util/concurrent/CompletableFuture.get', 'java/util/concurrent/CompletableFuture.waitingGet', 'java/util/concurrent/ForkJoinPool.managedBlock', 'java/util/concurrent/CompletableFuture$Signaller.block', 'java/util/concurrent/locks/LockSupport.park', 'jdk/internal/misc/Unsafe.park', 'java.util.concurrent.CompletableFuture$Signaller_[c]'),
  t(15, ...RECORD_WRITER, 'org/apache/flink/runtime/io/network/partition/BufferWritingResultPartition.emitRecord', 'org/apache/flink/runtime/io/network/partition/PipelinedSubpartition.add', 'java.util.ArrayDeque_[c]'),
  t(10, ...NETTY_READ, 'org/apache/flink/runtime/io/network/netty/PartitionRequestQueue.writeAndFlushNextMessageIfPossible', 'org/apache/flink/runtime/io/network/partition/PipelinedSubpartitionView.getNextBuffer', 'org/apache/flink/runtime/io/network/partition/PipelinedSubpartition.pollBuffer', 'java.util.ArrayDeque_[c]'),
  t(8, 'java/lang/Thread.run', 'java/util/concurrent/ThreadPoolExecutor$Worker.run', 'java/util/concurrent/ThreadPoolExecutor.runWorker', 'java/util/concurrent/ScheduledThreadPoolExecutor$ScheduledFutureTask.run', 'org/apache/flink/streaming/runtime/tasks/SystemProcessingTimeService$ScheduledTask.run', 'org/apache/flink/streaming/runtime/tasks/mailbox/MailboxExecutorImpl.execute', 'org/apache/flink/streaming/runtime/tasks/mailbox/TaskMailboxImpl.put', 'java/util/concurrent/locks/ReentrantLock.lock', 'java.util.concurrent.locks.ReentrantLock$NonfairSync_[c]'),
  t(6, ...LOG_APPEND, 'org/apache/logging/log4j/core/appender/OutputStreamManager.writeBytes', 'org.apache.logging.log4j.core.appender.rolling.RollingFileManager_[c]'),
];

const TASKMANAGER_IDLE: StackTemplate[] = [
  t(60, ...TASK_THREAD, 'org/apache/flink/streaming/runtime/tasks/mailbox/MailboxProcessor.processMail', 'org/apache/flink/streaming/runtime/tasks/mailbox/TaskMailboxImpl.take', 'java/util/concurrent/locks/AbstractQueuedSynchronizer$ConditionObject.await', ...UNSAFE_PARK),
  t(60, ...NETTY_SELECT),
  t(40, 'java/lang/ref/Finalizer$FinalizerThread.run', 'java/lang/ref/ReferenceQueue.remove', 'java/lang/Object.wait', 'JVM_MonitorWait', 'ObjectMonitor::wait', 'PlatformEvent::park', ...FUTEX_WAIT),
  t(40, ...FORK_JOIN, 'java/util/concurrent/ForkJoinPool.awaitWork', ...UNSAFE_PARK),
  t(30, ...VM_THREAD, 'GangWorker::loop', 'SemaphoreGangTaskDispatcher::worker_wait_for_task', 'PosixSemaphore::wait', 'sem_wait', ...KERNEL_SYSCALL, '__x64_sys_futex_[k]', 'futex_wait_[k]'),
];

const JOBMANAGER_CPU: StackTemplate[] = [
  t(15, ...PEKKO_RPC, 'org/apache/flink/runtime/jobmaster/JobMaster.updateTaskExecutionState', 'org/apache/flink/runtime/scheduler/SchedulerBase.updateTaskExecutionState'),
  t(10, ...PEKKO_RPC, 'org/apache/flink/runtime/jobmaster/JobMaster.acknowledgeCheckpoint', 'org/apache/flink/runtime/checkpoint/CheckpointCoordinator.receiveAcknowledgeMessage'),
  t(8, ...PEKKO_RPC, 'org/apache/flink/runtime/resourcemanager/ResourceManager.heartbeatFromTaskManager', 'org/apache/flink/runtime/heartbeat/HeartbeatManagerImpl.receiveHeartbeat'),
  t(12, ...REST_HANDLER, 'org/apache/flink/shaded/jackson2/com/fasterxml/jackson/databind/ObjectMapper.writeValueAsString', 'org/apache/flink/shaded/jackson2/com/fasterxml/jackson/core/json/WriterBasedJsonGenerator.writeString_[i]'),
  t(4, ...NETTY_SELECT),
  t(6, ...G1_WORKER, 'G1ParScanThreadState::trim_queue'),
  t(5, ...C2_COMPILER, 'Compile::Optimize', 'PhaseIdealLoop::build_and_optimize'),
];

const JOBMANAGER_ALLOC: StackTemplate[] = [
  t(10, ...REST_HANDLER, 'org/apache/flink/shaded/jackson2/com/fasterxml/jackson/databind/ObjectMapper.writeValueAsString', 'byte[]_[t]'),
  t(6, ...REST_HANDLER, 'org/apache/flink/shaded/jackson2/com/fasterxml/jackson/databind/ObjectMapper.writeValueAsString', 'java.lang.String_[t]'),
  t(8, ...PEKKO_RPC, 'org/apache/flink/runtime/jobmaster/JobMaster.updateTaskExecutionState', 'org.apache.flink.runtime.taskmanager.TaskExecutionState_[t]'),
];

const JOBMANAGER_LOCK: StackTemplate[] = [
  t(10, ...PEKKO_RPC, 'org/apache/flink/runtime/jobmaster/JobMaster.acknowledgeCheckpoint', 'org/apache/flink/runtime/checkpoint/CheckpointCoordinator.receiveAcknowledgeMessage', 'java.lang.Object_[c]'),
  t(5, ...REST_HANDLER, 'org/apache/flink/runtime/rest/handler/legacy/ExecutionGraphCache.getExecutionGraphInfo', 'java.util.concurrent.ConcurrentHashMap_[c]'),
];

const JOBMANAGER_IDLE: StackTemplate[] = [
  t(60, ...NETTY_SELECT),
  t(60, ...FORK_JOIN, 'java/util/concurrent/ForkJoinPool.awaitWork', ...UNSAFE_PARK),
  t(30, 'java/lang/ref/Finalizer$FinalizerThread.run', 'java/lang/ref/ReferenceQueue.remove', 'java/lang/Object.wait', 'JVM_MonitorWait', 'ObjectMonitor::wait', 'PlatformEvent::park', ...FUTEX_WAIT),
];

/** Samples per second of profiled time, so the total scales with the duration. */
const SAMPLES_PER_SECOND: Record<ProfilingMode, number> = { CPU: 180, ITIMER: 150, WALL: 400, ALLOC: 60, LOCK: 30 };

function templatesFor(role: ProcessRole, mode: ProfilingMode): StackTemplate[] {
  const jm = role === 'jobmanager';
  const cpu = jm ? JOBMANAGER_CPU : TASKMANAGER_CPU;
  switch (mode) {
    case 'CPU':
      return cpu;
    case 'ITIMER':
      // setitimer samples cannot see kernel stacks
      return cpu.map((s) => ({ weight: s.weight, frames: s.frames.filter((f) => !f.endsWith('_[k]')) }));
    case 'ALLOC':
      return jm ? JOBMANAGER_ALLOC : TASKMANAGER_ALLOC;
    case 'LOCK':
      return jm ? JOBMANAGER_LOCK : TASKMANAGER_LOCK;
    case 'WALL':
      return [...cpu, ...(jm ? JOBMANAGER_IDLE : TASKMANAGER_IDLE)];
  }
}

export interface ModelFrame {
  name: string;
  java: boolean;
  type: number;
}

function parseFrame(spec: string): ModelFrame {
  const suffix = /_\[([a-z0-9])\]$/.exec(spec);
  const name = suffix ? spec.slice(0, -4) : spec;
  if (suffix) {
    const kind = suffix[1] ?? 'j';
    const javaKinds = 'ji01';
    return { name, java: javaKinds.includes(kind), type: TYPE_BY_SUFFIX[kind] ?? 1 };
  }
  if (name.includes('::')) return { name, java: false, type: 4 };
  if (name.includes('/')) return { name, java: true, type: 1 };
  return { name, java: false, type: 3 };
}

export function newProfileNode(name: string, java: boolean, fixedType: number): ProfileNode {
  return { name, java, fixedType, total: 0, self: 0, inlined: 0, c1: 0, interpreted: 0, children: new Map() };
}

/** Adds one sample of `frames` (root to leaf) below `root`. */
export function addSample(root: ProfileNode, frames: ModelFrame[], count = 1): void {
  let node = root;
  node.total += count;
  for (const frame of frames) {
    let child = node.children.get(frame.name);
    if (child === undefined) {
      child = newProfileNode(frame.name, frame.java, frame.type);
      node.children.set(frame.name, child);
    }
    child.total += count;
    if (frame.java && frame.type === 2) child.inlined += count;
    if (frame.java && frame.type === 6) child.c1 += count;
    if (frame.java && frame.type === 0) child.interpreted += count;
    node = child;
  }
  node.self += count;
}

export interface ProfileModelOptions {
  role: ProcessRole;
  mode: ProfilingMode;
  /** deterministic seed, e.g. the TaskManager id; different seeds weigh the stacks differently */
  seed: string;
  durationSeconds: number;
  /** the run recorded nothing (e.g. LOCK without contention): the tree is the bare `all` root */
  noSamples?: boolean;
}

/** Samples the stack templates of a role and mode into a frame tree rooted at `all`. */
export function buildProfileTree(options: ProfileModelOptions): ProfileNode {
  const random = seededRandom(`${options.seed}|${options.mode}`);
  const templates = templatesFor(options.role, options.mode).map((template) => ({
    frames: template.frames.map(parseFrame),
    // per-target skew: the same job spends its time a little differently on every TaskManager
    weight: template.weight * (0.6 + 0.8 * random()),
  }));
  const totalWeight = templates.reduce((sum, template) => sum + template.weight, 0);
  const samples = options.noSamples === true ? 0 : Math.max(1, Math.round(options.durationSeconds * SAMPLES_PER_SECOND[options.mode] * (0.8 + 0.4 * random())));
  const root = newProfileNode('all', false, 3);
  for (let i = 0; i < samples; i++) {
    let pick = random() * totalWeight;
    let chosen = templates[templates.length - 1];
    for (const template of templates) {
      pick -= template.weight;
      if (pick < 0) {
        chosen = template;
        break;
      }
    }
    if (chosen === undefined) break;
    addSample(root, withWarmupTier(chosen.frames, random));
  }
  return root;
}

/** Now and then one JIT frame of a sample runs interpreted or C1-compiled (warm-up, deoptimisation). */
function withWarmupTier(frames: ModelFrame[], random: () => number): ModelFrame[] {
  if (random() >= 0.02) return frames;
  const index = Math.floor(random() * frames.length);
  const frame = frames[index];
  if (frame === undefined || !frame.java || frame.type !== 1) return frames;
  const copy = [...frames];
  copy[index] = { ...frame, type: random() < 0.5 ? 0 : 6 };
  return copy;
}
