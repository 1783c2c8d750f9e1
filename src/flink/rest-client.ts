// A small client for the JobManager REST API over whatever transport gives a base URL.
// Idempotent GETs retry transient failures with backoff; POSTs never retry (a repeated trigger
// would start a second profiling run). Every request has a deadline.
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
  timeoutMs: number;
  /** attempts for GETs, including the first; default 3 */
  attempts?: number;
  /** first backoff, doubled each retry; default 250 ms */
  backoffMs?: number;
  /** largest JSON answer read; default 16 MiB (a vertex of parallelism 1000 answers ~1 MiB) */
  maxResponseBytes?: number;
  signal?: AbortSignal;
}

export class FlinkRestClient {
  readonly baseUrl: string;
  private readonly options: Required<Omit<RestClientOptions, 'signal'>> & { signal?: AbortSignal };
  constructor(baseUrl: string, options: RestClientOptions) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.options = { attempts: 3, backoffMs: 250, maxResponseBytes: 16 * 1024 * 1024, ...options };
  }

  async get<T>(path: string): Promise<T> {
    return this.retrying(async () => parseJson<T>('GET', path, await this.send('GET', path), this.options.maxResponseBytes));
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    const res = await this.send('POST', path, body);
    return parseJson<T>('POST', path, res, this.options.maxResponseBytes);
  }

  /**
   * A streamed GET, not retried here: a body can still break after the headers, so the caller
   * retries the whole transfer (one retry policy, not two nested ones).
   */
  async open(path: string): Promise<Response> {
    const res = await this.send('GET', path);
    if (!res.ok) await parseJson('GET', path, res, this.options.maxResponseBytes); // throws FlinkRestError with Flink's message
    return res;
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

  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    const signals = [AbortSignal.timeout(this.options.timeoutMs)];
    if (this.options.signal) signals.push(this.options.signal);
    try {
      return await fetch(this.baseUrl + path, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.any(signals),
      });
    } catch (err) {
      throw new TransportError(method, path, err, this.options.timeoutMs);
    }
  }
}

/** The request never got an HTTP answer (refused, reset, timed out, tunnel dropped). */
export class TransportError extends SquirrlyError {
  constructor(method: string, path: string, cause: unknown, timeoutMs: number) {
    const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
    super(
      timedOut
        ? `Flink REST ${method} ${path} got no answer within ${Math.round(timeoutMs / 1000)}s`
        : `Flink REST ${method} ${path} failed: ${describeCause(cause)}`,
      { hint: 'check that the JobManager is up (kubectl get pods) or raise --request-timeout', cause },
    );
    this.name = 'TransportError';
  }
}

function isTransient(err: unknown): boolean {
  if (err instanceof TransportError) return true;
  if (err instanceof FlinkRestError) return err.status >= 500 || err.status === 429;
  return false;
}

async function parseJson<T>(method: string, path: string, res: Response, maxBytes: number): Promise<T> {
  let text: string | undefined;
  try {
    text = await readBounded(res, maxBytes);
  } catch (err) {
    throw new TransportError(method, path, err, 0);
  }
  if (text === undefined) {
    throw new SquirrlyError(`Flink REST ${method} ${path} answered more than ${Math.round(maxBytes / 1024)} KiB; refusing to read it`, {
      hint: 'is the port-forward reaching the Flink REST port? check rest.port of the deployment',
    });
  }
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

/** The body as text, or undefined once it passes maxBytes (leaving the loop cancels the stream). */
async function readBounded(res: Response, maxBytes: number): Promise<string | undefined> {
  if (res.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function summarizeErrors(errors: string[]): string {
  // Flink puts "Internal server error." first and the real message in the next entry.
  const useful = errors.find((e) => e && e !== 'Internal server error.') ?? errors[0] ?? 'no message';
  const line = useful.split('\n').find((l) => l.trim() && !l.startsWith('<Exception')) ?? useful;
  return line.trim().slice(0, 300);
}
