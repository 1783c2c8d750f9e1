// A small JSON client for the harness's own calls to the API server (as the admin): creating the
// scenario's objects, setting their status, cleaning up. The plugin under test never uses it.
import { request } from 'node:https';

export interface ApiAnswer {
  status: number;
  body: any;
}

export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(method: string, path: string, status: number, body: unknown) {
    super(`${method} ${path}: HTTP ${status} ${typeof body === 'string' ? body : JSON.stringify(body)}`.slice(0, 2000));
    this.status = status;
    this.body = body;
  }
}

const maxBody = 16 * 1024 * 1024;

export class AdminApi {
  readonly server: string;
  readonly #caPem: string;
  readonly #token: string;
  constructor(server: string, caPem: string, token: string) {
    this.server = server;
    this.#caPem = caPem;
    this.#token = token;
  }

  /**
   * One request; resolves for every HTTP status, rejects only on transport errors. A 429 (a CRD's
   * storage still initialising right after it was created) is retried as the server asks.
   */
  async send(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<ApiAnswer> {
    for (let attempt = 1; ; attempt++) {
      const answer = await this.#sendOnce(method, path, body, contentType);
      if (answer.status !== 429 || attempt >= 20) return answer;
      const seconds = Number(answer.body?.details?.retryAfterSeconds ?? 1);
      await new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(seconds, 0.1), 2) * 1000));
    }
  }

  #sendOnce(method: string, path: string, body: unknown, contentType: string): Promise<ApiAnswer> {
    const url = new URL(path, this.server);
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          ca: this.#caPem,
          headers: {
            authorization: `Bearer ${this.#token}`,
            accept: 'application/json',
            ...(payload ? { 'content-type': contentType, 'content-length': payload.length } : {}),
          },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBody) res.destroy(new Error(`${method} ${path}: answer over ${maxBody} bytes`));
            else chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON (e.g. /readyz): keep the text
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Like send, but an HTTP error status rejects with ApiError (except the statuses in `accept`). */
  async call(method: string, path: string, body?: unknown, options: { contentType?: string; accept?: number[] } = {}): Promise<any> {
    const answer = await this.send(method, path, body, options.contentType);
    if (answer.status >= 300 && !(options.accept ?? []).includes(answer.status)) throw new ApiError(method, path, answer.status, answer.body);
    return answer.body;
  }

  get(path: string): Promise<any> {
    return this.call('GET', path);
  }

  create(collectionPath: string, object: unknown): Promise<any> {
    return this.call('POST', collectionPath, object);
  }

  mergePatch(path: string, patch: unknown): Promise<any> {
    return this.call('PATCH', path, patch, { contentType: 'application/merge-patch+json' });
  }

  /** DELETE that treats an object already gone as done. */
  async remove(path: string, options: { gracePeriodSeconds?: number } = {}): Promise<void> {
    const body = options.gracePeriodSeconds === undefined ? undefined : { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: options.gracePeriodSeconds };
    await this.call('DELETE', path, body, { accept: [404] });
  }
}

/** Polls until `check` returns a value other than undefined, or fails with what it last saw. */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
