// Frame patterns that point at a known Flink performance problem. Matched on the dot form of a
// name, so async-profiler's default slash form (`java/util/regex/...`) and dot form both work.
import type { SignalId } from './types.ts';

const SIGNAL_PATTERNS: ReadonlyArray<[SignalId, RegExp]> = [
  ['kryo', /^com\.esotericsoftware\.kryo\.|\.kryo\.KryoSerializer\./],
  ['logging', /^(?:org\.apache\.logging\.|org\.apache\.log4j\.|org\.slf4j\.|ch\.qos\.logback\.|java\.util\.logging\.)/],
  ['regex', /^java\.util\.regex\./],
  // A Pattern built while the stack runs: per call, unless the caller is open() or a static initialiser.
  ['regex-compile', /^java\.util\.regex\.Pattern\.(?:compile|<init>)$/],
  ['json', /^(?:com\.fasterxml\.jackson\.|org\.apache\.flink\.shaded\.jackson2\.|com\.google\.gson\.|org\.json\.)/],
  // Building a throwable (its constructor chain from the thrown class down) and filling in its stack trace.
  ['exceptions', /^java\.lang\.Throwable\.(?:fillInStackTrace|getStackTrace|<init>)$|Throwable::fill_in_stack_trace|^JVM_FillInStackTrace|^[\w$.]+(?:Exception|Error)\.<init>$/],
  ['rocksdb', /^org\.rocksdb\.|^org\.forstdb\.|rocksdb::|forstdb::|^Java_org_rocksdb_|^Java_org_forstdb_/],
  // A serializer's copy: without object reuse Flink deep-copies every record between chained operators
  // (CopyingChainingOutput calls it); passing through a chaining output alone copies nothing.
  ['record-copy', /^org\.apache\.flink\..*Serializer\.copy$/],
  // HotSpot C++ frames: GC worker threads, VM operations and slow-path allocation vs the JIT compilers.
  ['gc', /^(?:G1|GC|PS|Parallel|Shenandoah|Z[A-Z]\w*::|CollectedHeap|GangWorker|WorkerThread::run|ConcurrentGCThread|ConcurrentMark|VM_G1|VM_GC|VM_Collect|MemAllocator::allocate_inside_tlab_slow)|^\[GC_active\]/],
  ['jit', /^(?:CompileBroker::|C2Compiler::|Compilation::|CompilationPolicy::|Compiler::compile)/],
  // Flink task threads, and where they block: an empty mailbox (no input) or full output buffers.
  // Calls that block the calling thread: sleeps, socket and HTTP reads, JDBC, waiting on futures, locks and queues.
  ['blocking', /^java\.lang\.Thread\.(?:sleep|sleep0|sleepNanos|sleepNanos0)$|^java\.net\.(?:SocketInputStream\.read|Socket\$SocketInputStream\.read|http\.HttpClient\.send|URLConnection\.getInputStream)|^sun\.nio\.ch\.(?:NioSocketImpl\.read|SocketChannelImpl\.read)|^sun\.net\.www\.protocol\.https?\.\w+\.getInputStream|^jdk\.internal\.net\.http\.HttpClient\w*\.send$|^java\.sql\.|^java\.util\.concurrent\.(?:CompletableFuture\.(?:get|join)|FutureTask\.get|locks\.LockSupport\.park\w*|\w*BlockingQueue\.(?:take|put))$|^java\.lang\.Object\.wait\d?$/],
  ['task-thread', /^org\.apache\.flink\.runtime\.taskmanager\.Task\.run$/],
  ['task-idle', /^org\.apache\.flink\.streaming\.runtime\.tasks\.mailbox\.TaskMailboxImpl\.take$/],
  ['backpressure', /^org\.apache\.flink\.runtime\.io\.network\.buffer\.LocalBufferPool\.(?:requestMemorySegmentBlocking|requestBufferBuilderBlocking|toBufferBuilder)$|\.RecordWriter\.emit.*\.requestNewBufferBuilder/],
];

const NONE: readonly SignalId[] = [];

/** All patterns in one: most frames match none, and one test says so. */
const ANY_SIGNAL = new RegExp(SIGNAL_PATTERNS.map(([, pattern]) => `(?:${pattern.source})`).join('|'));

/** The signals a frame name belongs to. */
export function signalsOf(frameName: string): readonly SignalId[] {
  const dotted = frameName.includes('/') ? frameName.replaceAll('/', '.') : frameName;
  if (!ANY_SIGNAL.test(dotted)) return NONE;
  const matched = SIGNAL_PATTERNS.filter(([, pattern]) => pattern.test(dotted)).map(([id]) => id);
  return matched.length === 0 ? NONE : matched;
}
