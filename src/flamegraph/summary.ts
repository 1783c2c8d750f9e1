// Turns a frame tree into the numbers the analysis works from, in one pass over the tree
// (the ten hottest paths are then read back through the parent links).
import { attribute } from './attribution.ts';
import { categoryRank, parentCategoryWins } from './categories.ts';
import { FrameClasses } from './frame-classes.ts';
import { modeFromFileName, modeFromTitle } from './mode.ts';
import { type Counts, type FrameTable, tableFromRoot } from './tree-builder.ts';
import {
  type Category,
  type ComparisonSummary,
  type FlameGraph,
  FRAME_TYPES,
  type FrameStat,
  type HotPath,
  type ProfileSummary,
  type ProfilingMode,
  type SignalId,
  type SignalShare,
} from './types.ts';

export const TOP_FRAME_COUNT = 25;
/** topSelf goes on past TOP_FRAME_COUNT until it covers this share of self samples, up to SELF_FRAME_MAX frames */
export const SELF_FRAME_SHARE = 0.95;
export const SELF_FRAME_MAX = 200;
export const HOT_PATH_COUNT = 10;
/** frames per target in a comparison row */
export const COMPARISON_TOP_FRAMES = 5;

const CATEGORIES: readonly Category[] = [
  'user', 'flink-runtime', 'serialization', 'state-backend', 'network', 'gc-jit-vm', 'kernel', 'logging', 'jdk', 'waiting', 'other',
];

const CATEGORY_INDEX = new Map<Category, number>(CATEGORIES.map((category, index) => [category, index]));
/** categoryRank per category index, so the tree walk compares numbers */
const CATEGORY_RANK = Int8Array.from(CATEGORIES, categoryRank);
const OTHER = CATEGORY_INDEX.get('other')!;

/**
 * - topSelf / topTotal: frames aggregated by name over the whole tree (root excluded); a name that
 *   recurs on one path counts its outermost frame only. Their `category` is the frame's own. topSelf
 *   holds the TOP_FRAME_COUNT hottest and more while they cover < SELF_FRAME_SHARE (flat profiles).
 * - hotPaths: the stacks (root-to-frame paths ending in self samples) with the most samples.
 * - categories: self samples by effective category (see categories.ts), in percent.
 * - signals: share of samples whose stack passes through a known pattern (see signals.ts).
 * The mode is meta.mode, else the Flink file name's, else the page title's guess.
 *
 * Works on the compact frame table (one pass over its rows, per-name state in arrays indexed by
 * name id), so no frame object is made.
 */
export function summarize(graph: FlameGraph, meta: { source: string; target: string; mode?: ProfilingMode; durationSeconds?: number }): ProfileSummary {
  const mode = meta.mode ?? modeFromFileName(meta.source) ?? modeFromTitle(graph.title) ?? 'UNKNOWN';
  const table = graph.frames ?? tableFromRoot(graph.root);
  const { count, parent, nameId, type, total, self, names } = table;
  const totalSamples = total[0]!;
  const nameCount = names.length;
  const classes = new FrameClasses(names, mode);

  /** per name id * 8 + type: 1 + index of the frame's own category, 0 until first needed */
  const ownCategory = new Uint8Array(nameCount * 8);
  const selfByName = new NameTotals(nameCount);
  const totalByName = new NameTotals(nameCount);
  /** how many frames of a name are on the current path: a recursive name counts once per path */
  const openByName = new Int32Array(nameCount);
  const openBySignal = new Map<SignalId, number>();
  const signalSamples = new Map<SignalId, { samples: number; frame: string; frameSamples: number }>();
  const categorySamples = new Float64Array(CATEGORIES.length);
  /** the rows on the current path, and per depth the effective category index (-1 for the root) */
  const path = new Int32Array(table.maxDepth + 1);
  const effective = new Int8Array(table.maxDepth + 1);
  const hottest = new TopRows(HOT_PATH_COUNT, self);

  const categoryOf = (id: number, frameType: number): number => {
    const key = id * 8 + frameType;
    let known = ownCategory[key]!;
    if (known === 0) {
      known = 1 + CATEGORY_INDEX.get(classes.category(id, frameType))!;
      ownCategory[key] = known;
    }
    return known - 1;
  };
  const signalIdsOf = (id: number): readonly SignalId[] => classes.signals(id);
  const leave = (row: number): void => {
    const id = nameId[row]!;
    openByName[id]!--;
    const ids = signalIdsOf(id);
    for (let i = 0; i < ids.length; i++) {
      const signal = ids[i]!;
      openBySignal.set(signal, openBySignal.get(signal)! - 1);
    }
  };

  let depth = 0;
  for (let row = 0; row < count; row++) {
    const up = parent[row]!;
    while (depth > 0 && path[depth - 1] !== up) {
      depth--;
      if (depth > 0) leave(path[depth]!);
    }
    path[depth] = row;
    const rowSelf = self[row]!;
    if (depth === 0) {
      effective[0] = -1;
      if (rowSelf > 0) categorySamples[OTHER]! += rowSelf;
      depth++;
      continue;
    }
    const id = nameId[row]!;
    const rowType = type[row]!;
    const own = categoryOf(id, rowType);
    const parentEffective = effective[depth - 1]!;
    const category = parentEffective >= 0 && parentCategoryWins(CATEGORY_RANK[own]!, CATEGORY_RANK[parentEffective]!) ? parentEffective : own;
    effective[depth] = category;
    if (rowSelf > 0) {
      categorySamples[category]! += rowSelf;
      selfByName.add(id, rowType, rowSelf);
      hottest.offer(row);
    }
    const rowTotal = total[row]!;
    if (openByName[id] === 0) totalByName.add(id, rowType, rowTotal);
    openByName[id]!++;
    const ids = signalIdsOf(id);
    for (let i = 0; i < ids.length; i++) {
      const signal = ids[i]!;
      const openSignal = openBySignal.get(signal) ?? 0;
      if (openSignal === 0) {
        const share = signalSamples.get(signal) ?? { samples: 0, frame: names[id]!, frameSamples: 0 };
        share.samples += rowTotal;
        if (rowTotal > share.frameSamples) {
          share.frame = names[id]!;
          share.frameSamples = rowTotal;
        }
        signalSamples.set(signal, share);
      }
      openBySignal.set(signal, openSignal + 1);
    }
    depth++;
  }

  /** `moreUntil`: past TOP_FRAME_COUNT, go on while the frames above hold fewer samples than this */
  const toStats = (byName: NameTotals, moreUntil = 0, above = 0): FrameStat[] =>
    byName
      .ids()
      .sort((a, b) => byName.samples[b]! - byName.samples[a]! || compareText(names[a]!, names[b]!))
      .filter((id, i) => (i < TOP_FRAME_COUNT || (i < SELF_FRAME_MAX && above < moreUntil)) && (above += byName.samples[id]!) >= 0)
      .map((id) => {
        const frameType = byName.type[id]!;
        const samples = byName.samples[id]!;
        return { name: names[id]!, type: FRAME_TYPES[frameType]!, category: classes.category(id, frameType), samples, percent: percentOf(samples, totalSamples) };
      });

  const categories = Object.fromEntries(CATEGORIES.map((category, index) => [category, percentOf(categorySamples[index]!, totalSamples)])) as Record<Category, number>;
  const signals: Partial<Record<SignalId, SignalShare>> = {};
  for (const [id, share] of signalSamples) signals[id] = { percent: percentOf(share.samples, totalSamples), frame: share.frame, samples: share.samples };

  return {
    source: meta.source,
    target: meta.target,
    mode,
    format: graph.format,
    totalSamples,
    frameCount: graph.frameCount,
    maxDepth: graph.maxDepth,
    topSelf: toStats(selfByName, totalSamples * SELF_FRAME_SHARE),
    topTotal: toStats(totalByName),
    hotPaths: hotPaths(table, hottest.rows(), totalSamples),
    categories,
    signals,
    attribution: attribute(table, mode, classes),
    ...(meta.durationSeconds !== undefined && meta.durationSeconds > 0 ? { durationSeconds: meta.durationSeconds } : {}),
  };
}

/** Several targets side by side; sampleSkew = max / median of totalSamples (1 = even). */
export function compareSummaries(summaries: ProfileSummary[]): ComparisonSummary {
  const targets = summaries.map((summary) => ({
    target: summary.target,
    totalSamples: summary.totalSamples,
    categories: summary.categories,
    topSelf: summary.topSelf.slice(0, COMPARISON_TOP_FRAMES),
  }));
  const counts = targets.map((row) => row.totalSamples).sort((a, b) => a - b);
  const max = counts.at(-1) ?? 0;
  const middle = Math.floor(counts.length / 2);
  const median = counts.length % 2 === 1 ? counts[middle]! : ((counts[middle - 1] ?? 0) + (counts[middle] ?? 0)) / 2;
  // A median of 0 samples is treated as 1 so the ratio stays finite (JSON has no Infinity).
  const sampleSkew = max === 0 ? 1 : Math.round((max / Math.max(median, 1)) * 100) / 100;
  const hottest = targets.reduce<(typeof targets)[number] | undefined>((best, row) => (best === undefined || row.totalSamples > best.totalSamples ? row : best), undefined);
  return { targets, sampleSkew, hottestTarget: hottest?.target ?? '' };
}

function percentOf(samples: number, total: number): number {
  return total === 0 ? 0 : Math.round((samples / total) * 10000) / 100;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Samples per name id, and the type of the first frame counted for it. */
class NameTotals {
  readonly samples: Float64Array;
  /** index into FRAME_TYPES, -1 while the name has no samples counted */
  readonly type: Int8Array;
  readonly #seen: number[] = [];

  constructor(nameCount: number) {
    this.samples = new Float64Array(nameCount);
    this.type = new Int8Array(nameCount).fill(-1);
  }

  add(id: number, frameType: number, samples: number): void {
    if (this.type[id] === -1) {
      this.type[id] = frameType;
      this.#seen.push(id);
    }
    this.samples[id]! += samples;
  }

  /** the ids counted so far, in a new array */
  ids(): number[] {
    return [...this.#seen];
  }
}

/** Keeps the `capacity` rows with the most self samples seen so far (first seen wins ties). */
class TopRows {
  readonly #capacity: number;
  readonly #self: Counts;
  readonly #rows: number[] = [];

  constructor(capacity: number, self: Counts) {
    this.#capacity = capacity;
    this.#self = self;
  }

  offer(row: number): void {
    const rows = this.#rows;
    const self = this.#self;
    const value = self[row]!;
    if (rows.length === this.#capacity && value <= self[rows.at(-1)!]!) return;
    let at = rows.length;
    while (at > 0 && self[rows[at - 1]!]! < value) at--;
    rows.splice(at, 0, row);
    if (rows.length > this.#capacity) rows.pop();
  }

  rows(): readonly number[] {
    return this.#rows;
  }
}

/** The root-to-row name paths (root excluded) of the chosen rows, in the order given. */
function hotPaths(table: FrameTable, chosen: readonly number[], totalSamples: number): HotPath[] {
  return chosen.map((row) => {
    const frames: string[] = [];
    for (let at = row; table.parent[at]! >= 0; at = table.parent[at]!) frames.push(table.names[table.nameId[at]!]!);
    frames.reverse();
    const samples = table.self[row]!;
    return { frames, samples, percent: percentOf(samples, totalSamples) };
  });
}
