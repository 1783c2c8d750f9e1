// One process's profiler, as Flink's ProfilingService runs it: one run at a time, a history
// newest first, the flame graph written when the run stops, old runs and their files dropped
// beyond the history size.
import { lstat, readFile, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ProfilingMode } from '../../../src/flamegraph/types.ts';
import { profileFlameGraph } from './flamegraph-writer.ts';
import { fileTimestamp, type SimClock } from './sim-clock.ts';
import type { ProcessRole } from './stack-model.ts';

/** As Flink 1.20 / 2.x serialise it: null fields are written as null, and `profilingMode` repeats `mode`. */
export interface ProfilingInfo {
  status: 'RUNNING' | 'FINISHED' | 'FAILED';
  mode: ProfilingMode | null;
  triggerTime: number;
  finishedTime: number | null;
  duration: number;
  message: string | null;
  outputFile: string | null;
  profilingMode: ProfilingMode | null;
}

/** What async-profiler answers when a mode cannot start on the host. */
const START_FAILURES: Record<ProfilingMode, string> = {
  CPU: "java.lang.IllegalStateException: No access to perf events. Try --fdtransfer or --all-user option or 'sysctl kernel.perf_event_paranoid=1'",
  ALLOC: 'java.lang.IllegalStateException: No AllocTracer symbols found. Are JDK debug symbols installed?',
  ITIMER: 'java.lang.IllegalStateException: Could not set itimer: Operation not permitted',
  WALL: 'java.lang.IllegalStateException: Could not set timer: Operation not permitted',
  LOCK: 'java.lang.IllegalStateException: Could not enable JVMTI events for lock profiling',
};

const NULL_MODE_FAILURE =
  'java.lang.NullPointerException: Cannot invoke "org.apache.flink.runtime.rest.messages.ProfilingInfo$ProfilingMode.getCode()" because the return value of "org.apache.flink.runtime.rest.messages.ProfilingInfo.getProfilingMode()" is null';

export class ProfilerBusyError extends Error {}

interface Run {
  info: ProfilingInfo;
  /** the file's name on disk, which differs from `info.outputFile` only for hostile names */
  diskFile: string | null;
}

export interface ProfilingServiceOptions {
  /** 'JobManager' or the TaskManager's resource id */
  resourceId: string;
  role: ProcessRole;
  dir: string;
  historySize: number;
  failingModes: ProfilingMode[];
  /** modes whose runs record no samples (e.g. LOCK without contention) */
  emptyModes?: ProfilingMode[];
  clock: SimClock;
}

export class ProfilingService {
  readonly resourceId: string;
  private readonly options: ProfilingServiceOptions;
  private readonly history: Run[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  private closed = false;

  constructor(options: ProfilingServiceOptions) {
    this.options = options;
    this.resourceId = options.resourceId;
  }

  list(): ProfilingInfo[] {
    return this.history.map((run) => ({ ...run.info }));
  }

  /** Starts a run; throws ProfilerBusyError while one is active. A run that cannot start ends FAILED at once. */
  start(mode: ProfilingMode | null, duration: number, hostileOutputFile?: string, page?: string): ProfilingInfo {
    if (this.timer !== undefined || this.stopping !== undefined) {
      throw new ProfilerBusyError(`${this.resourceId} is still under profiling.`);
    }
    const { clock } = this.options;
    const run: Run = {
      info: { status: 'RUNNING', mode, triggerTime: clock.now(), finishedTime: null, duration, message: null, outputFile: null, profilingMode: mode },
      diskFile: null,
    };
    this.history.unshift(run);
    const failure = mode === null ? NULL_MODE_FAILURE : this.options.failingModes.includes(mode) ? START_FAILURES[mode] : undefined;
    if (failure !== undefined || mode === null) {
      this.fail(run, `Start profiler failed. ${failure}`);
      return { ...run.info };
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.stopping = this.finish(run, mode, hostileOutputFile, page).finally(() => {
        this.stopping = undefined;
      });
    }, clock.realDelayMs(duration));
    return { ...run.info };
  }

  /** The file a download of `fileName` reads: only its last path segment counts, like Flink. */
  async readResult(fileName: string): Promise<Buffer | undefined> {
    const name = basename(fileName);
    if (name === '' || name === '.' || name === '..') return undefined;
    const path = join(this.options.dir, name);
    try {
      if (!(await lstat(path)).isFile()) return undefined;
      return await readFile(path);
    } catch {
      return undefined;
    }
  }

  /** Cancels a pending run and waits for a stop in progress; the history stays as it is. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.stopping;
  }

  private fail(run: Run, message: string): void {
    run.info.status = 'FAILED';
    run.info.finishedTime = this.options.clock.now();
    run.info.message = message;
  }

  private async finish(run: Run, mode: ProfilingMode, hostileOutputFile: string | undefined, page: string | undefined): Promise<void> {
    const { clock, dir, role, historySize } = this.options;
    const fileName = `${this.resourceId}_${mode}_${fileTimestamp(clock.now())}.html`;
    const diskFile = hostileOutputFile === undefined ? fileName : safeFileName(hostileOutputFile, fileName);
    const noSamples = this.options.emptyModes?.includes(mode) === true;
    const html = page ?? profileFlameGraph({ role, mode, seed: this.resourceId, durationSeconds: run.info.duration, noSamples });
    try {
      await writeFile(join(dir, diskFile), html);
    } catch (error) {
      this.fail(run, `Stop profiler failed. java.lang.IllegalStateException: ${(error as Error).message}`);
      return;
    }
    if (this.closed) return;
    run.diskFile = diskFile;
    run.info.status = 'FINISHED';
    run.info.finishedTime = clock.now();
    run.info.message = 'Profiling Successful';
    run.info.outputFile = hostileOutputFile ?? fileName;
    await this.dropOldRuns(historySize);
  }

  private async dropOldRuns(historySize: number): Promise<void> {
    while (this.history.length > historySize) {
      const dropped = this.history.pop();
      const file = dropped?.diskFile;
      // two runs can share a name only through a hostile-name fault; keep the file a kept run shows
      if (file == null || this.history.some((run) => run.diskFile === file)) continue;
      await unlink(join(this.options.dir, file)).catch(() => undefined);
    }
  }
}

/**
 * Where a run with a hostile output file name is really written: its last path segment with
 * control characters replaced and the length capped, so nothing lands outside the folder.
 */
export function safeFileName(hostile: string, fallback: string): string {
  const cleaned = basename(hostile).replace(/[\u0000-\u001f\u007f-\u009f]/g, '_').slice(0, 200);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? fallback : cleaned;
}
