// A request deadline that restarts whenever bytes arrive: it bounds the wait for an answer and
// every silence inside a stream, never the length of a transfer that keeps flowing. It remembers
// which wait ran out, so the error can say where the time went.

/** Node fires a timer longer than this at once instead of never. */
export const LONGEST_TIMER_MS = 2 ** 31 - 1;

export type DeadlinePhase = 'answer' | 'body';

export class IdleDeadline {
  readonly ms: number;
  /** aborts when the deadline passes or the parent signal aborts */
  readonly signal: AbortSignal;
  readonly #controller = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #phase: DeadlinePhase = 'answer';
  #expired: DeadlinePhase | undefined;
  #bytes = 0;
  readonly #idle: boolean;

  /**
   * `idle: false` makes it one deadline for the whole answer, headers and body (a small JSON
   * answer has no business trickling); the default restarts the clock on every chunk.
   */
  constructor(ms: number, options: { parent?: AbortSignal; idle?: boolean } = {}) {
    this.ms = Math.min(Math.max(1, Math.round(ms)), LONGEST_TIMER_MS);
    this.#idle = options.idle ?? true;
    this.signal = options.parent ? AbortSignal.any([options.parent, this.#controller.signal]) : this.#controller.signal;
    this.#arm();
  }

  /** The answer's headers came: from now on only silences count. */
  answered(): void {
    this.#phase = 'body';
    if (this.#idle) this.#arm();
  }

  /** Bytes came: the clock starts again. */
  progress(bytes: number): void {
    this.#bytes += bytes;
    if (this.#idle) this.#arm();
  }

  /** Which wait ran out, if one did: 'answer' (no headers) or 'body' (a silence inside the body). */
  get expired(): DeadlinePhase | undefined {
    return this.#expired;
  }

  /** body bytes seen so far, for messages */
  get bytes(): number {
    return this.#bytes;
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    if (this.#expired !== undefined || this.signal.aborted) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#expired = this.#phase;
      this.#controller.abort(new DOMException(`no ${this.#phase === 'answer' ? 'answer' : 'bytes'} within ${this.ms} ms`, 'TimeoutError'));
    }, this.ms);
    this.#timer.unref();
  }
}

/** A byte stream that tells the deadline about every chunk. */
export async function* watched(source: AsyncIterable<Uint8Array>, deadline: IdleDeadline): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    deadline.progress(chunk.byteLength);
    yield chunk;
  }
}

export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
