// Reads a V8 .cpuprofile (node --cpu-prof) and names the hot spots: self time per function, and
// inclusive time per function of the plugin's own sources (src/), with paths relative to the repo.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './common.ts';

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: CpuNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  fn: string;
  where: string;
  ms: number;
  percent: number;
}

export interface ProfileReport {
  totalMs: number;
  /** sampled time minus (idle); the percentages are of this */
  busyMs: number;
  /** self time by function, any code */
  self: HotSpot[];
  /** inclusive time by function of src/ */
  srcInclusive: HotSpot[];
  /** self time by area: src/<file>, node_modules/<package>, node internals, GC, idle */
  areas: HotSpot[];
}

function relativeUrl(url: string): string {
  if (url === '') return '';
  let file = url;
  if (url.startsWith('file://')) {
    try {
      file = fileURLToPath(url);
    } catch {
      return url;
    }
  }
  if (path.isAbsolute(file)) {
    const rel = path.relative(repoRoot, file);
    return rel.startsWith('..') ? path.basename(file) : rel;
  }
  return file;
}

function areaOf(node: CpuNode): string {
  const url = relativeUrl(node.callFrame.url);
  const fn = node.callFrame.functionName;
  if (url === '') return fn.startsWith('(') ? fn : '(native/vm)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (modules) return `node_modules/${modules[1]}`;
  return url;
}

function top(map: Map<string, number>, totalMs: number, n: number): HotSpot[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([key, ms]) => {
      const [fn = '', where = ''] = key.split('\u0000');
      return { fn, where, ms: Math.round(ms), percent: Math.round((ms / totalMs) * 1000) / 10 };
    });
}

export function analyzeCpuProfile(file: string, n = 8): ProfileReport {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalMs = 0;
  for (const [i, id] of profile.samples.entries()) {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    const node = byId.get(id);
    if (node === undefined) continue;
    const where = `${relativeUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
    const key = `${node.callFrame.functionName || '(anonymous)'}\u0000${where}`;
    self.set(key, (self.get(key) ?? 0) + ms);
    const area = areaOf(node);
    areas.set(`${area}\u0000`, (areas.get(`${area}\u0000`) ?? 0) + ms);
    const seen = new Set<string>();
    for (let cur: CpuNode | undefined = node; cur !== undefined; cur = byId.get(parent.get(cur.id) ?? -1)) {
      const url = relativeUrl(cur.callFrame.url);
      if (!url.startsWith('src/')) continue;
      const k = `${cur.callFrame.functionName || '(anonymous)'}\u0000${url}:${cur.callFrame.lineNumber + 1}`;
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    }
  }
  const idle = [...self].filter(([k]) => k.startsWith('(idle)')).reduce((sum, [, ms]) => sum + ms, 0);
  const busy = Math.max(1, totalMs - idle);
  for (const map of [self, areas]) for (const k of [...map.keys()]) if (k.startsWith('(idle)')) map.delete(k);
  return { totalMs: Math.round(totalMs), busyMs: Math.round(busy), self: top(self, busy, n), srcInclusive: top(inclusive, busy, n), areas: top(areas, busy, n) };
}
