// Two runs compared: what grew, what shrank, what appeared and what is gone, the Flink-aware
// category and signal shares side by side, which builtin findings went away or came, and what
// the deployment changed between them. Pure: it works on what the workflow read.
//
// Each side is normalised per target (samples ÷ TaskManagers) and, when both runs' lengths are
// known, per second, so a 30 s run of 2 TaskManagers compares fairly with a 60 s run of 4.
import type { NameCost } from '../flamegraph/name-costs.ts';
import type { Category, ProfileSummary, ProfilingMode, SignalId } from '../flamegraph/types.ts';
import type { DeploymentRecord } from '../flink/job-metrics.ts';
import { UsageError } from '../errors.ts';
import type { Finding, Severity } from './provider.ts';

export interface DiffSide {
  /** what the user named: a file, several, or a run folder */
  label: string;
  files: string[];
  summaries: ProfileSummary[];
  /** per frame name, summed over the side's targets */
  costs: Map<string, NameCost>;
  totalSamples: number;
  /** the run's length, when known (the job metrics' window or the run's record) */
  seconds?: number;
  findings: Finding[];
  run?: RunRecord;
}

/** What a run ran against: its recorded deployment, and the Flink version and vertex parallelism its job metrics show. */
export interface RunRecord extends DeploymentRecord {
  flinkVersion?: string;
  /** per job-graph vertex: its parallelism */
  vertices?: Record<string, number>;
}

export type DiffUnit = 'samples/s per target' | 'samples per target';

export interface FunctionChange {
  name: string;
  base: number;
  new: number;
  delta: number;
  /** new ÷ base − 1; null when the function was not in BASE */
  relative: number | null;
  /** share of each side's samples, in percent */
  basePercent: number;
  newPercent: number;
}

export interface ShareChange<K extends string> {
  key: K;
  basePercent: number;
  newPercent: number;
}

export interface RunChange {
  what: string;
  from: string;
  to: string;
}

export interface ProfileDiff {
  mode: ProfilingMode | 'UNKNOWN';
  unit: DiffUnit;
  base: SideInfo;
  new: SideInfo;
  self: { grew: FunctionChange[]; shrank: FunctionChange[] };
  total: { grew: FunctionChange[]; shrank: FunctionChange[] };
  /** frames seen only in NEW (by total), and only in BASE */
  appeared: FunctionChange[];
  vanished: FunctionChange[];
  categories: Array<ShareChange<Category>>;
  signals: Array<ShareChange<SignalId>>;
  findings: { fixed: FindingRef[]; introduced: FindingRef[]; persisting: Array<FindingRef & { newSeverity: Severity }> };
  runChanges: RunChange[];
}

export interface SideInfo {
  label: string;
  files: string[];
  targets: number;
  totalSamples: number;
  seconds: number | null;
  /** samples per target (per second when `seconds` is known) */
  rate: number;
}

export interface FindingRef {
  id: string;
  severity: Severity;
  title: string;
}

/** functions listed per ranking */
export const DIFF_TOP = 15;
/** a change smaller than this share of the larger side's samples is noise, not a change */
const MIN_SHARE_CHANGE = 0.002;

/** Two modes count different things (CPU time, allocations, lock waits): they never compare. */
function modeMismatch(what: string, a: string, b: string): UsageError {
  return new UsageError(`${what} mixes a ${a} and a ${b} profile; a diff compares one mode with itself`, `compare ${a} with ${a}: profile again with --type ${a}, or pick the ${a} files`);
}

export function diffProfiles(base: DiffSide, next: DiffSide): ProfileDiff {
  const mode = sideMode(base);
  const newMode = sideMode(next);
  if (mode !== newMode && mode !== 'UNKNOWN' && newMode !== 'UNKNOWN') throw modeMismatch('the comparison', mode, newMode);
  const perSecond = base.seconds !== undefined && next.seconds !== undefined && base.seconds > 0 && next.seconds > 0;
  const scale = (side: DiffSide): number => 1 / (Math.max(1, side.summaries.length) * (perSecond ? side.seconds! : 1));
  const baseScale = scale(base);
  const newScale = scale(next);

  const names = new Set([...base.costs.keys(), ...next.costs.keys()]);
  const changes = (pick: (cost: NameCost) => number): FunctionChange[] => {
    const out: FunctionChange[] = [];
    for (const name of names) {
      const b = pick(base.costs.get(name) ?? NO_COST);
      const n = pick(next.costs.get(name) ?? NO_COST);
      if (b === 0 && n === 0) continue;
      const bRate = b * baseScale;
      const nRate = n * newScale;
      out.push({
        name,
        base: round(bRate),
        new: round(nRate),
        delta: round(nRate - bRate),
        relative: b === 0 ? null : round(nRate / bRate - 1),
        basePercent: percent(b, base.totalSamples),
        newPercent: percent(n, next.totalSamples),
      });
    }
    return out;
  };
  // a change counts when its share moved by more than noise on either side
  const moved = (c: FunctionChange): boolean => Math.abs(c.newPercent - c.basePercent) >= MIN_SHARE_CHANGE * 100;
  const ranked = (list: FunctionChange[]) => ({
    grew: list.filter((c) => c.delta > 0 && moved(c)).sort((a, b) => b.delta - a.delta || a.name.localeCompare(b.name)).slice(0, DIFF_TOP),
    shrank: list.filter((c) => c.delta < 0 && moved(c)).sort((a, b) => a.delta - b.delta || a.name.localeCompare(b.name)).slice(0, DIFF_TOP),
  });
  const selfChanges = changes((c) => c.self);
  const totalChanges = changes((c) => c.total);

  return {
    mode: mode === 'UNKNOWN' ? newMode : mode,
    unit: perSecond ? 'samples/s per target' : 'samples per target',
    base: sideInfo(base, perSecond),
    new: sideInfo(next, perSecond),
    self: ranked(selfChanges),
    total: ranked(totalChanges),
    appeared: totalChanges.filter((c) => c.base === 0 && moved(c)).sort((a, b) => b.new - a.new || a.name.localeCompare(b.name)).slice(0, DIFF_TOP),
    vanished: totalChanges.filter((c) => c.new === 0 && moved(c)).sort((a, b) => b.base - a.base || a.name.localeCompare(b.name)).slice(0, DIFF_TOP),
    categories: shareChanges(base, next, (s) => Object.entries(s.categories) as Array<[Category, number]>),
    signals: shareChanges(base, next, (s) => Object.entries(s.signals ?? {}).map(([id, share]): [SignalId, number] => [id as SignalId, share.percent])),
    findings: findingChanges(base.findings, next.findings),
    runChanges: runChanges(base.run, next.run),
  };
}

const NO_COST: NameCost = { self: 0, total: 0 };

function sideMode(side: DiffSide): ProfilingMode | 'UNKNOWN' {
  const modes = new Set(side.summaries.map((s) => s.mode).filter((m) => m !== 'UNKNOWN'));
  if (modes.size > 1) throw modeMismatch(side.label, [...modes][0]!, [...modes][1]!);
  return [...modes][0] ?? 'UNKNOWN';
}

function sideInfo(side: DiffSide, perSecond: boolean): SideInfo {
  const targets = Math.max(1, side.summaries.length);
  return {
    label: side.label,
    files: side.files,
    targets,
    totalSamples: side.totalSamples,
    seconds: side.seconds ?? null,
    rate: round(side.totalSamples / targets / (perSecond ? side.seconds! : 1)),
  };
}

/** Shares weighted by each target's samples, so a side's share is of all its samples. */
function shareChanges<K extends string>(base: DiffSide, next: DiffSide, entries: (s: ProfileSummary) => Array<[K, number]>): Array<ShareChange<K>> {
  const weighted = (side: DiffSide): Map<K, number> => {
    const out = new Map<K, number>();
    for (const s of side.summaries) {
      for (const [key, pct] of entries(s)) out.set(key, (out.get(key) ?? 0) + (pct * s.totalSamples) / Math.max(1, side.totalSamples));
    }
    return out;
  };
  const b = weighted(base);
  const n = weighted(next);
  const keys = [...new Set([...b.keys(), ...n.keys()])];
  return keys
    .map((key) => ({ key, basePercent: round(b.get(key) ?? 0, 1), newPercent: round(n.get(key) ?? 0, 1) }))
    .filter((c) => c.basePercent > 0 || c.newPercent > 0)
    .sort((x, y) => Math.max(y.basePercent, y.newPercent) - Math.max(x.basePercent, x.newPercent) || x.key.localeCompare(y.key));
}

/** Findings that matter (not the per-target overviews), matched by rule id. */
function findingChanges(base: Finding[], next: Finding[]): ProfileDiff['findings'] {
  const significant = (list: Finding[]) => new Map(list.filter((f) => f.severity !== 'info').map((f) => [f.id, f] as const));
  const b = significant(base);
  const n = significant(next);
  const ref = (f: Finding): FindingRef => ({ id: f.id, severity: f.severity, title: f.title });
  return {
    fixed: [...b.values()].filter((f) => !n.has(f.id)).map(ref),
    introduced: [...n.values()].filter((f) => !b.has(f.id)).map(ref),
    persisting: [...b.values()].filter((f) => n.has(f.id)).map((f) => ({ ...ref(f), newSeverity: n.get(f.id)!.severity })),
  };
}

function runChanges(base: RunRecord | undefined, next: RunRecord | undefined): RunChange[] {
  if (base === undefined || next === undefined) return [];
  const out: RunChange[] = [];
  const add = (what: string, from: unknown, to: unknown): void => {
    if (from === to || (from === undefined && to === undefined)) return;
    out.push({ what, from: from === undefined ? '(unset)' : String(from), to: to === undefined ? '(unset)' : String(to) });
  };
  add('Flink version', base.flinkVersion, next.flinkVersion);
  add('parallelism', base.parallelism, next.parallelism);
  const vertices = new Set([...Object.keys(base.vertices ?? {}), ...Object.keys(next.vertices ?? {})]);
  for (const v of [...vertices].sort()) add(`parallelism of ${v}`, base.vertices?.[v], next.vertices?.[v]);
  const keys = new Set([...Object.keys(base.configuration ?? {}), ...Object.keys(next.configuration ?? {})]);
  for (const key of [...keys].sort()) add(key, base.configuration?.[key], next.configuration?.[key]);
  if (base.generation !== undefined && next.generation !== undefined && base.generation !== next.generation) {
    const listed = out.length > 0;
    add('FlinkDeployment generation', base.generation, next.generation);
    // the spec changed in a way the recorded fields do not show
    if (!listed && base.configurationHash === next.configurationHash) out.push({ what: 'spec', from: 'generation ' + base.generation, to: 'generation ' + next.generation + ' (outside flinkConfiguration and parallelism)' });
  }
  return out;
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : round((part / whole) * 100, 2);
}

function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
