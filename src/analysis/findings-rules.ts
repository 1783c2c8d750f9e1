// The builtin rules: each looks at one profile summary (or the comparison of several) and, when
// its measured share crosses a named threshold, says what it saw and what to change in Flink.
import type { ComparisonSummary, ProfileSummary, SignalId } from '../flamegraph/types.ts';
import type { Finding, Severity } from './provider.ts';

/** A value at or above `medium` gives a medium finding, at or above `high` a high one. */
interface Band {
  medium: number;
  high: number;
}

/** Percent of samples, except `skew` (ratio of the busiest target to the median). */
export const THRESHOLDS = {
  kryo: { medium: 5, high: 15 },
  logging: { medium: 5, high: 15 },
  regex: { medium: 5, high: 15 },
  json: { medium: 10, high: 25 },
  exceptions: { medium: 2, high: 10 },
  rocksdb: { medium: 20, high: 40 },
  gcCpu: { medium: 10, high: 25 },
  recordCopy: { medium: 10, high: 25 },
  allocationHotspot: { medium: 20, high: 40 },
  lockHotspot: { medium: 10, high: 30 },
  network: { medium: 20, high: 40 },
  waitingWall: { medium: 80, high: 95 },
  /** percent of task-thread samples (WALL) */
  taskIdle: { medium: 50, high: 80 },
  taskBackpressure: { medium: 20, high: 50 },
  skew: { medium: 1.5, high: 2.5 },
} as const satisfies Record<string, Band>;

/** JIT compilation above this share of CPU samples means the JVM was still warming up (a low finding). */
export const JIT_WARMUP_PERCENT = 15;

/** How many frames the always-present overview names. */
export const OVERVIEW_FRAME_COUNT = 3;

/** A finding plus how far past its threshold it is, for ordering within a severity. */
export interface ScoredFinding extends Finding {
  score: number;
}

function severityFor(value: number, band: Band): Severity | undefined {
  if (value >= band.high) return 'high';
  if (value >= band.medium) return 'medium';
  return undefined;
}

export function formatPercent(percent: number): string {
  return `${percent.toFixed(1)}%`;
}

const CPU_MODES = new Set(['CPU', 'ITIMER', 'UNKNOWN']);

interface SignalRule {
  id: string;
  signal: SignalId;
  band: Band;
  /** modes in which the rule applies */
  applies: (mode: ProfileSummary['mode']) => boolean;
  title: (percent: string) => string;
  advice: string;
}

const notLock = (mode: ProfileSummary['mode']): boolean => mode !== 'LOCK';

const SIGNAL_RULES: readonly SignalRule[] = [
  {
    id: 'kryo-fallback',
    signal: 'kryo',
    band: THRESHOLDS.kryo,
    applies: notLock,
    title: (p) => `Kryo fallback serialization takes ${p} of samples`,
    advice:
      'Some record types are not Flink POJOs, so Flink serializes them with Kryo (GenericTypeInfo), which is slow and allocates a lot. ' +
      'Make them POJOs (public class, public no-arg constructor, public fields or getters/setters) or declare TypeInformation explicitly ' +
      '(returns(...) / TypeHint), register the remaining types with Kryo, and set `pipeline.generic-types: false` so every remaining fallback fails fast at job submission.',
  },
  {
    id: 'heavy-logging',
    signal: 'logging',
    band: THRESHOLDS.logging,
    applies: notLock,
    title: (p) => `Logging takes ${p} of samples`,
    advice:
      'Do not log per record: raise the level of the hot loggers (e.g. `logger.app.level = WARN` in the log4j configuration, or spec.logConfiguration in the FlinkDeployment), ' +
      'use parameterised messages or isDebugEnabled() guards so messages are not built when disabled, and use asynchronous loggers/appenders so I/O leaves the task thread.',
  },
  {
    id: 'regex-in-hot-path',
    signal: 'regex',
    band: THRESHOLDS.regex,
    applies: notLock,
    title: (p) => `Regular expressions take ${p} of samples`,
    advice:
      'Compile each Pattern once (a static final field, or in open()) instead of per record. String.split/replaceAll/matches compile a new Pattern on every call ' +
      '(except single-character split); replace them with a precompiled Pattern or indexOf-based parsing.',
  },
  {
    id: 'json-parsing',
    signal: 'json',
    band: THRESHOLDS.json,
    applies: notLock,
    title: (p) => `JSON parsing takes ${p} of samples`,
    advice:
      'Create one ObjectMapper (or an ObjectReader for the target class) per operator in open() and reuse it, bind to typed classes instead of JsonNode trees, ' +
      'parse once at the source with a DeserializationSchema instead of in several operators, or move upstream data to a binary format (Avro, Protobuf).',
  },
  {
    id: 'exceptions-in-hot-path',
    signal: 'exceptions',
    band: THRESHOLDS.exceptions,
    applies: notLock,
    title: (p) => `Creating exceptions takes ${p} of samples`,
    advice:
      'Exceptions are built on a hot path, and Throwable.fillInStackTrace walks the whole stack each time. Do not use exceptions for control flow ' +
      '(validate input instead of catching NumberFormatException and similar), and check whether a connector or client is failing and retrying constantly.',
  },
  {
    id: 'rocksdb-state',
    signal: 'rocksdb',
    band: THRESHOLDS.rocksdb,
    applies: notLock,
    title: (p) => `RocksDB state access takes ${p} of samples`,
    advice:
      'Every state read and write crosses JNI and (de)serializes the value. Bound state with state TTL, give RocksDB more memory ' +
      '(`taskmanager.memory.managed.fraction`, `state.backend.rocksdb.memory.managed: true`, or `state.backend.rocksdb.block.cache-size` / `state.backend.rocksdb.writebuffer.size` when not managed), ' +
      'try `state.backend.rocksdb.predefined-options: FLASH_SSD_OPTIMIZED`, prefer MapState/ListState over large ValueState blobs, and use cheap serializers for keys and values. ' +
      'If the state fits in the heap, the HashMap state backend avoids JNI entirely.',
  },
  {
    id: 'record-copies',
    signal: 'record-copy',
    band: THRESHOLDS.recordCopy,
    applies: (mode) => mode === 'ALLOC',
    title: (p) => `Copying records between chained operators causes ${p} of allocations`,
    advice:
      'Without object reuse Flink deep-copies every record handed from one chained operator to the next. If your functions do not keep references to input ' +
      'records after returning, set `pipeline.object-reuse: true`.',
  },
];

function signalFinding(summary: ProfileSummary, rule: SignalRule): ScoredFinding | undefined {
  if (!rule.applies(summary.mode)) return undefined;
  const share = summary.signals?.[rule.signal];
  if (share === undefined) return undefined;
  const severity = severityFor(share.percent, rule.band);
  if (severity === undefined) return undefined;
  return {
    id: rule.id,
    severity,
    title: rule.title(formatPercent(share.percent)),
    evidence: [
      `${formatPercent(share.percent)} of ${summary.totalSamples} samples pass through these frames; the hottest is ${share.frame}`,
      ...hotPathEvidence(summary, share.frame),
    ],
    advice: rule.advice,
    target: summary.target,
    score: share.percent / rule.band.high,
  };
}

/** The hottest path through `frame` (or ending in it), shown from that frame down to the leaf. */
function hotPathEvidence(summary: ProfileSummary, frame: string): string[] {
  const path = summary.hotPaths.find((hotPath) => hotPath.frames.includes(frame));
  if (path === undefined) return [];
  const below = path.frames.slice(path.frames.indexOf(frame));
  const shown = below.length > 4 ? [below[0]!, '…', ...below.slice(-2)] : below;
  return [`hottest path through it (${formatPercent(path.percent)} self): ${shown.join(' → ')}`];
}

function topSelfEvidence(summary: ProfileSummary, count: number): string[] {
  return summary.topSelf.slice(0, count).map((frame) => `${frame.name}: ${formatPercent(frame.percent)} self (${frame.category})`);
}

function gcFinding(summary: ProfileSummary): ScoredFinding | undefined {
  const gc = summary.signals?.gc;
  if (!CPU_MODES.has(summary.mode) || gc === undefined) return undefined;
  const severity = severityFor(gc.percent, THRESHOLDS.gcCpu);
  if (severity === undefined) return undefined;
  return {
    id: 'gc-pressure',
    severity,
    title: `Garbage collection takes ${formatPercent(gc.percent)} of CPU samples`,
    evidence: [`${formatPercent(gc.percent)} of samples are in GC threads, VM operations or slow-path allocation (hottest: ${gc.frame})`],
    advice:
      'Find what allocates with an ALLOC profile (`kubectl squirrly profile <deployment> -t ALLOC`). Set `pipeline.object-reuse: true` when functions do not keep input records, ' +
      'avoid intermediate objects per record (boxing, temporary collections, string building), and give the TaskManager more heap (`taskmanager.memory.task.heap.size`).',
    target: summary.target,
    score: gc.percent / THRESHOLDS.gcCpu.high,
  };
}

function jitWarmupFinding(summary: ProfileSummary): ScoredFinding | undefined {
  const jit = summary.signals?.jit;
  if (!CPU_MODES.has(summary.mode) || jit === undefined || jit.percent < JIT_WARMUP_PERCENT) return undefined;
  return {
    id: 'jit-warmup',
    severity: 'low',
    title: `JIT compilation takes ${formatPercent(jit.percent)} of CPU samples`,
    evidence: [`${formatPercent(jit.percent)} of samples are in the JIT compiler threads (${jit.frame})`],
    advice:
      'The JVM was still compiling hot code, which happens in the first minutes after a (re)start; it skews every other share in this profile. ' +
      'Profile again once the job has run under load for a while.',
    target: summary.target,
    score: jit.percent / 100,
  };
}

function allocationHotspotFinding(summary: ProfileSummary): ScoredFinding | undefined {
  const top = summary.topSelf[0];
  if (summary.mode !== 'ALLOC' || top === undefined) return undefined;
  const severity = severityFor(top.percent, THRESHOLDS.allocationHotspot);
  if (severity === undefined) return undefined;
  return {
    id: 'allocation-hotspot',
    severity,
    title: `${top.name} accounts for ${formatPercent(top.percent)} of allocation samples`,
    evidence: [...topSelfEvidence(summary, OVERVIEW_FRAME_COUNT), ...hotPathEvidence(summary, top.name)],
    advice:
      'Allocation pressure means GC work. Reuse objects and buffers across records (fields initialised in open()), set `pipeline.object-reuse: true` when functions do not keep ' +
      'input records, avoid boxing and temporary collections per record, and prefer Flink POJOs over generic types that Kryo copies.',
    target: summary.target,
    score: top.percent / THRESHOLDS.allocationHotspot.high,
  };
}

function lockFinding(summary: ProfileSummary): ScoredFinding | undefined {
  const top = summary.topSelf[0];
  if (summary.mode !== 'LOCK' || top === undefined) return undefined;
  const severity = severityFor(top.percent, THRESHOLDS.lockHotspot);
  if (severity === undefined) return undefined;
  return {
    id: 'lock-contention',
    severity,
    title: `Lock contention on ${top.name} (${formatPercent(top.percent)} of lock samples)`,
    evidence: [...topSelfEvidence(summary, OVERVIEW_FRAME_COUNT), ...hotPathEvidence(summary, top.name)],
    advice:
      'Threads block on a shared lock. Look for synchronized methods or shared objects in user functions (static clients, synchronized collections, Hashtable, StringBuffer) ' +
      'and give each parallel instance its own instance, created in open(); use concurrent structures, and Flink Async I/O instead of blocking shared clients. ' +
      'Contention inside Flink\'s buffer pools or mailbox usually follows from backpressure.',
    target: summary.target,
    score: top.percent / THRESHOLDS.lockHotspot.high,
  };
}

function networkFinding(summary: ProfileSummary): ScoredFinding | undefined {
  if (!CPU_MODES.has(summary.mode)) return undefined;
  const percent = summary.categories.network;
  const severity = severityFor(percent, THRESHOLDS.network);
  if (severity === undefined) return undefined;
  return {
    id: 'network-heavy',
    severity,
    title: `The network stack takes ${formatPercent(percent)} of CPU samples`,
    evidence: [`network category (Netty, Flink io.network): ${formatPercent(percent)}`, `serialization category: ${formatPercent(summary.categories.serialization)}`],
    advice:
      'Much CPU goes into moving records between tasks. Avoid shuffles where possible (operator chaining, no needless keyBy/rebalance), shrink records early (project fields), ' +
      'raise `execution.buffer-timeout` (e.g. 100 ms) to send fuller buffers if latency allows, and check backpressure in the Flink UI before tuning `taskmanager.network.memory.*`.',
    target: summary.target,
    score: percent / THRESHOLDS.network.high,
  };
}

const SOURCE_BOUND_ADVICE =
  'Task threads wait for input: the job is source-bound or its upstream is slow. Check the source (lag, partitions vs source parallelism, ' +
  'fetch settings) and busyTimeMsPerSecond of upstream tasks in the Flink UI; a job that keeps up with its input is simply over-provisioned. ' +
  'Synchronous calls to external systems belong in Async I/O.';

const BACKPRESSURE_ADVICE =
  'Task threads block on full output buffers: a downstream operator is slower (backpressure). Find the first task that is busy but not backpressured ' +
  '(backPressuredTimeMsPerSecond / busyTimeMsPerSecond in the Flink UI) and profile its TaskManager with ITIMER; scale it out, fix skew, or make it cheaper. ' +
  'Do not just add network buffers: that only hides backpressure.';

/** WALL: how Flink task threads spend their time (idle mailbox vs blocked on output buffers). */
function taskThreadFindings(summary: ProfileSummary): ScoredFinding[] {
  const task = summary.signals?.['task-thread'];
  if (summary.mode !== 'WALL' || task === undefined || task.percent === 0) return [];
  const shareOfTask = (id: SignalId): number => Math.min(100, ((summary.signals?.[id]?.percent ?? 0) / task.percent) * 100);
  const taskEvidence = `Flink task threads (stacks through ${task.frame}): ${formatPercent(task.percent)} of wall-clock samples`;
  const findings: ScoredFinding[] = [];
  const idle = shareOfTask('task-idle');
  const idleSeverity = severityFor(idle, THRESHOLDS.taskIdle);
  if (idleSeverity !== undefined) {
    findings.push({
      id: 'task-threads-idle',
      severity: idleSeverity,
      title: `Task threads are idle ${formatPercent(idle)} of the time, waiting for input`,
      evidence: [taskEvidence, `${formatPercent(idle)} of their samples wait in the task mailbox (no input available)`],
      advice: SOURCE_BOUND_ADVICE,
      target: summary.target,
      score: idle / THRESHOLDS.taskIdle.high,
    });
  }
  const blocked = shareOfTask('backpressure');
  const blockedSeverity = severityFor(blocked, THRESHOLDS.taskBackpressure);
  if (blockedSeverity !== undefined) {
    findings.push({
      id: 'task-threads-backpressured',
      severity: blockedSeverity,
      title: `Task threads are backpressured ${formatPercent(blocked)} of the time`,
      evidence: [taskEvidence, `${formatPercent(blocked)} of their samples wait for an output buffer (${summary.signals?.backpressure?.frame ?? ''})`],
      advice: BACKPRESSURE_ADVICE,
      target: summary.target,
      score: blocked / THRESHOLDS.taskBackpressure.high,
    });
  }
  return findings;
}

/** WALL without recognisable task threads: judge the whole profile's waiting share. */
function waitingFinding(summary: ProfileSummary): ScoredFinding | undefined {
  if (summary.mode !== 'WALL' || summary.signals?.['task-thread'] !== undefined) return undefined;
  const percent = summary.categories.waiting;
  const severity = severityFor(percent, THRESHOLDS.waitingWall);
  if (severity === undefined) return undefined;
  return {
    id: 'mostly-waiting',
    severity,
    title: `Threads are waiting in ${formatPercent(percent)} of wall-clock samples`,
    evidence: [`waiting category (park, wait, sleep, epoll): ${formatPercent(percent)}`, ...topSelfEvidence(summary, OVERVIEW_FRAME_COUNT)],
    advice: `${SOURCE_BOUND_ADVICE} If instead output buffers are full: ${BACKPRESSURE_ADVICE}`,
    target: summary.target,
    score: percent / THRESHOLDS.waitingWall.high,
  };
}

/** Always present: the three frames with the most self samples, where to start reading. */
function overviewFinding(summary: ProfileSummary): ScoredFinding {
  const names = summary.topSelf.slice(0, OVERVIEW_FRAME_COUNT).map((frame) => frame.name);
  return {
    id: 'top-self-frames',
    severity: 'info',
    title: `Top self frames on ${summary.target} (${summary.mode}, ${summary.totalSamples} samples)`,
    evidence: topSelfEvidence(summary, OVERVIEW_FRAME_COUNT),
    advice: names.length === 0 ? 'No frame has self samples.' : `Start reading the flame graph at ${names.join(', ')}.`,
    target: summary.target,
    score: 0,
  };
}

/** Nothing sampled is an answer too: for LOCK it means no contention during the run. */
function noSamplesFinding(summary: ProfileSummary): ScoredFinding {
  const advice: Record<string, string> = {
    LOCK: 'No thread waited on a contended lock during the run: locking is not the bottleneck. Profile CPU/ITIMER or WALL to see where the time goes.',
    ALLOC: 'No allocation was sampled: the job allocated little during the run, or it was idle. Profile longer or while the job is under load.',
  };
  return {
    id: 'no-samples',
    severity: 'info',
    title: `No samples were recorded on ${summary.target} (${summary.mode})`,
    evidence: ['the flame graph holds 0 samples'],
    advice: advice[summary.mode] ?? 'The profiler saw no activity: profile longer, while the job is busy, or in WALL mode to see waiting threads.',
    target: summary.target,
    score: 0,
  };
}

export function summaryFindings(summary: ProfileSummary): ScoredFinding[] {
  if (summary.totalSamples === 0) return [noSamplesFinding(summary)];
  const found = [
    ...SIGNAL_RULES.map((rule) => signalFinding(summary, rule)),
    gcFinding(summary),
    jitWarmupFinding(summary),
    allocationHotspotFinding(summary),
    lockFinding(summary),
    networkFinding(summary),
    ...taskThreadFindings(summary),
    waitingFinding(summary),
    overviewFinding(summary),
  ];
  return found.filter((finding): finding is ScoredFinding => finding !== undefined);
}

/** One target far busier than the median of the others points at data skew. */
export function skewFinding(comparison: ComparisonSummary): ScoredFinding | undefined {
  if (comparison.targets.length < 2) return undefined;
  const severity = severityFor(comparison.sampleSkew, THRESHOLDS.skew);
  if (severity === undefined) return undefined;
  return {
    id: 'taskmanager-skew',
    severity,
    title: `${comparison.hottestTarget} has ${comparison.sampleSkew.toFixed(1)}× the median samples of the targets`,
    evidence: comparison.targets.map((row) => `${row.target}: ${row.totalSamples} samples`),
    advice:
      'One TaskManager does much more work than the others: data skew. Check records per subtask in the Flink UI and the key distribution; pre-aggregate or salt hot keys ' +
      '(two-phase / local-global aggregation), use rebalance() or rescale() before expensive non-keyed operators, and balance source partitions across subtasks.',
    target: comparison.hottestTarget,
    score: comparison.sampleSkew / THRESHOLDS.skew.high,
  };
}
