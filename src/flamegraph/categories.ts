// Flink-aware categories of frames.
//
// `categorize` looks at one frame. `effectiveCategory` decides where a frame's SELF samples go:
// the frame's own category, except that generic frames (JDK, native/unknown) take the category
// of their nearest non-generic ancestor, because "java/util/regex called from a map function"
// is work the map function asked for. Without such an ancestor a native leaf under JDK frames
// counts as JDK, and otherwise its own category stays.
//
// Decisions worth knowing:
// - Flink's TypeSerializers, Kryo, Avro, protobuf, Flink formats and the network stack's record
//   (de)serializers count as serialization. Jackson/Gson called by user code stay user code;
//   Flink's shaded Jackson (used by its JSON formats) counts as serialization.
// - Kernel (type 5) only means kernel in CPU-like and WALL modes; in ALLOC and LOCK profiles
//   type 5 marks an allocated or locked class, which is categorised by its name.
// - Waiting (park/wait/sleep/epoll...) only exists as a category in WALL and LOCK profiles.
import { dotted } from './frame-kinds.ts';
import type { Category, FrameType, ProfilingMode } from './types.ts';

type Mode = ProfilingMode | 'UNKNOWN' | undefined;

/** Ordered: the first matching prefix (in dot form) wins, so specific packages come first. */
const JAVA_PREFIXES: ReadonlyArray<[string, Category]> = [
  ['org.apache.logging.', 'logging'],
  ['org.apache.log4j.', 'logging'],
  ['org.slf4j.', 'logging'],
  ['ch.qos.logback.', 'logging'],
  ['java.util.logging.', 'logging'],
  ['org.apache.commons.logging.', 'logging'],
  ['com.esotericsoftware.', 'serialization'],
  ['com.twitter.chill.', 'serialization'],
  ['de.javakaffee.kryoserializers.', 'serialization'],
  ['org.objenesis.', 'serialization'],
  ['org.apache.avro.', 'serialization'],
  ['com.google.protobuf.', 'serialization'],
  ['org.apache.flink.formats.', 'serialization'],
  ['org.apache.flink.api.common.typeutils.', 'serialization'],
  ['org.apache.flink.api.java.typeutils.runtime.', 'serialization'],
  ['org.apache.flink.table.runtime.typeutils.', 'serialization'],
  ['org.apache.flink.runtime.io.network.api.serialization.', 'serialization'],
  ['org.apache.flink.core.memory.DataInputDeserializer', 'serialization'],
  ['org.apache.flink.core.memory.DataOutputSerializer', 'serialization'],
  ['org.apache.flink.shaded.jackson2.', 'serialization'],
  ['org.rocksdb.', 'state-backend'],
  ['org.forstdb.', 'state-backend'],
  ['org.apache.flink.contrib.streaming.state.', 'state-backend'],
  ['org.apache.flink.state.', 'state-backend'],
  ['org.apache.flink.runtime.state.', 'state-backend'],
  ['io.netty.', 'network'],
  ['org.apache.flink.shaded.netty4.', 'network'],
  ['org.apache.flink.runtime.io.network.', 'network'],
  ['org.apache.flink.runtime.net.', 'network'],
  ['org.apache.flink.', 'flink-runtime'],
  ['org.apache.pekko.', 'flink-runtime'],
  ['akka.', 'flink-runtime'],
  ['java.', 'jdk'],
  ['javax.', 'jdk'],
  ['jdk.', 'jdk'],
  ['sun.', 'jdk'],
  ['com.sun.', 'jdk'],
  ['scala.', 'jdk'],
  ['kotlin.', 'jdk'],
];

/** Native and C++ symbols of the state backend (RocksDB/ForSt JNI and C++). */
const STATE_BACKEND_NATIVE = /rocksdb::|forstdb::|Java_org_rocksdb_|Java_org_forstdb_/;

/** Blocking calls, in Java, libc and kernel spelling. */
const WAITING = /(?:^|[./:_ ])(?:park|park0|wait|wait0|sleep|sleep0|sleepNanos0|epoll_wait|epoll_pwait|do_epoll_wait|futex_wait\w*|__futex_abstimed_wait\w*|pthread_cond_(?:timed)?wait\w*|nanosleep|clock_nanosleep|poll|select|accept)(?:$|[@(])/;

/** A dotted Java class or array type, as ALLOC and LOCK profiles write allocated/locked classes. */
const JAVA_CLASS = /^(?:[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+|[A-Za-z_$][\w$.]*\[\])(?:\[\])*$/;

const PRIMITIVE_ARRAY = /^(?:byte|char|short|int|long|float|double|boolean)(?:\[\])+$/;

/** `name`: the frame name in dot form, when the caller has it already. */
export function categorize(frameName: string, type: FrameType, mode: Mode, name = dotted(frameName)): Category {
  if (STATE_BACKEND_NATIVE.test(frameName)) return 'state-backend';
  if ((mode === 'WALL' || mode === 'LOCK') && WAITING.test(frameName)) return 'waiting';
  if (frameName.startsWith('[')) return frameName.startsWith('[GC') ? 'gc-jit-vm' : 'other';
  if (type === 'cpp') return 'gc-jit-vm';
  if (isKernelFrame(frameName, type, mode)) return 'kernel';
  if (type === 'native') return 'other';
  // Primitive arrays are what ALLOC profiles show for buffers: JDK-level, owned by the caller.
  if (PRIMITIVE_ARRAY.test(frameName)) return 'jdk';
  for (const [prefix, category] of JAVA_PREFIXES) {
    if (name.startsWith(prefix)) return category;
  }
  return 'user';
}

function isKernelFrame(frameName: string, type: FrameType, mode: Mode): boolean {
  if (type !== 'kernel') return false;
  // In these modes type 5 marks an allocated (outside TLAB) or locked class.
  if (mode === 'ALLOC' || mode === 'LOCK') return false;
  if (mode === undefined || mode === 'UNKNOWN') return !JAVA_CLASS.test(frameName);
  return true;
}

/** Generic categories, least telling first: native/unknown says less than JDK. */
const GENERIC_RANK: Partial<Record<Category, number>> = { other: 0, jdk: 1 };
const SPECIFIC_RANK = 2;

/** How much a category says about where time goes: 0 native/unknown, 1 JDK, 2 anything specific. */
export function categoryRank(category: Category): number {
  return GENERIC_RANK[category] ?? SPECIFIC_RANK;
}

/** The rule of `effectiveCategory` on ranks, for callers that keep categories as indices. */
export function parentCategoryWins(ownRank: number, parentRank: number): boolean {
  return ownRank < SPECIFIC_RANK && parentRank > ownRank;
}

/**
 * The category a frame's self samples count for: its own, unless the parent's effective category
 * says more (a specific category beats JDK, which beats native/unknown). Pass the parent's result
 * down the tree, so each frame costs O(1).
 */
export function effectiveCategory(own: Category, parentEffective: Category | undefined): Category {
  if (parentEffective === undefined) return own;
  return parentCategoryWins(categoryRank(own), categoryRank(parentEffective)) ? parentEffective : own;
}
