// Flags win over the old in-cluster Job's environment variables, which win over defaults.
// Pure: the same argv and env always give the same settings.
import { usableSearchDir } from '../artifacts/pod-paths.ts';
import { UsageError } from '../errors.ts';
import { quoted } from '../text/visible.ts';
import { parseDeploymentRef } from '../workflow/resolve-deployment.ts';
import { parseDecimalInteger } from './options.ts';
import { PROFILING_MODES, type ProfilingMode } from '../flamegraph/types.ts';

export const DEFAULT_SEARCH_DIRS = ['/tmp', '/opt/flink/log', '/opt/flink'];

export function resolveMode(flag: string | undefined, env: NodeJS.ProcessEnv): ProfilingMode {
  const raw = flag ?? env.PROFILER_TYPE ?? 'ITIMER';
  const mode = raw.trim().toUpperCase();
  if (!(PROFILING_MODES as readonly string[]).includes(mode)) {
    const source = flag === undefined ? ` (from PROFILER_TYPE)` : '';
    throw new UsageError(`unknown profiling type "${raw}"${source}`, `use one of ${PROFILING_MODES.join(', ')} (ITIMER works in every container)`);
  }
  return mode as ProfilingMode;
}

export function resolveDuration(flag: string | undefined, env: NodeJS.ProcessEnv): number {
  const fromEnv = env.PROFILER_DURATION;
  const text = flag ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined);
  const value = text === undefined ? 60 : parseDecimalInteger(text);
  if (value === undefined || value < 1) {
    const source = flag === undefined && fromEnv !== undefined ? ' (from PROFILER_DURATION)' : '';
    throw new UsageError(`--duration must be a whole number of seconds of at least 1, got ${quoted(text ?? '')}${source}`, 'pass plain digits, e.g. --duration 30');
  }
  return value;
}

export function resolveSearchDirs(flag: string | undefined, env: NodeJS.ProcessEnv): string[] {
  const raw = flag ?? env.PROFILER_OUTPUT_DIR;
  if (raw === undefined || raw.trim() === '') return DEFAULT_SEARCH_DIRS;
  return raw.split(/[\s,]+/).filter(Boolean).map((d) => {
    const dir = usableSearchDir(d);
    if (dir === undefined) throw new UsageError(`search dir ${JSON.stringify(d)} must be an absolute path inside the pod`, 'e.g. --search-dirs "/tmp /opt/flink/log"');
    return dir;
  });
}

/** The deployment from the argument or FLINK_DEPLOYMENT_NAME, checked as a Kubernetes name before any call. */
export function resolveDeploymentName(positional: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const name = positional ?? (env.FLINK_DEPLOYMENT_NAME || undefined);
  if (name !== undefined) parseDeploymentRef(name);
  return name;
}

/** A folder to write into: an empty value would silently mean the current folder. */
export function resolveOutputDir(flag: string | undefined, fallback: string): string {
  if (flag === undefined) return fallback;
  if (flag.trim() === '') throw new UsageError('--output-dir is empty', 'name a folder, e.g. --output-dir ./squirrly-artifacts (or leave the flag out)');
  return flag;
}
