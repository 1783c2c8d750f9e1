// What each side of a diff is: flame graph files as given, or a folder `profile` wrote, read as
// its newest run (the files of one mode triggered within a minute of the newest). Reads nothing
// but names and dates.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { modeFromFileName } from '../flamegraph/mode.ts';

/** Files of one run are triggered together: their stamps lie this close to the newest. */
const SAME_RUN_SECONDS = 60;
const STAMP = /_([A-Z]+)_(\d{4})-(\d{2})-(\d{2})_(\d{2})_(\d{2})_(\d{2})\.html$/;

export interface ResolvedSide {
  label: string;
  files: string[];
  /** set when the side was a folder: which run in it was taken */
  run?: { mode: string; stamp: string; skipped: number };
}

export async function resolveSide(what: 'BASE' | 'NEW', paths: readonly string[]): Promise<ResolvedSide> {
  if (paths.length === 0) throw new UsageError(`no ${what} given`, 'usage: kubectl squirrly diff BASE NEW (each a flame graph, or a folder profile wrote)');
  const files: string[] = [];
  let run: ResolvedSide['run'];
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (info === undefined) throw new UsageError(`${what} ${p} does not exist`, 'pass a flame graph .html file, or a folder profile wrote');
    if (!info.isDirectory()) {
      files.push(p);
      continue;
    }
    const newest = await newestRun(p);
    if (newest === undefined) throw new UsageError(`${what} folder ${p} holds no flame graphs`, 'pass the folder profile wrote (<output-dir>/<namespace>/<deployment>), or the .html files themselves');
    files.push(...newest.files);
    run = newest.run;
  }
  return { label: paths.join(' '), files, ...(run ? { run } : {}) };
}

/** The newest run in a folder: Flink-named flame graphs of its mode, stamped within a minute of it. */
async function newestRun(dir: string): Promise<{ files: string[]; run: NonNullable<ResolvedSide['run']> } | undefined> {
  const names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith('.html'));
  const stamped = names.flatMap((name) => {
    const m = STAMP.exec(name);
    if (!m || !modeFromFileName(name)) return [];
    const [, mode, y, mo, d, h, mi, s] = m;
    return [{ name, mode: mode!, at: Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!), stamp: `${y}-${mo}-${d} ${h}:${mi}:${s}` }];
  });
  if (stamped.length === 0) {
    // not Flink's names: every flame graph in the folder is one side
    return names.length === 0 ? undefined : { files: names.sort().map((n) => path.join(dir, n)), run: { mode: 'UNKNOWN', stamp: '', skipped: 0 } };
  }
  stamped.sort((a, b) => b.at - a.at || a.name.localeCompare(b.name));
  const newest = stamped[0]!;
  const chosen = stamped.filter((f) => f.mode === newest.mode && newest.at - f.at <= SAME_RUN_SECONDS * 1000);
  return {
    files: chosen.map((f) => path.join(dir, f.name)).sort(),
    run: { mode: newest.mode, stamp: newest.stamp, skipped: names.length - chosen.length },
  };
}
