// Typed errors shared by every layer. Only the CLI turns them into an exit code.

/** The exit codes the CLI documents. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  analysisFailed: 3,
  /** a push to a profile store failed; the local artifacts are kept */
  pushFailed: 4,
  /** SIGINT (Ctrl-C): 128 + 2, as shells report it */
  interrupted: 130,
  /** SIGTERM: 128 + 15 */
  terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error the user can act on: `message` says what is wrong (one line),
 * `hint` says how to fix it (one line, optional), `exitCode` is what the CLI exits with.
 */
export class SquirrlyError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: ExitCode;
  constructor(message: string, options: { hint?: string; exitCode?: ExitCode; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SquirrlyError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.failure;
  }
}

/** Bad flags or arguments: exit 2. */
export class UsageError extends SquirrlyError {
  constructor(message: string, hint?: string) {
    super(message, hint === undefined ? { exitCode: ExitCode.usage } : { hint, exitCode: ExitCode.usage });
    this.name = 'UsageError';
  }
}

/** The user pressed Ctrl-C (exit 130) or the process got SIGTERM (main.ts makes that 143). */
export class InterruptedError extends SquirrlyError {
  constructor(message = 'interrupted', hint?: string) {
    super(message, hint === undefined ? { exitCode: ExitCode.interrupted } : { hint, exitCode: ExitCode.interrupted });
    this.name = 'InterruptedError';
  }
}

/**
 * A network error as one line: fetch wraps the useful part ("ECONNREFUSED") in causes,
 * so walk a few levels and keep the codes and first lines.
 */
export function describeCause(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 4; depth++) {
    const e = cur as { message?: unknown; code?: unknown; cause?: unknown };
    if (typeof e.code === 'string') parts.push(e.code);
    else if (typeof e.message === 'string' && e.message) parts.push(e.message.split('\n')[0]!);
    cur = e.cause;
  }
  return [...new Set(parts)].join(': ') || String(err);
}

/** Why one item of a batch failed, with the fix when the error carries one. */
export interface Failure {
  message: string;
  hint?: string;
}

export function failureOf(err: unknown): Failure {
  const message = err instanceof Error ? err.message : String(err);
  return err instanceof SquirrlyError && err.hint ? { message, hint: err.hint } : { message };
}
