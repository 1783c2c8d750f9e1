// Large flame graphs of a chosen size for parser benchmarks (1/10/50 MB), streamed to a file so
// the whole page never sits in memory: many worker threads, each with the same deep call tree.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { PAGE_TAIL, v2PageHead, v3PageHead, type FlameGraphFormat } from './flamegraph-html.ts';
import { V3FrameEncoder, v2FrameLine, v3StringPool, visitFrames, levelCount } from './flamegraph-writer.ts';
import { addSample, newProfileNode, type ModelFrame, type ProfileNode } from './stack-model.ts';
import { hashText } from './seeded-random.ts';

export interface SyntheticFlameGraphOptions {
  /** wanted file size; the result is within a few percent of it (at least one worker is written) */
  approxBytes: number;
  format?: FlameGraphFormat;
}

export interface SyntheticFlameGraphResult {
  bytes: number;
  /** frame calls written, root included */
  frames: number;
  totalSamples: number;
  workers: number;
}

const BRANCH_LEVELS = 7;
const WORKER_PREFIX = [
  'org/apache/flink/runtime/taskmanager/Task.run',
  'org/apache/flink/streaming/runtime/tasks/StreamTask.invoke',
  'org/apache/flink/streaming/runtime/tasks/mailbox/MailboxProcessor.runMailboxLoop',
  'org/apache/flink/streaming/runtime/io/StreamOneInputProcessor.processInput',
  'com/example/synthetic/Pipeline.process',
];
const LEAVES: ModelFrame[] = [
  { name: 'com/example/synthetic/Codec.decode', java: true, type: 1 },
  { name: 'com/example/synthetic/Codec.checksum', java: true, type: 2 },
  { name: 'memcpy', java: false, type: 3 },
  { name: 'do_syscall_64', java: false, type: 5 },
];

/** The call tree below one worker frame: a binary tree of stages with uneven leaf weights. */
function workerSubtree(): ProfileNode {
  const worker = newProfileNode('worker', true, 1);
  const leafCount = 1 << BRANCH_LEVELS;
  for (let leaf = 0; leaf < leafCount; leaf++) {
    const frames: ModelFrame[] = WORKER_PREFIX.map((name) => ({ name, java: true, type: 1 }));
    for (let level = 0; level < BRANCH_LEVELS; level++) {
      const branch = (leaf >> (BRANCH_LEVELS - 1 - level)) & 1;
      frames.push({ name: `com/example/synthetic/Stage${level}.branch${branch === 0 ? 'Left' : 'Right'}`, java: true, type: 1 });
    }
    const leafFrame = LEAVES[leaf % LEAVES.length];
    if (leafFrame !== undefined) frames.push(leafFrame);
    addSample(worker, frames, 1 + (hashText(`leaf${leaf}`) % 8));
  }
  return worker;
}

function workerName(index: number): string {
  return `com/example/synthetic/Worker${String(index).padStart(7, '0')}.run`;
}

function subtreeNames(node: ProfileNode, into: Set<string>): Set<string> {
  for (const child of node.children.values()) {
    into.add(child.name);
    subtreeNames(child, into);
  }
  return into;
}

function measureWorker(worker: ProfileNode, format: FlameGraphFormat, left: number): { frames: number; bytes: number } {
  const encoder = new V3FrameEncoder(v3StringPool(subtreeNames(worker, new Set([workerName(0)]))).indexOf);
  worker.name = workerName(0);
  let frames = 0;
  // a 3.x worker also adds its name to the string pool
  let bytes = format === 'v3' ? workerName(0).length + 4 : 0;
  visitFrames(worker, 1, left, (node, level, frameLeft) => {
    frames++;
    bytes += format === 'v2' ? v2FrameLine(node, level, frameLeft).length : encoder.line(node, level, frameLeft).length;
  });
  return { frames, bytes };
}

/** Writes a synthetic flame graph of about `approxBytes` bytes to `file`. */
export async function writeSyntheticFlameGraph(file: string, options: SyntheticFlameGraphOptions): Promise<SyntheticFlameGraphResult> {
  const format = options.format ?? 'v2';
  const worker = workerSubtree();
  const workerWidth = worker.total;
  const depth = levelCount(worker) + 1;
  const head = format === 'v2' ? v2PageHead('CPU profile', depth) : v3PageHead('CPU profile', depth);

  // measure one worker's frame text to decide how many workers reach the wanted size; 2.x lines
  // grow with the digits of `left`, so measure again at the middle of the first estimate
  const fixedBytes = head.length + PAGE_TAIL.length + 64;
  let framesPerWorker = 0;
  let workers = 1;
  for (const pass of [0, 1]) {
    const measured = measureWorker(worker, format, pass === 0 ? 0 : Math.floor(workers / 2) * workerWidth);
    framesPerWorker = measured.frames;
    workers = Math.max(1, Math.ceil((options.approxBytes - fixedBytes) / measured.bytes));
  }

  const root = newProfileNode('all', false, 3);
  root.total = workers * workerWidth;
  const out = createWriteStream(file);
  let pending: string[] = [];
  let pendingLength = 0;
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    pending.push(text);
    pendingLength += text.length;
    if (pendingLength < 1 << 20) return;
    await flush();
  };
  const flush = async (): Promise<void> => {
    const chunk = pending.join('');
    pending = [];
    pendingLength = 0;
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  };

  try {
    await write(head);
    let emit: (node: ProfileNode, level: number, left: number) => string;
    if (format === 'v2') {
      emit = v2FrameLine;
    } else {
      const names = subtreeNames(worker, new Set());
      for (let i = 0; i < workers; i++) names.add(workerName(i));
      const pool = v3StringPool(names);
      await write(pool.text);
      const encoder = new V3FrameEncoder(pool.indexOf);
      emit = (node, level, left) => encoder.line(node, level, left);
    }
    await write(emit(root, 0, 0));
    for (let i = 0; i < workers; i++) {
      worker.name = workerName(i);
      const lines: string[] = [];
      visitFrames(worker, 1, i * workerWidth, (node, level, left) => lines.push(emit(node, level, left)));
      await write(lines.join(''));
    }
    await write(PAGE_TAIL);
    await flush();
    out.end();
    await finished(out);
  } catch (error) {
    out.destroy();
    throw error;
  }
  return { bytes, frames: 1 + workers * framesPerWorker, totalSamples: root.total, workers };
}
