// The data model shared by the parser, the summary and the analysis providers.
import type { FrameTable } from './tree-builder.ts';

/** async-profiler frame types (vmEntry.h); the index is the number written in the HTML. */
export const FRAME_TYPES = ['interpreted', 'jit', 'inlined', 'native', 'cpp', 'kernel', 'c1'] as const;
export type FrameType = (typeof FRAME_TYPES)[number];

/** Profiling modes of Flink's profiler (ProfilingInfo.ProfilingMode). */
export const PROFILING_MODES = ['CPU', 'ITIMER', 'ALLOC', 'LOCK', 'WALL'] as const;
export type ProfilingMode = (typeof PROFILING_MODES)[number];

/** One node of the frame tree. Children are keyed by name + type, like async-profiler 3.x. */
export interface FrameNode {
  name: string;
  type: FrameType;
  /** samples (or counter units) in this frame and below */
  total: number;
  /** samples in this frame itself */
  self: number;
  children: FrameNode[];
}

export interface FlameGraph {
  /** 'v2' = async-profiler 2.x f(level,left,width,type,'title'); 'v3' = 3.x/4.x cpool + f/u/n */
  format: 'v2' | 'v3';
  /** text of the <h1> title, e.g. "Allocation profile" */
  title: string;
  root: FrameNode;
  /** the same tree as compact columns, when the parser made it (the summary prefers it to `root`) */
  frames?: FrameTable;
  /** number of frames read */
  frameCount: number;
  maxDepth: number;
}

export type Category =
  | 'user'
  | 'flink-runtime'
  | 'serialization'
  | 'state-backend'
  | 'network'
  | 'gc-jit-vm'
  | 'kernel'
  | 'logging'
  | 'jdk'
  | 'waiting'
  | 'other';

export interface FrameStat {
  name: string;
  type: FrameType;
  category: Category;
  samples: number;
  /** share of all samples, 0..100 */
  percent: number;
}

export interface HotPath {
  /** root-to-leaf frame names, root 'all' omitted */
  frames: string[];
  samples: number;
  percent: number;
}

/** What `.summary.json` holds for one artifact. */
export interface ProfileSummary {
  /** file name of the artifact this summary was made from */
  source: string;
  /** target label: TaskManager id, 'JobManager', or the file name for local files */
  target: string;
  mode: ProfilingMode | 'UNKNOWN';
  format: FlameGraph['format'];
  totalSamples: number;
  frameCount: number;
  maxDepth: number;
  topSelf: FrameStat[];
  topTotal: FrameStat[];
  hotPaths: HotPath[];
  /** percent of samples (by self) per category; sums to ~100 */
  categories: Record<Category, number>;
  /** shares of known frame patterns (only those seen); absent in summaries made before it existed */
  signals?: Partial<Record<SignalId, SignalShare>>;
  /** who the samples belong to: hot frames with their user function and operator (see attribution.ts) */
  attribution?: Attribution;
  /** how long the profiler ran, when the caller knows it (the run, or the job metrics' window) */
  durationSeconds?: number;
}

/** A Flink operator as the stack shows it: its kind and its place in the chain its task runs. */
export interface OperatorRef {
  /** operator class without package, e.g. "StreamMap", "KeyedProcessOperator", "SourceOperator" */
  kind: string;
  /** 0-based position in the chain (0 = the chain's head operator) */
  index: number;
  /** kind of the chain's head; "SourceOperator" or "StreamSource" mean the chain starts at a source */
  head: string;
}

/** What a site's samples are about: a signal's frames, or the leaf ('self': the frame, allocated class or lock). */
export type SiteKind = SignalId | 'self';

/** Samples that share a hot frame, the code that asked for it and the operator it ran in. */
export interface CostSite {
  kind: SiteKind;
  /** for a signal: its outermost frame on the stack; for 'self': the leaf frame */
  hotFrame: string;
  /** the frame directly above the hot frame (generated frames skipped) */
  caller?: string;
  /** the nearest user-code frame above the hot frame (for 'self' in ALLOC/LOCK: at or above the allocating/locking frame) */
  userFrame?: string;
  /** the user function of the operator above the hot frame: the first user frame under that operator */
  function?: string;
  /** the nearest frame above the leaf that is neither JDK nor a pass-through frame: who really asked for the cost */
  blame?: string;
  /** the innermost Flink operator above the hot frame */
  operator?: OperatorRef;
  /** the first frame below the hot frame outside the signal, e.g. the class Kryo instantiates */
  below?: string;
  samples: number;
  /** the stack runs on a Flink task thread */
  task: boolean;
  /** from the task's entry to the hot frame; frames that only pass records along are folded into "…" */
  path: string[];
}

/** Samples (inclusive) of one user function, in the operator that calls it. */
export interface FunctionCost {
  function: string;
  operator?: OperatorRef;
  samples: number;
}

export interface Attribution {
  /** the hottest sites per kind (bounded) */
  sites: CostSite[];
  /** the hottest user functions (bounded); a function is the first user frame under its operator */
  functions: FunctionCost[];
}

/** For several artifacts at once: how the targets compare (skew between TaskManagers). */
export interface ComparisonSummary {
  targets: Array<{ target: string; totalSamples: number; categories: Record<Category, number>; topSelf: FrameStat[] }>;
  /** largest totalSamples divided by the median; 1 = even */
  sampleSkew: number;
  hottestTarget: string;
}

/** Frame patterns whose share of samples the builtin rules look at (see flamegraph/signals.ts). */
export type SignalId =
  | 'kryo'
  | 'logging'
  | 'regex'
  | 'regex-compile'
  | 'json'
  | 'exceptions'
  | 'rocksdb'
  | 'record-copy'
  | 'gc'
  | 'jit'
  | 'blocking'
  | 'task-thread'
  | 'task-idle'
  | 'backpressure';

export interface SignalShare {
  /** percent of all samples whose stack passes through a matching frame (each stack counted once) */
  percent: number;
  /** the matching frame with the most samples */
  frame: string;
  /** the samples behind `percent`; absent in summaries made before it existed */
  samples?: number;
}
