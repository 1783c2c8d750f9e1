// What a frame is for attribution: user code, a Flink operator (which gives the operator kind and
// its place in the chain), a Flink task's entry, or a frame that only passes records along.
// Names are matched in dot form, so async-profiler's slash form and dot form both work.
import type { FrameType } from './types.ts';

/** Packages that are neither the job's own code nor Flink: the JDK, the VM and common libraries. */
const NOT_USER_PREFIXES = [
  'java.', 'javax.', 'jdk.', 'sun.', 'com.sun.', 'scala.', 'kotlin.', 'org.apache.flink.', 'org.apache.pekko.', 'akka.',
  'com.esotericsoftware.', 'com.twitter.chill.', 'de.javakaffee.', 'org.objenesis.', 'org.apache.avro.', 'com.google.',
  'com.fasterxml.', 'org.json.', 'org.apache.commons.', 'org.apache.logging.', 'org.apache.log4j.', 'org.slf4j.',
  'ch.qos.logback.', 'org.rocksdb.', 'org.forstdb.', 'io.netty.', 'org.apache.kafka.', 'org.apache.hadoop.',
  'org.apache.http.', 'okhttp3.', 'okio.', 'io.micrometer.', 'io.prometheus.', 'org.xerial.', 'net.jpountz.',
  'com.github.luben.', 'org.joda.', 'org.yaml.', 'org.codehaus.', 'org.lz4.', 'io.grpc.', 'com.amazonaws.',
  'software.amazon.', 'org.postgresql.', 'com.mysql.', 'org.mariadb.', 'org.h2.', 'org.apache.parquet.',
  'org.apache.orc.', 'org.apache.calcite.', 'org.janino.', 'org.codehaus.janino.', 'it.unimi.dsi.', 'org.roaringbitmap.',
] as const;

/** A Java method frame: package.Class.method (possibly with $ nested classes). */
const JAVA_METHOD = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\.[A-Za-z_$<][\w$<>]*$/;

/** Generated frames (lambdas, method handles, proxies) say nothing about who did the work. */
const GENERATED = /\$\$Lambda|\$Proxy\d|LambdaForm\$|\.0x[0-9a-f]+/;

export function isGenerated(frameName: string): boolean {
  return GENERATED.test(frameName);
}

/** The per-JVM part of a generated class name: `$$Lambda$891.0x00007f7f3f6130e8`, `$$Lambda/0x…`, `$Proxy12`, `LambdaForm$MH/0x…`. */
const JVM_SPECIFIC = /(\$\$Lambda|LambdaForm\$[A-Z]+|\$Proxy)(?:\$?\d+)?(?:[./]0x[0-9a-f]+)?/g;

/** A frame name as it is in every JVM: generated classes lose the numbers and addresses one JVM gave them, so two runs compare. */
export function stableFrameName(frameName: string): string {
  return frameName.includes('$') ? frameName.replace(JVM_SPECIFIC, '$1') : frameName;
}

export function dotted(frameName: string): string {
  return frameName.includes('/') ? frameName.replaceAll('/', '.') : frameName;
}

/** The job's own code: a Java method outside the JDK, Flink and well-known libraries. */
export function isUserFrame(frameName: string, type: FrameType): boolean {
  if (type === 'native' || type === 'cpp' || type === 'kernel') return false;
  const name = dotted(frameName);
  if (!JAVA_METHOD.test(name) || GENERATED.test(name)) return false;
  return !NOT_USER_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * Flink operator frames: the method through which a record (or the source loop) enters an operator.
 * Their class names the operator kind (StreamMap, KeyedProcessOperator, SourceOperator, ...).
 */
const OPERATOR =
  /^org\.apache\.flink\.(?:streaming\.api\.operators|streaming\.runtime\.operators|table\.runtime\.operators|streaming\.api\.functions)\.(?:[a-z][\w]*\.)*([A-Z][\w$]*)\.(processElement[12]?|emitNext|run|onEventTime|onProcessingTime|processWatermark[12]?)$/;

/** Operator classes that match OPERATOR's shape but only hand records on. */
const NOT_OPERATOR = /^(?:AbstractStreamOperator|AbstractUdfStreamOperator|CountingOutput|TimestampedCollector|SourceOutputWithWatermarks)/;

export interface OperatorFrame {
  /** the operator class without package, e.g. "StreamMap", "KeyedProcessOperator" */
  kind: string;
  /** true for a chain's source operator (new Source API or legacy SourceFunction) */
  source: boolean;
}

export function operatorFrame(frameName: string): OperatorFrame | undefined {
  const match = OPERATOR.exec(dotted(frameName));
  if (match === null) return undefined;
  const kind = match[1]!;
  if (NOT_OPERATOR.test(kind)) return undefined;
  if (match[2] === 'run' && kind !== 'StreamSource') return undefined;
  if (match[2] === 'emitNext' && kind !== 'SourceOperator') return undefined;
  return { kind, source: kind === 'SourceOperator' || kind === 'StreamSource' };
}

/** Where a Flink task thread starts (also the legacy source thread a SourceStreamTask runs). */
const TASK_ENTRY = /^org\.apache\.flink\.(?:runtime\.taskmanager\.Task\.run|streaming\.runtime\.tasks\.SourceStreamTask\$LegacySourceFunctionThread\.run)$/;

export function isTaskEntry(frameName: string): boolean {
  return TASK_ENTRY.test(dotted(frameName));
}

/**
 * Frames that only pass records along or run the task's loop: the mailbox, processInput, chaining
 * outputs, collectors, record writers' entry, generated lambdas. They are never the cause of cost.
 */
const PASS_THROUGH =
  /^(?:java\.lang\.Thread\.run|org\.apache\.flink\.runtime\.taskmanager\.Task\.|org\.apache\.flink\.streaming\.runtime\.tasks\.|org\.apache\.flink\.streaming\.runtime\.io\.(?!.*[Dd]eserializ)|org\.apache\.flink\.streaming\.api\.operators\.(?:CountingOutput|TimestampedCollector|source\.SourceOutputWithWatermarks|source\.NoOpTimestampsAndWatermarks|AbstractStreamOperator|AbstractUdfStreamOperator)|org\.apache\.flink\.streaming\.runtime\.streamrecord\.|org\.apache\.flink\.util\.(?:function\.|WrappingRuntimeException)|org\.apache\.flink\.runtime\.io\.AvailabilityProvider|org\.apache\.flink\.api\.connector\.source\.(?:lib\.util\.|util\.ratelimit\.RateLimitedSourceReader\.pollNext))/;

export function isPassThrough(frameName: string): boolean {
  const name = dotted(frameName);
  return GENERATED.test(name) || PASS_THROUGH.test(name);
}

/** "com.acme.Job$Enrich.map" -> "Job$Enrich.map": class and method without the package. */
export function shortFrame(frameName: string): string {
  const name = dotted(frameName);
  const method = name.lastIndexOf('.');
  if (method < 0) return name;
  const pkg = name.lastIndexOf('.', method - 1);
  return pkg < 0 ? name : name.slice(pkg + 1);
}

/** "com.acme.Job$Enrich.map" -> "com.acme.Job$Enrich" */
export function classOf(frameName: string): string {
  const name = dotted(frameName);
  const method = name.lastIndexOf('.');
  return method < 0 ? name : name.slice(0, method);
}

/** "com.acme.Job$Enrich.map" -> "Enrich": the innermost class's simple name. */
export function simpleClassName(frameName: string): string {
  const cls = classOf(frameName);
  return cls.slice(Math.max(cls.lastIndexOf('.'), cls.lastIndexOf('$')) + 1);
}
