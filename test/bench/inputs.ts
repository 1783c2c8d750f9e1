// The flame graphs the parsing and analysis benches run on: every real fixture and synthetic ones of chosen sizes.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeSyntheticFlameGraph } from '../sim/flink/synthetic-flamegraph.ts';
import { MB, repoRoot } from './common.ts';

export const fixtureDir = path.join(repoRoot, 'test', 'fixtures', 'flamegraphs');

export interface BenchInput {
  name: string;
  file: string;
  bytes: number;
  synthetic: boolean;
}

export function fixtureInputs(limit?: number): BenchInput[] {
  const names = readdirSync(fixtureDir).filter((f) => f.endsWith('.html')).sort();
  // the smoke run takes one real capture
  const chosen = limit === undefined ? names : names.filter((n) => n.startsWith('real-')).slice(0, limit);
  return chosen.map((name) => {
    const file = path.join(fixtureDir, name);
    return { name, file, bytes: statSync(file).size, synthetic: false };
  });
}

/** Writes synthetic flame graphs into `dir`. Named with the ITIMER mode, like Flink's own files. */
export async function syntheticInputs(dir: string, megabytes: readonly number[]): Promise<BenchInput[]> {
  const out: BenchInput[] = [];
  for (const mb of megabytes) {
    const name = `synthetic-${mb}MB_ITIMER.html`;
    const file = path.join(dir, name);
    await writeSyntheticFlameGraph(file, { approxBytes: mb * MB });
    out.push({ name, file, bytes: statSync(file).size, synthetic: true });
  }
  return out;
}
