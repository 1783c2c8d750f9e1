// The diagnosis benchmark's cases: which job of test/e2e/flink (squirrly.e2e.diagnosis) runs, how
// the cluster is laid out, the profiling mode, and the label a correct diagnosis must match.
import type { Mode } from './support/profiler-client.ts';

export interface DiagnosisLabel {
  case: string;
  mode: Mode;
  flinkVersion: string;
  healthy: boolean;
  /** what the job does wrong, in words */
  planted: string | null;
  expect: {
    /** the Finding.id that must rank first */
    finding: string;
    /** the user function as `pkg.Class$Inner.method` */
    userFunction: string;
    /** the Flink operator name the finding must name */
    operator: string;
    /** what the advice must name (a class, field, method or call), or null */
    detail: string | null;
  } | null;
}

export interface DiagnosisCase {
  name: string;
  /** the job's case name in squirrly.e2e.diagnosis.Cases */
  job: string;
  mode: Mode;
  taskManagers: number;
  slotsPerTaskManager: number;
  parallelism: number;
  extraConfig?: Record<string, string | number | boolean>;
  planted: string | null;
  expect: DiagnosisLabel['expect'];
}

const PKG = 'squirrly.e2e.diagnosis';

const planted = (
  name: string,
  mode: Mode,
  planted: string,
  expect: NonNullable<DiagnosisLabel['expect']>,
  layout: Partial<Pick<DiagnosisCase, 'taskManagers' | 'slotsPerTaskManager' | 'parallelism' | 'extraConfig'>> = {},
): DiagnosisCase => ({ name, job: name, mode, taskManagers: 1, slotsPerTaskManager: 1, parallelism: 1, planted, expect, ...layout });

const healthy = (name: string, job: string, mode: Mode): DiagnosisCase => ({
  name, job, mode, taskManagers: 1, slotsPerTaskManager: 1, parallelism: 1, planted: null, expect: null,
});

export const DIAGNOSIS_CASES: DiagnosisCase[] = [
  planted('kryo-record', 'ITIMER', 'the record type crossing keyBy is not a POJO (final fields, no no-arg constructor), so every record is serialized with Kryo', {
    finding: 'kryo', userFunction: `${PKG}.KryoRecord$ToEvent.flatMap`, operator: 'ToEvent', detail: null,
  }),
  planted('kryo-pojo-field', 'ITIMER', 'one field of a POJO (the interface-typed java.util.List field "tags") falls back to Kryo inside the POJO serializer', {
    // the profile shows Kryo under Flink's PojoSerializer: the advice must say a field falls back, not "make it a POJO"
    finding: 'kryo', userFunction: `${PKG}.KryoPojoField$Enrich.flatMap`, operator: 'Enrich', detail: 'PojoSerializer',
  }),
  planted('regex-per-record', 'ITIMER', 'String.matches compiles the e-mail pattern again for every record', {
    finding: 'regex', userFunction: `${PKG}.RegexPerRecord$ValidEmail.filter`, operator: 'ValidEmail', detail: 'java.lang.String.matches',
  }),
  planted('logging-per-record', 'ITIMER', 'an INFO log line is written for every record', {
    finding: 'logging', userFunction: `${PKG}.LoggingPerRecord$Audit.map`, operator: 'Audit', detail: null,
  }),
  planted('exceptions-control-flow', 'ITIMER', 'nine in ten amounts are not numbers and parsing finds out by throwing NumberFormatException', {
    finding: 'exceptions', userFunction: `${PKG}.ExceptionsControlFlow$ParseAmount.map`, operator: 'ParseAmount', detail: 'java.lang.NumberFormatException',
  }),
  planted('alloc-per-record', 'ALLOC', 'a fresh 16 KiB byte[] is allocated for every record to checksum a few dozen bytes', {
    finding: 'allocation', userFunction: `${PKG}.AllocPerRecord$Checksum.map`, operator: 'Checksum', detail: 'byte[]',
  }),
  planted('lock-contention', 'LOCK', 'two subtasks in one TaskManager funnel every record through one static synchronized method', {
    finding: 'lock-contention', userFunction: `${PKG}.LockContention$Count.map`, operator: 'Count', detail: `${PKG}.LockContention$Stats.record`,
  }, { slotsPerTaskManager: 2, parallelism: 2 }),
  planted('blocking-call', 'WALL', 'a 1 ms Thread.sleep per record (a synchronous lookup) in a map chained to the source', {
    finding: 'blocking-call', userFunction: `${PKG}.BlockingCall$Lookup.map`, operator: 'Lookup', detail: 'java.lang.Thread.sleep',
  }),
  planted('rocksdb-state', 'ITIMER', 'RocksDB keyed state read twice and written twice per record (two ValueStates where one would do)', {
    finding: 'rocksdb', userFunction: `${PKG}.RocksDbState$Track.processElement`, operator: 'Track', detail: null,
  }, { extraConfig: { 'state.backend.type': 'rocksdb' } }),
  planted('key-skew', 'ITIMER', 'one hot key carries 90% of the records, so one Aggregate subtask on one of the two TaskManagers does nearly all the work', {
    finding: 'skew', userFunction: `${PKG}.KeySkew$Aggregate.processElement`, operator: 'Aggregate', detail: null,
  }, { taskManagers: 2, parallelism: 2 }),
  planted('backpressure-slow-sink', 'ITIMER', 'the last vertex (SlowSink) is too slow for the input rate: busy all the time, back-pressuring the source vertex', {
    finding: 'backpressure', userFunction: `${PKG}.BackpressureSlowSink$SlowSink.map`, operator: 'SlowSink', detail: null,
  }),
  // kryo-record after the fix (the record made a POJO): the NEW side of the before/after diff fixture
  healthy('kryo-record-fixed', 'kryo-record-fixed', 'ITIMER'),
  healthy('healthy-itimer', 'healthy', 'ITIMER'),
  healthy('healthy-cpu', 'healthy', 'CPU'),
  healthy('healthy-alloc', 'healthy', 'ALLOC'),
  healthy('healthy-lock', 'healthy', 'LOCK'),
  healthy('healthy-wall', 'healthy', 'WALL'),
  healthy('healthy-rate-limited-wall', 'healthy-rate-limited', 'WALL'),
];

export function labelOf(c: DiagnosisCase, flinkVersion: string): DiagnosisLabel {
  return { case: c.name, mode: c.mode, flinkVersion, healthy: c.expect === null, planted: c.planted, expect: c.expect };
}
