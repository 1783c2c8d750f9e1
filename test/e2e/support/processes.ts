// Starts helper processes (Flink JVMs, submitters) so that none outlives the test:
// each runs in its own process group under a bash guard that kills it when this node process
// disappears (even on SIGKILL), and an 'exit' hook kills every group still registered.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, existsSync } from 'node:fs';

export interface GroupProcess {
  name: string;
  pid: number;
  logFile: string;
  /** resolves with the exit code (or signal name) once the process group leader is gone */
  exited: Promise<number | string>;
  hasExited(): boolean;
  /** SIGTERM to the group, SIGKILL after graceMs; resolves when the leader has exited */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<number>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const pgid of live) killGroup(pgid, 'SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const pgid of live) killGroup(pgid, 'SIGKILL');
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

// The guard polls this node process and the child; whichever goes first ends the other.
const GUARD = `
"$@" &
child=$!
trap 'kill -TERM $child 2>/dev/null' TERM
while kill -0 "$SQUIRRLY_PARENT_PID" 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1 & wait $!; done
if kill -0 $child 2>/dev/null; then kill -KILL $child 2>/dev/null; fi
wait $child
`;

/** Runs argv[0] with argv[1..] in a new process group; stdout and stderr go to logFile. */
export function startGroup(
  name: string,
  argv: string[],
  opts: { logFile: string; cwd?: string; env?: NodeJS.ProcessEnv },
): GroupProcess {
  hookExit();
  const fd = openSync(opts.logFile, 'a');
  const child = spawn('bash', ['-c', GUARD, 'guard', ...argv], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env, SQUIRRLY_PARENT_PID: String(process.pid) },
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  const pid = child.pid;
  live.add(pid);
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      done = true;
      // the leader is gone; anything left in its group goes too
      killGroup(pid, 'SIGKILL');
      live.delete(pid);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  return {
    name,
    pid,
    logFile: opts.logFile,
    exited,
    hasExited: () => done,
    async stop(graceMs = 5000) {
      if (done) return;
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The last `lines` lines of a log file, for failure messages. */
export function tail(file: string, lines = 40): string {
  if (!existsSync(file)) return `(no log at ${file})`;
  const all = readFileSync(file, 'utf8').split('\n');
  return all.slice(-lines).join('\n');
}
