// A small client for the JobManager REST API over whatever transport gives a base URL.
// Idempotent GETs retry transient failures with backoff; POSTs never retry (a repeated trigger
// would start a second profiling run). Every request has a deadline and every answer a size cap.
import { ByteCapError, describeBytes, readCapped } from '../byte-cap.ts';
import { formatMs, IdleDeadline, watched, type DeadlinePhase } from '../deadline.ts';
import { describeCause, SquirrlyError } from '../errors.ts';
import { sleep } from '../sleep.ts';

/** Flink answered with an error: `errors` is Flink's {"errors": [...]} list. */
export class FlinkRestError extends SquirrlyError {
  readonly status: number;
  readonly errors: string[];
  constructor(method: string, path: string, status: number, errors: string[]) {
    super(`Flink REST ${method} ${path} failed with ${status}: ${summarizeErrors(errors)}`);
    this.name = 'FlinkRestError';
    this.status = status;
    this.errors = errors;
  }
  /** all error texts joined, for `includes` matching (Flink's wording varies by version) */
  get text(): string {
    return this.errors.join('\n');
  }
}

export interface RestClientOptions {
  /** --request-timeout: the whole of a JSON answer; for a streamed file, the wait for it and each silence in it */
  timeoutMs: number;
  /** attempts for GETs, including the first; default 3 */
  attempts?: number;
  /** first backoff, doubled each retry; default 250 ms */
  backoffMs?: number;
  /** largest JSON answer read; default 16 MiB (a vertex of parallelism 1000 answers ~1 MiB) */
  maxResponseBytes?: number;
  signal?: AbortSignal;
}

/** A streamed answer: the body tells the deadline about every chunk, and ends with a typed error. */
export interface OpenStream {
  body: AsyncIterable<Uint8Array>;
  /** the announced content-length, when there is one */
  length?: number;
}

export const DEFAULT_MAX_JSON_BYTES = 16 * 1024 * 1024;

export class FlinkRestClient {
  readonly baseUrl: string;
  private readonly options: Required<Omit<RestClientOptions, 'signal'>> & { signal?: AbortSignal };
  constructor(baseUrl: string, options: RestClientOptions) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.options = { attempts: 3, backoffMs: 250, maxResponseBytes: DEFAULT_MAX_JSON_BYTES, ...options };
  }

  async get<T>(path: string): Promise<T> {
    return this.retrying(() => this.json<T>('GET', path));
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('POST', path, body);
  }

  /**
   * A streamed GET, not retried here: a body can still break after the headers, so the caller
   * retries the whole transfer (one retry policy, not two nested ones). --request-timeout bounds
   * the wait for the answer and each silence inside it, not how long a flowing transfer takes.
   */
  async open(path: string): Promise<OpenStream> {
    const deadline = new IdleDeadline(this.options.timeoutMs, this.signalOption());
    const res = await this.send('GET', path, deadline);
    if (!res.ok) {
      try {
        await parseJson('GET', path, res, await this.readBody('GET', path, res, deadline)); // throws FlinkRestError with Flink's message
      } finally {
        deadline.dispose();
      }
    }
    const length = Number(res.headers.get('content-length'));
    return { body: streamed('GET', path, res, deadline), ...(Number.isFinite(length) && length > 0 ? { length } : {}) };
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    // one deadline for the whole answer: JSON answers are small, a trickling one is a fault
    const deadline = new IdleDeadline(this.options.timeoutMs, { ...this.signalOption(), idle: false });
    try {
      const res = await this.send(method, path, deadline, body);
      return parseJson<T>(method, path, res, await this.readBody(method, path, res, deadline));
    } finally {
      deadline.dispose();
    }
  }

  private signalOption(): { parent?: AbortSignal } {
    return this.options.signal ? { parent: this.options.signal } : {};
  }

  private async retrying<T>(work: () => Promise<T>): Promise<T> {
    let delay = this.options.backoffMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        if (attempt >= this.options.attempts || !isTransient(err) || this.options.signal?.aborted) throw err;
        await sleep(delay, this.options.signal);
        delay *= 2;
      }
    }
  }

  private async send(method: string, path: string, deadline: IdleDeadline, body?: unknown): Promise<Response> {
    try {
      const res = await fetch(this.baseUrl + path, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: deadline.signal,
      });
      deadline.answered();
      return res;
    } catch (err) {
      deadline.dispose();
      throw new TransportError(method, path, err, deadline);
    }
  }

  /** The body of a JSON answer, within the cap: the announced length is checked before reading. */
  private async readBody(method: string, path: string, res: Response, deadline: IdleDeadline): Promise<string> {
    const cap = this.options.maxResponseBytes;
    const tooBig = (): ByteCapError =>
      new ByteCapError(`Flink REST ${method} ${path} answered more than ${describeBytes(cap)}, the cap for one JSON answer; refusing to read it`, cap, 'is the port-forward reaching the Flink REST port? check rest.port of the deployment');
    const announced = Number(res.headers.get('content-length'));
    if (Number.isFinite(announced) && announced > cap) {
      await res.body?.cancel().catch(() => undefined);
      throw tooBig();
    }
    if (res.body === null) return '';
    try {
      return (await readCapped(watched(res.body as AsyncIterable<Uint8Array>, deadline), cap, tooBig)).toString('utf8');
    } catch (err) {
      if (err instanceof ByteCapError) throw err;
      throw new TransportError(method, path, err, deadline);
    }
  }
}

/** The body of a streamed answer; a break or a silence past the deadline ends it with a TransportError. */
async function* streamed(method: string, path: string, res: Response, deadline: IdleDeadline): AsyncGenerator<Uint8Array> {
  try {
    if (res.body === null) return;
    yield* watched(res.body as AsyncIterable<Uint8Array>, deadline);
  } catch (err) {
    throw new TransportError(method, path, err, deadline);
  } finally {
    deadline.dispose();
    // the consumer stopped early (a cap, a full disk): drop the connection instead of draining it
    await res.body?.cancel().catch(() => undefined);
  }
}

/**
 * The request failed before a whole answer came: refused, reset, the tunnel dropped, or a deadline
 * passed. `phase` says which wait ran out: 'answer' (nothing came back) or 'body' (Flink answered,
 * then went silent or too slow: the tunnel itself works).
 */
export class TransportError extends SquirrlyError {
  readonly phase: DeadlinePhase | undefined;
  constructor(method: string, path: string, cause: unknown, deadline?: IdleDeadline) {
    const phase = deadline?.expired;
    const wait = deadline ? formatMs(deadline.ms) : '?';
    super(
      phase === 'answer'
        ? `Flink REST ${method} ${path} got no answer within ${wait}`
        : phase === 'body'
          ? `Flink REST ${method} ${path} answered, then its body stalled past the ${wait} deadline (${describeBytes(deadline?.bytes ?? 0)} arrived)`
          : `Flink REST ${method} ${path} failed: ${describeCause(cause)}`,
      {
        hint: phase === 'body' ? 'the JobManager answers too slowly: check its load (kubectl top pod), or raise --request-timeout' : 'check that the JobManager is up (kubectl get pods) or raise --request-timeout',
        cause,
      },
    );
    this.name = 'TransportError';
    this.phase = phase;
  }
}

function isTransient(err: unknown): boolean {
  // a body that stalls will stall again: only a missing answer is worth another try
  if (err instanceof TransportError) return err.phase !== 'body';
  if (err instanceof FlinkRestError) return err.status >= 500 || err.status === 429;
  return false;
}

function parseJson<T>(method: string, path: string, res: Response, text: string): T {
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    if (!res.ok) throw new FlinkRestError(method, path, res.status, [text.slice(0, 200)]);
    throw new SquirrlyError(`Flink REST ${method} ${path} returned malformed JSON (${text.length} bytes)`, {
      hint: 'is the port-forward reaching the Flink REST port? check rest.port of the deployment',
    });
  }
  if (!res.ok) {
    const errors = (body as { errors?: unknown })?.errors;
    throw new FlinkRestError(method, path, res.status, Array.isArray(errors) ? errors.map(String) : [text.slice(0, 200)]);
  }
  return body as T;
}

function summarizeErrors(errors: string[]): string {
  // Flink puts "Internal server error." first and the real message in the next entry.
  const useful = errors.find((e) => e && e !== 'Internal server error.') ?? errors[0] ?? 'no message';
  const line = useful.split('\n').find((l) => l.trim() && !l.startsWith('<Exception')) ?? useful;
  return line.trim().slice(0, 300);
}
