// The flame graph writer against the async-profiler layout rules: a 2.x page is read back line
// by line, a 3.x page is decoded with the cpool/f/u/n rules, and both must give the same frames.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROFILING_MODES } from '../../../src/flamegraph/types.ts';
import { profileFlameGraph } from './flamegraph-writer.ts';
import { writeSyntheticFlameGraph } from './synthetic-flamegraph.ts';

interface Frame {
  level: number;
  left: number;
  width: number;
  type: number;
  title: string;
  counts?: string;
}

const V2_LINE = /^f\((\d+),(\d+),(\d+),(\d+),'((?:[^'\\]|\\.)*)'(?:,(\d+),(\d+),(\d+))?\)$/;

function readV2(html: string): Frame[] {
  return html
    .split('\n')
    .filter((line) => line.startsWith('f('))
    .map((line) => {
      const m = V2_LINE.exec(line);
      assert.ok(m !== null, `not a 2.x frame line: ${line}`);
      const frame: Frame = { level: Number(m[1]), left: Number(m[2]), width: Number(m[3]), type: Number(m[4]), title: (m[5] ?? '').replace(/\\'/g, "'") };
      if (m[6] !== undefined) frame.counts = `${m[6]},${m[7]},${m[8]}`;
      return frame;
    });
}

/** Decodes a 3.x page by the rules of async-profiler's own page script. */
function readV3(html: string): Frame[] {
  const poolText = /const cpool = \[\n([\s\S]*?)\n\];\nunpack\(cpool\);/.exec(html)?.[1];
  assert.ok(poolText !== undefined, 'no cpool');
  const pool = poolText.split('\n').map((line) => {
    assert.match(line, /^'.*',$/);
    return line.slice(1, -2).replace(/\\(.)/g, '$1');
  });
  for (let i = 1; i < pool.length; i++) {
    const entry = pool[i] ?? '';
    pool[i] = (pool[i - 1] ?? '').substring(0, entry.charCodeAt(0) - 32) + entry.substring(1);
  }
  const frames: Frame[] = [];
  let level0 = 0;
  let left0 = 0;
  let width0 = 0;
  for (const line of html.split('\n')) {
    const m = /^([fun])\(([\d,]+)\)$/.exec(line);
    if (m === null) continue;
    const args = (m[2] ?? '').split(',').map(Number);
    const key = args.shift() ?? 0;
    if (m[1] === 'f') {
      level0 = args.shift() ?? 0;
      left0 += args.shift() ?? 0;
    } else if (m[1] === 'u') {
      level0 += 1;
    } else {
      left0 += width0;
    }
    if (args.length > 0) width0 = args.shift() ?? 0;
    const frame: Frame = { level: level0, left: left0, width: width0, type: key & 7, title: pool[key >>> 3] ?? '?' };
    if (args.length > 0) frame.counts = args.join(',');
    frames.push(frame);
  }
  return frames;
}

/** Checks the emission rules: pre-order, absolute lefts inside the parent, siblings sorted and adjacent. */
function assertLayout(frames: Frame[]): void {
  const root = frames[0];
  assert.ok(root !== undefined);
  assert.deepEqual({ ...root }, { level: 0, left: 0, width: root.width, type: 3, title: 'all' });
  const path: Frame[] = [root];
  const lastChild = new Map<Frame, Frame>();
  for (const frame of frames.slice(1)) {
    path.length = frame.level;
    const parent = path[frame.level - 1];
    assert.ok(parent !== undefined, `frame at level ${frame.level} has no parent`);
    assert.ok(frame.width > 0);
    assert.ok(frame.left >= parent.left && frame.left + frame.width <= parent.left + parent.width, `${frame.title} escapes its parent`);
    const previous = lastChild.get(parent);
    if (previous !== undefined) {
      assert.ok(previous.title < frame.title, `siblings not sorted: ${previous.title} then ${frame.title}`);
      assert.equal(frame.left, previous.left + previous.width, 'siblings are adjacent');
    }
    lastChild.set(parent, frame);
    path.push(frame);
  }
}

const tempDirs: string[] = [];
after(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

describe('profile flame graphs', () => {
  for (const mode of PROFILING_MODES) {
    it(`${mode}: a 2.x page follows the layout rules and its 3.x twin holds the same frames`, () => {
      const v2 = profileFlameGraph({ role: 'taskmanager', mode, seed: 'orders-taskmanager-1-1', durationSeconds: 30 });
      const v3 = profileFlameGraph({ role: 'taskmanager', mode, seed: 'orders-taskmanager-1-1', durationSeconds: 30, format: 'v3' });
      assert.ok(v2.includes('function f(level, left, width, type, title'));
      assert.ok(!v2.includes('const cpool = ['));
      assert.ok(v3.includes('const cpool = [') && v3.includes('unpack(cpool)'));
      assert.ok(!v3.includes('function f(level, left, width, type, title'));
      const frames = readV2(v2);
      assertLayout(frames);
      assert.deepEqual(readV3(v3), frames);
      const depth = Math.max(...frames.map((f) => f.level)) + 1;
      assert.ok(v2.includes(`const levels = Array(${depth});`));
      const lines = v2.split('\n');
      const searchLine = lines.indexOf('search();');
      assert.match(lines[searchLine - 1] ?? '', /^f\(/, 'frames end right before search()');
      assert.ok(v2.length < 300_000);
    });
  }

  it('titles the page by mode', () => {
    const titles = PROFILING_MODES.map((mode) => /<h1>(.*)<\/h1>/.exec(profileFlameGraph({ role: 'jobmanager', mode, seed: 'JobManager', durationSeconds: 5 }))?.[1]);
    assert.deepEqual(titles, ['CPU profile', 'CPU profile', 'Allocation profile', 'Lock profile', 'Wall clock profile']);
  });

  it('has Flink task frames, kernel frames in CPU mode only, allocated classes in ALLOC and idle frames in WALL', () => {
    const framesOf = (mode: (typeof PROFILING_MODES)[number]) => readV2(profileFlameGraph({ role: 'taskmanager', mode, seed: 'tm', durationSeconds: 60 }));
    const cpu = framesOf('CPU');
    for (const name of ['org/apache/flink/streaming/runtime/tasks/StreamTask.invoke', 'com/example/shop/EnrichOrders.map', 'com/esotericsoftware/kryo/Kryo.readClassAndObject', 'G1ParScanThreadState::trim_queue']) {
      assert.ok(cpu.some((f) => f.title === name), name);
    }
    assert.ok(cpu.some((f) => f.title === 'org/rocksdb/RocksDB.get') && cpu.some((f) => f.type === 4 && f.title.startsWith('rocksdb::')));
    assert.ok(cpu.some((f) => f.type === 5));
    assert.ok(!framesOf('ITIMER').some((f) => f.type === 5), 'itimer sees no kernel stacks');
    const alloc = framesOf('ALLOC');
    assert.ok(alloc.some((f) => f.title === 'java.lang.String' && f.type === 2));
    assert.ok(alloc.some((f) => f.title === 'byte[]' && f.type === 5));
    const wall = framesOf('WALL');
    for (const name of ['java/lang/Object.wait', 'jdk/internal/misc/Unsafe.park', 'epoll_wait']) assert.ok(wall.some((f) => f.title === name), name);
  });

  it('writes a profile without samples as a bare root of type 2, in both layouts', () => {
    const options = { role: 'taskmanager', mode: 'LOCK', seed: 'tm', durationSeconds: 1, noSamples: true } as const;
    const v2 = profileFlameGraph(options);
    const v3 = profileFlameGraph({ ...options, format: 'v3' });
    assert.deepEqual(v2.split('\n').filter((line) => line.startsWith('f(')), ["f(0,0,0,2,'all')"]);
    assert.ok(v2.includes('const levels = Array(1);'));
    assert.deepEqual(readV3(v3), readV2(v2));
    assert.deepEqual(readV2(v2), [{ level: 0, left: 0, width: 0, type: 2, title: 'all' }]);
  });

  it('is deterministic per seed, differs between seeds and scales samples with the duration', () => {
    const page = (seed: string, durationSeconds: number) => profileFlameGraph({ role: 'taskmanager', mode: 'ITIMER', seed, durationSeconds });
    assert.equal(page('tm-1', 10), page('tm-1', 10));
    assert.notEqual(page('tm-1', 10), page('tm-2', 10));
    const total = (html: string) => readV2(html)[0]?.width ?? 0;
    assert.ok(total(page('tm-1', 60)) > 4 * total(page('tm-1', 10)));
  });
});

describe('synthetic flame graphs', () => {
  for (const format of ['v2', 'v3'] as const) {
    it(`streams a ${format} page of about the wanted size that reads back frame for frame`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'synthetic-flame-'));
      tempDirs.push(dir);
      const file = join(dir, 'big.html');
      const result = await writeSyntheticFlameGraph(file, { approxBytes: 1_000_000, format });
      const size = (await stat(file)).size;
      assert.equal(size, result.bytes);
      assert.ok(Math.abs(size - 1_000_000) < 60_000, `size ${size}`);
      const html = await readFile(file, 'utf8');
      const frames = format === 'v2' ? readV2(html) : readV3(html);
      assert.equal(frames.length, result.frames);
      assert.equal(frames[0]?.width, result.totalSamples);
      assertLayout(frames);
    });
  }
});
