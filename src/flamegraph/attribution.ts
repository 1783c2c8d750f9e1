// Who the samples belong to. For every stack, in one pass over the frame table, it finds the hot
// frame (each signal's outermost frame, and the leaf), the nearest user-code frame above it, the
// Flink operator it ran in and the frame really asking for the cost, and sums samples into sites.
// Rules run on summaries, so this is where the tree's shape is kept, bounded in size.
//
// Per depth of the current path it keeps "the deepest frame of kind X at or above here", so each
// frame costs O(signals) and no stack is walked twice; only the kept sites' paths are read back
// through the parent links at the end.
import { FrameClasses, MEANINGFUL_FRAME, NAMED_FRAME, TASK_ENTRY_FRAME, USER_FRAME } from './frame-classes.ts';
import type { FrameTable } from './tree-builder.ts';
import { type Attribution, type CostSite, type FunctionCost, type OperatorRef, type ProfilingMode, type SignalId, type SiteKind } from './types.ts';

/** sites kept per signal, and for the leaf ('self') */
export const SITES_PER_SIGNAL = 6;
export const SELF_SITES = 24;
export const FUNCTION_COUNT = 24;
/** frames kept in a site's path, "…" marks included */
export const PATH_MAX = 16;

/** Signals whose sites are worth keeping: those a rule attributes (GC, JIT and task-thread shapes are whole-thread facts). */
const SITE_SIGNALS: readonly SignalId[] = ['kryo', 'logging', 'regex', 'regex-compile', 'json', 'exceptions', 'rocksdb', 'record-copy', 'blocking', 'backpressure', 'task-idle'];

const USER = USER_FRAME;
const TASK = TASK_ENTRY_FRAME;
const MEANINGFUL = MEANINGFUL_FRAME;
const NAMED = NAMED_FRAME;

interface Group {
  kind: SiteKind;
  hot: number;
  caller: number;
  user: number;
  fn: number;
  blame: number;
  below: number;
  chain: number;
  task: boolean;
  samples: number;
  /** the row with the most self samples, and the depths of its hot frame and task entry */
  row: number;
  rowSelf: number;
  hotDepth: number;
  taskDepth: number;
}

/** `classes`: the profile's frame classes when the caller has them already (the summary does). */
export function attribute(table: FrameTable, mode: ProfilingMode | 'UNKNOWN', classes = new FrameClasses(table.names, mode)): Attribution {
  const { count, parent, nameId, type, self, names, maxDepth } = table;
  /** per name id: bit s set when the name matches SITE_SIGNALS[s]; -1 until computed */
  const signalMaskById = new Int32Array(names.length).fill(-1);
  const signalIndex = new Map<SignalId, number>(SITE_SIGNALS.map((id, index) => [id, index]));
  const signalCount = SITE_SIGNALS.length;
  const width = maxDepth + 1;
  const path = new Int32Array(width);
  const userAt = new Int32Array(width);
  const functionAt = new Int32Array(width);
  const taskAt = new Int32Array(width);
  const blameAt = new Int32Array(width);
  const namedAt = new Int32Array(width);
  const chainAt = new Int32Array(width);
  const signalAt = new Int32Array(width * signalCount);
  const belowAt = new Int32Array(width * signalCount);
  const chains = new ChainTable();
  // keyed by a numeric hash of the group's fields (no string per stack); equal hashes are told apart by the fields
  const groups = new Map<number, Group[]>();
  const functions = new Map<number, { fn: number; chain: number; samples: number }>();
  const kindIndex = new Map<SiteKind, number>([['self', 0], ...SITE_SIGNALS.map((signal, index): [SiteKind, number] => [signal, index + 1])]);
  // ALLOC and LOCK leaves are the allocated or locked class: the code is the frame above it.
  const leafIsClass = mode === 'ALLOC' || mode === 'LOCK';

  const flagsOf = (id: number, frameType: number): number => classes.kindOf(id, frameType);
  const operatorOf = (id: number): string | null => classes.operatorKind(id);
  const signalMaskOf = (id: number): number => {
    let mask = signalMaskById[id]!;
    if (mask < 0) {
      mask = 0;
      for (const signal of classes.signals(id)) {
        const index = signalIndex.get(signal);
        if (index !== undefined) mask |= 1 << index;
      }
      signalMaskById[id] = mask;
    }
    return mask;
  };
  const nameAt = (depth: number): number => (depth > 0 ? nameId[path[depth]!]! : -1);

  const addSite = (kind: SiteKind, row: number, hotDepth: number, fields: { user: number; fn: number; blame: number; caller: number; below: number }, depth: number): void => {
    const task = taskAt[depth]! > 0;
    const hot = nameAt(hotDepth);
    const user = nameAt(fields.user);
    const fn = nameAt(fields.fn);
    const blame = nameAt(fields.blame);
    const caller = nameAt(fields.caller);
    const below = nameAt(fields.below);
    const chain = chainAt[hotDepth]!;
    const key = hashOf(kindIndex.get(kind)!, hot, caller, user, fn, blame, below, chain, task ? 1 : 0);
    const rowSelf = self[row]!;
    let bucket = groups.get(key);
    if (bucket === undefined) groups.set(key, (bucket = []));
    let group = bucket.find((g) => g.kind === kind && g.hot === hot && g.caller === caller && g.user === user && g.fn === fn && g.blame === blame && g.below === below && g.chain === chain && g.task === task);
    if (group === undefined) {
      group = { kind, hot, caller, user, fn, blame, below, chain, task, samples: 0, row, rowSelf, hotDepth, taskDepth: taskAt[depth]! };
      bucket.push(group);
    }
    group.samples += rowSelf;
    if (rowSelf > group.rowSelf) {
      group.row = row;
      group.rowSelf = rowSelf;
      group.hotDepth = hotDepth;
      group.taskDepth = taskAt[depth]!;
    }
  };

  let depth = 0;
  for (let row = 0; row < count; row++) {
    const up = parent[row]!;
    while (depth > 0 && path[depth - 1] !== up) depth--;
    path[depth] = row;
    if (depth === 0) {
      userAt[0] = functionAt[0] = taskAt[0] = blameAt[0] = namedAt[0] = -1;
      chainAt[0] = 0;
      signalAt.fill(-1, 0, signalCount);
      belowAt.fill(-1, 0, signalCount);
      depth++;
      continue;
    }
    const d = depth;
    const id = nameId[row]!;
    const flags = flagsOf(id, type[row]!);
    const operator = operatorOf(id);
    const user = (flags & USER) !== 0;
    userAt[d] = user ? d : userAt[d - 1]!;
    taskAt[d] = (flags & TASK) !== 0 ? d : taskAt[d - 1]!;
    blameAt[d] = (flags & MEANINGFUL) !== 0 ? d : blameAt[d - 1]!;
    namedAt[d] = (flags & NAMED) !== 0 ? d : namedAt[d - 1]!;
    chainAt[d] = operator === null ? chainAt[d - 1]! : chains.child(chainAt[d - 1]!, operator);
    // the function of an operator is the first user frame under it (reset at each operator)
    functionAt[d] = operator !== null ? -1 : functionAt[d - 1]! >= 0 ? functionAt[d - 1]! : user ? d : -1;
    const mask = signalMaskOf(id);
    const here = d * signalCount;
    const above = here - signalCount;
    for (let s = 0; s < signalCount; s++) {
      const outer = signalAt[above + s]!;
      const isSignal = ((mask >>> s) & 1) === 1;
      signalAt[here + s] = outer >= 0 ? outer : isSignal ? d : -1;
      const below = belowAt[above + s]!;
      belowAt[here + s] = below >= 0 ? below : outer >= 0 && !isSignal && (flags & NAMED) !== 0 ? d : -1;
    }

    const rowSelf = self[row]!;
    if (rowSelf > 0) {
      for (let s = 0; s < signalCount; s++) {
        const hotDepth = signalAt[here + s]!;
        if (hotDepth < 0) continue;
        const above = hotDepth - 1;
        addSite(SITE_SIGNALS[s]!, row, hotDepth, { user: userAt[above] ?? -1, fn: functionAt[above] ?? -1, blame: blameAt[above] ?? -1, caller: namedAt[above] ?? -1, below: belowAt[here + s]! }, d);
      }
      const codeDepth = leafIsClass ? d - 1 : d;
      addSite('self', row, d, { user: userAt[codeDepth] ?? -1, fn: functionAt[codeDepth] ?? -1, blame: blameAt[codeDepth] ?? -1, caller: namedAt[d - 1] ?? -1, below: -1 }, d);
      const fnDepth = functionAt[leafIsClass ? Math.max(0, d - 1) : d]!;
      if (fnDepth > 0) {
        const fn = nameId[path[fnDepth]!]!;
        const chain = chainAt[fnDepth]!;
        // chain ids stay far below 2^20 (one per distinct operator chain), name ids below 2^32
        const key = fn * 1048576 + chain;
        const seen = functions.get(key);
        if (seen === undefined) functions.set(key, { fn, chain, samples: rowSelf });
        else seen.samples += rowSelf;
      }
    }
    depth++;
  }

  const sites = keptGroups([...groups.values()].flat()).map((group) => toSite(group, table, chains, classes));
  const functionCosts: FunctionCost[] = [...functions.values()]
    .sort((a, b) => b.samples - a.samples || a.fn - b.fn)
    .slice(0, FUNCTION_COUNT)
    .map(({ fn, chain, samples }) => withOperator({ function: names[fn]!, samples }, chains.ref(chain)));
  return { sites, functions: functionCosts };
}

/** A 53-bit hash of a group's fields (small non-negative integers or -1): two 32-bit multiplicative lanes. */
function hashOf(kind: number, hot: number, caller: number, user: number, fn: number, blame: number, below: number, chain: number, task: number): number {
  let a = Math.imul(kind + 1, 0x01000193) ^ 0x811c9dc5;
  let b = Math.imul(task + 3, 0x5bd1e995);
  for (const value of [hot, caller, user, fn, blame, below, chain]) {
    a = Math.imul(a ^ (value + 1), 0x01000193);
    b = Math.imul(b ^ (value + 7), 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0) * 2097152 + ((b >>> 0) & 0x1fffff);
}

function withOperator<T extends object>(value: T, operator: OperatorRef | undefined): T & { operator?: OperatorRef } {
  return operator === undefined ? value : { ...value, operator };
}

/**
 * The hottest groups per kind, hottest first within a kind. For signals, sites on a task thread under
 * user code come first: idle pool threads parked by the hundred must not crowd out the one call a
 * function makes per record.
 */
function keptGroups(groups: Group[]): Group[] {
  const attributable = (group: Group): number => (group.kind !== 'self' && group.task && group.user >= 0 ? 1 : 0);
  groups.sort((a, b) => attributable(b) - attributable(a) || b.samples - a.samples || a.row - b.row);
  const perKind = new Map<SiteKind, number>();
  return groups.filter((group) => {
    const kept = perKind.get(group.kind) ?? 0;
    if (kept >= (group.kind === 'self' ? SELF_SITES : SITES_PER_SIGNAL)) return false;
    perKind.set(group.kind, kept + 1);
    return true;
  });
}

function toSite(group: Group, table: FrameTable, chains: ChainTable, classes: FrameClasses): CostSite {
  const { names } = table;
  const name = (id: number): string | undefined => (id >= 0 ? names[id] : undefined);
  const site: CostSite = { kind: group.kind, hotFrame: names[group.hot]!, samples: group.samples, task: group.task, path: sitePath(group, table, classes) };
  const caller = name(group.caller);
  if (caller !== undefined) site.caller = caller;
  const userFrame = name(group.user);
  if (userFrame !== undefined) site.userFrame = userFrame;
  const fn = name(group.fn);
  if (fn !== undefined) site.function = fn;
  const blame = name(group.blame);
  if (blame !== undefined) site.blame = blame;
  const below = name(group.below);
  if (below !== undefined) site.below = below;
  const operator = chains.ref(group.chain);
  if (operator !== undefined) site.operator = operator;
  return site;
}

/** The representative stack from the task entry (or the root) to the hot frame, pass-through runs folded. */
function sitePath(group: Group, table: FrameTable, classes: FrameClasses): string[] {
  const rows: number[] = [];
  for (let at = group.row; table.parent[at]! >= 0; at = table.parent[at]!) rows.push(at);
  rows.reverse();
  const from = Math.max(0, group.taskDepth - 1);
  const chosen = rows.slice(from, group.hotDepth);
  const out: string[] = [];
  chosen.forEach((row, index) => {
    const id = table.nameId[row]!;
    const flags = classes.kindOf(id, table.type[row]!);
    const name = table.names[id]!;
    const keep = index === 0 || index >= chosen.length - 2 || (flags & (USER | MEANINGFUL)) !== 0 || classes.operatorKind(id) !== null;
    // a bridge method and its target show the same name twice: once is enough
    if (keep && out.at(-1) !== name) out.push(name);
    else if (!keep && out.at(-1) !== '…') out.push('…');
  });
  if (out.length <= PATH_MAX) return out;
  return [out[0]!, '…', ...out.slice(out.length - (PATH_MAX - 2))];
}

/** Operator chains seen on stacks, interned: id 0 is "no operator above". */
class ChainTable {
  readonly #kinds: string[][] = [[]];
  readonly #ids = new Map<string, number>();

  child(parentId: number, kind: string): number {
    const key = `${parentId}|${kind}`;
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.#kinds.length;
      this.#kinds.push([...this.#kinds[parentId]!, kind]);
      this.#ids.set(key, id);
    }
    return id;
  }

  ref(id: number): OperatorRef | undefined {
    const kinds = this.#kinds[id]!;
    if (kinds.length === 0) return undefined;
    return { kind: kinds.at(-1)!, index: kinds.length - 1, head: kinds[0]! };
  }
}
