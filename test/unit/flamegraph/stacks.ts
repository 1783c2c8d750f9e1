// Known stack sets for the flame graph tests, and an independent reference of what the tree
// built from them must contain.
import { seededRandom } from '../../sim/flink/seeded-random.ts';
import type { Stack } from './render-html.ts';

const TASK = ['java/lang/Thread.run', 'org/apache/flink/runtime/taskmanager/Task.run', 'org/apache/flink/streaming/runtime/tasks/StreamTask.invoke'];

/** A small Flink-like CPU profile: user code, Kryo, logging, regex, GC and kernel frames. */
export const FLINK_LIKE_STACKS: Stack[] = [
  { frames: [...TASK, 'com/example/EnrichFunction.map', 'java/util/regex/Pattern.compile'], samples: 120 },
  { frames: [...TASK, 'com/example/EnrichFunction.map', 'java/util/regex/Pattern.compile', 'java/util/regex/Pattern.expr'], samples: 30 },
  { frames: [...TASK, 'com/example/EnrichFunction.map'], samples: 200 },
  { frames: [...TASK, 'com/example/EnrichFunction.map', 'org/apache/logging/log4j/spi/AbstractLogger.logIfEnabled'], samples: 90 },
  { frames: [...TASK, 'org/apache/flink/api/java/typeutils/runtime/kryo/KryoSerializer.serialize', 'com/esotericsoftware/kryo/Kryo.writeClassAndObject'], samples: 150 },
  { frames: [...TASK, 'org/apache/flink/streaming/runtime/io/StreamInputProcessor.processInput'], samples: 60 },
  { frames: ['GCTaskThread::run', 'G1ParEvacuateFollowersClosure::do_void'], samples: 70, type: 4 },
  { frames: [...TASK, 'com/example/Sink.invoke', 'sun/nio/ch/SocketDispatcher.write0', 'entry_SYSCALL_64_after_hwframe'], samples: 40, type: 5 },
  { frames: [...TASK, 'com/example/Parser.parse\'quoted\'', 'com/example/Name\\With\\Backslash'], samples: 25 },
  { frames: [...TASK, 'com/example/EnrichFunction.map', 'java/lang/Throwable.fillInStackTrace'], samples: 15 },
];

/** Random stacks over a small name alphabet, so paths share prefixes and names recur at several depths. */
export function randomStacks(seed: string, count: number): Stack[] {
  const random = seededRandom(seed);
  const alphabet = ['a/A.run', 'b/B.call', "c/C.it's", 'd/D.x\\', 'e/E.loop', 'f/F.ab', 'f/F.abc', 'all'];
  const stacks: Stack[] = [];
  for (let i = 0; i < count; i++) {
    const depth = 1 + Math.floor(random() * 7);
    const frames = Array.from({ length: depth }, () => alphabet[Math.floor(random() * alphabet.length)]!);
    stacks.push({ frames, samples: 1 + Math.floor(random() * 50), type: Math.floor(random() * 7) });
  }
  return stacks;
}

export interface PathTotals {
  total: number;
  self: number;
}

/** total/self per root-to-frame path (names and types), computed straight from the stacks. */
export function referenceTotals(stacks: Stack[]): Map<string, PathTotals> {
  const totals = new Map<string, PathTotals>();
  for (const stack of stacks) {
    const type = stack.type ?? 1;
    for (let depth = 0; depth <= stack.frames.length; depth++) {
      const key = pathKey(stack.frames.slice(0, depth), type);
      const entry = totals.get(key) ?? { total: 0, self: 0 };
      entry.total += stack.samples;
      if (depth === stack.frames.length) entry.self += stack.samples;
      totals.set(key, entry);
    }
  }
  return totals;
}

/** The key of a path; the root is the empty path. Type ids follow FRAME_TYPES. */
export function pathKey(frames: string[], type: number): string {
  return frames.map((name) => `${name}#${type}`).join('\u0001');
}
