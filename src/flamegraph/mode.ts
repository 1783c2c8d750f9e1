// Which profiling mode produced a flame graph. Flink's file name says it exactly
// (`<resourceId>_<MODE>_<yyyy-MM-dd_HH_mm_ss>.html`); the page title only tells CPU-like modes apart
// from the others, because CPU and ITIMER both print "CPU profile".
import { PROFILING_MODES, type ProfilingMode } from './types.ts';

const FLINK_FILE_NAME = /_([A-Z]+)_\d{4}-\d{2}-\d{2}_\d{2}_\d{2}_\d{2}\.html$/;

/** The mode embedded in a Flink profiler file name, or undefined when the name is not Flink's. */
export function modeFromFileName(fileName: string): ProfilingMode | undefined {
  const baseName = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const match = FLINK_FILE_NAME.exec(baseName);
  return PROFILING_MODES.find((mode) => mode === match?.[1]);
}

const TITLE_MODES: ReadonlyArray<[RegExp, ProfilingMode]> = [
  [/^allocation profile/i, 'ALLOC'],
  [/^lock profile/i, 'LOCK'],
  [/^wall clock profile/i, 'WALL'],
  // ITIMER writes the same title; CPU is the closer guess for what the samples mean.
  [/^cpu profile/i, 'CPU'],
];

/** The mode suggested by async-profiler's default page title, or undefined for custom titles. */
export function modeFromTitle(title: string): ProfilingMode | undefined {
  return TITLE_MODES.find(([pattern]) => pattern.test(title.trim()))?.[1];
}
