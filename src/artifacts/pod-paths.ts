// Folders inside a pod that may reach an exec argv: the one policy for --search-dirs,
// PROFILER_OUTPUT_DIR and the cluster's rest.profiling.dir.
import path from 'node:path';

/** Absolute, normalised, no "..", no control characters; undefined when the dir is not usable. */
export function usableSearchDir(dir: string): string | undefined {
  if (!dir.startsWith('/') || dir.split('/').includes('..') || /[\u0000-\u001f]/.test(dir)) return undefined;
  const normal = path.posix.normalize(dir);
  return normal.length > 1 ? normal.replace(/\/+$/, '') : normal;
}
