// Turns a frame tree into the numbers the analysis works from, in one pass over the tree
// (plus a second pass that only copies the ten hottest paths).
import { Categorizer, effectiveCategory } from './categories.ts';
import { modeFromFileName, modeFromTitle } from './mode.ts';
import { SignalMatcher } from './signals.ts';
import type {
  Category,
  ComparisonSummary,
  FlameGraph,
  FrameNode,
  FrameStat,
  FrameType,
  HotPath,
  ProfileSummary,
  ProfilingMode,
  SignalId,
  SignalShare,
} from './types.ts';
import { walkFrames } from './walk.ts';

export const TOP_FRAME_COUNT = 25;
export const HOT_PATH_COUNT = 10;
/** frames per target in a comparison row */
export const COMPARISON_TOP_FRAMES = 5;

const CATEGORIES: readonly Category[] = [
  'user', 'flink-runtime', 'serialization', 'state-backend', 'network', 'gc-jit-vm', 'kernel', 'logging', 'jdk', 'waiting', 'other',
];

interface NameTotals {
  type: FrameType;
  samples: number;
}

/**
 * - topSelf / topTotal: frames aggregated by name over the whole tree (root excluded); a name that
 *   recurs on one path counts its outermost frame only. Their `category` is the frame's own.
 * - hotPaths: the stacks (root-to-frame paths ending in self samples) with the most samples.
 * - categories: self samples by effective category (see categories.ts), in percent.
 * - signals: share of samples whose stack passes through a known pattern (see signals.ts).
 * The mode is meta.mode, else the Flink file name's, else the page title's guess.
 */
export function summarize(graph: FlameGraph, meta: { source: string; target: string; mode?: ProfilingMode }): ProfileSummary {
  const mode = meta.mode ?? modeFromFileName(meta.source) ?? modeFromTitle(graph.title) ?? 'UNKNOWN';
  const totalSamples = graph.root.total;
  const categorizer = new Categorizer(mode);
  const signalMatcher = new SignalMatcher();

  const selfByName = new Map<string, NameTotals>();
  const totalByName = new Map<string, NameTotals>();
  /** how many frames of a name are on the current path: a recursive name counts once per path */
  const openByName = new Map<string, number>();
  const openBySignal = new Map<SignalId, number>();
  const signalSamples = new Map<SignalId, { samples: number; frame: string; frameSamples: number }>();
  const categorySamples = new Map<Category, number>();
  /** per depth: the effective category of the open frame (the root has none) */
  const effective: Array<Category | undefined> = [undefined];
  const hottest = new TopNodes(HOT_PATH_COUNT);

  walkFrames(graph.root, {
    enter(node, depth) {
      const category = depth === 0 ? 'other' : effectiveCategory(categorizer.of(node.name, node.type), effective[depth - 1]);
      effective[depth] = depth === 0 ? undefined : category;
      if (node.self > 0) categorySamples.set(category, (categorySamples.get(category) ?? 0) + node.self);
      if (depth === 0) return;
      if (node.self > 0) {
        addTo(selfByName, node, node.self);
        hottest.offer(node);
      }
      const open = openByName.get(node.name) ?? 0;
      if (open === 0) addTo(totalByName, node, node.total);
      openByName.set(node.name, open + 1);
      for (const id of signalMatcher.of(node.name)) {
        const openSignal = openBySignal.get(id) ?? 0;
        if (openSignal === 0) {
          const share = signalSamples.get(id) ?? { samples: 0, frame: node.name, frameSamples: 0 };
          share.samples += node.total;
          if (node.total > share.frameSamples) {
            share.frame = node.name;
            share.frameSamples = node.total;
          }
          signalSamples.set(id, share);
        }
        openBySignal.set(id, openSignal + 1);
      }
    },
    leave(node, depth) {
      if (depth === 0) return;
      openByName.set(node.name, openByName.get(node.name)! - 1);
      for (const id of signalMatcher.of(node.name)) openBySignal.set(id, openBySignal.get(id)! - 1);
    },
  });

  const toStats = (byName: Map<string, NameTotals>): FrameStat[] =>
    [...byName]
      .sort(([nameA, a], [nameB, b]) => b.samples - a.samples || compareText(nameA, nameB))
      .slice(0, TOP_FRAME_COUNT)
      .map(([name, { type, samples }]) => ({
        name,
        type,
        category: categorizer.of(name, type),
        samples,
        percent: percentOf(samples, totalSamples),
      }));

  const categories = Object.fromEntries(CATEGORIES.map((category) => [category, percentOf(categorySamples.get(category) ?? 0, totalSamples)])) as Record<Category, number>;
  const signals: Partial<Record<SignalId, SignalShare>> = {};
  for (const [id, share] of signalSamples) signals[id] = { percent: percentOf(share.samples, totalSamples), frame: share.frame };

  return {
    source: meta.source,
    target: meta.target,
    mode,
    format: graph.format,
    totalSamples,
    frameCount: graph.frameCount,
    maxDepth: graph.maxDepth,
    topSelf: toStats(selfByName),
    topTotal: toStats(totalByName),
    hotPaths: hotPaths(graph.root, hottest.nodes(), totalSamples),
    categories,
    signals,
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

function addTo(byName: Map<string, NameTotals>, node: FrameNode, samples: number): void {
  const entry = byName.get(node.name);
  if (entry === undefined) byName.set(node.name, { type: node.type, samples });
  else entry.samples += samples;
}

function percentOf(samples: number, total: number): number {
  return total === 0 ? 0 : Math.round((samples / total) * 10000) / 100;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Keeps the `capacity` nodes with the most self samples seen so far (first seen wins ties). */
class TopNodes {
  readonly #capacity: number;
  readonly #nodes: FrameNode[] = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  offer(node: FrameNode): void {
    const nodes = this.#nodes;
    if (nodes.length === this.#capacity && node.self <= nodes.at(-1)!.self) return;
    let at = nodes.length;
    while (at > 0 && nodes[at - 1]!.self < node.self) at--;
    nodes.splice(at, 0, node);
    if (nodes.length > this.#capacity) nodes.pop();
  }

  nodes(): readonly FrameNode[] {
    return this.#nodes;
  }
}

/** Copies the root-to-node name paths of the chosen nodes, in the order given. */
function hotPaths(root: FrameNode, chosen: readonly FrameNode[], totalSamples: number): HotPath[] {
  const wanted = new Set(chosen);
  const found = new Map<FrameNode, string[]>();
  const names: string[] = [];
  walkFrames(root, {
    enter(node, depth) {
      if (depth === 0) return;
      names.length = depth - 1;
      names.push(node.name);
      if (wanted.has(node)) found.set(node, [...names]);
    },
  });
  return chosen.map((node) => ({ frames: found.get(node) ?? [], samples: node.self, percent: percentOf(node.self, totalSamples) }));
}
