// Flags win over the old in-cluster Job's environment variables, which win over defaults.
// Pure: the same argv and env always give the same settings.
import { usableSearchDir } from '../artifacts/pod-paths.ts';
import { UsageError } from '../errors.ts';
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
  const value = text === undefined ? 60 : text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isInteger(value) || value < 1) {
    const source = flag === undefined && fromEnv !== undefined ? ' (from PROFILER_DURATION)' : '';
    throw new UsageError(`--duration must be a whole number of seconds of at least 1, got "${flag ?? fromEnv}"${source}`, 'pass e.g. --duration 30');
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

export function resolveDeploymentName(positional: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return positional ?? (env.FLINK_DEPLOYMENT_NAME || undefined);
}
