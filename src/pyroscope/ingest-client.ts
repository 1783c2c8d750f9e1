// Pushes pprof profiles to Grafana Pyroscope's ingest API (`POST /ingest?name=…&format=pprof`):
// the series name carries the labels, `from`/`until` the window, and `from` becomes the profile's
// timestamp, so the same labels and window sent again are counted once by the store. Network
// errors, 5xx and 429 are retried with backoff within a bounded time; answers are read bounded.
import type { Dispatcher } from 'undici';
import { readCapped } from '../byte-cap.ts';
import { describeCause, ExitCode, InterruptedError, SquirrlyError } from '../errors.ts';
import { sleep } from '../sleep.ts';
import { quoted } from '../text/visible.ts';
import type { ProfilePusher, ProfileToPush } from './pusher.ts';
import { backoffMs, isRetryableStatus, retryAfterMs } from './retry-policy.ts';

export type PushAuth = { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; password: string };

export interface IngestClientOptions {
  /** the server's base URL, e.g. http://pyroscope:4040 (a path prefix is kept) */
  url: URL;
  auth?: PushAuth;
  /** sent as X-Scope-OrgID, for multi-tenant servers */
  tenant?: string;
  /** the proxy to go through, when the environment names one for this URL */
  proxy?: URL;
  /** tries per profile, the first included; default 5 */
  attempts?: number;
  /** the longest one profile's push may take, retries included; default 60 s */
  totalMs?: number;
  /** the longest one try may take; default 20 s */
  attemptTimeoutMs?: number;
  /** the first backoff; later ones double, up to 8 s; default 500 ms */
  backoffMs?: number;
  onRetry?: (attempt: number, reason: string) => void;
}

/** A push the store refused or that never reached it; `status` is the HTTP status when there was one. */
export class PushError extends SquirrlyError {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message, { exitCode: ExitCode.pushFailed });
    this.name = 'PushError';
    this.status = status;
  }
}

/** enough of an error answer to say what it is; the rest is not read */
const MAX_ERROR_BODY_BYTES = 4096;
const MAX_BACKOFF_MS = 8000;
/** label names the store accepts (Prometheus' rule, plus dots) */
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;
/** characters that end a value in the ingest API's `name` syntax, which has no escape */
const NAME_SYNTAX = /[{},=]/g;

export class PyroscopeIngestClient implements ProfilePusher {
  readonly where: string;
  readonly #options: IngestClientOptions;
  #http: Promise<Http> | undefined;

  constructor(options: IngestClientOptions) {
    this.#options = options;
    this.where = describeServer(options.url);
  }

  /** undici comes with client-node's lazily loaded module, so commands that never push start without it */
  #client(): Promise<Http> {
    this.#http ??= import('../kube/client-node.ts').then((undici) => ({ fetch: undici.undiciFetch, dispatcher: dispatcherFor(undici, this.#options.proxy) }));
    return this.#http;
  }

  async push(profile: ProfileToPush, signal?: AbortSignal): Promise<void> {
    const attempts = Math.max(1, this.#options.attempts ?? 5);
    const deadline = Date.now() + (this.#options.totalMs ?? 60_000);
    const url = ingestUrl(this.#options.url, profile);
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#try(url, profile.pprof, deadline, signal);
      if (outcome === undefined) return;
      const wait = Math.max(outcome.retryAfterMs ?? 0, backoffMs(attempt, this.#options.backoffMs ?? 500, MAX_BACKOFF_MS));
      if (!outcome.retryable || attempt >= attempts || Date.now() + wait >= deadline) {
        const tries = attempt > 1 ? `, after ${attempt} tries` : '';
        throw new PushError(`${outcome.message}${tries}`, outcome.status);
      }
      this.#options.onRetry?.(attempt, outcome.message);
      await sleep(wait, signal);
      if (signal?.aborted) throw new InterruptedError('push interrupted');
    }
  }

  async close(): Promise<void> {
    if (this.#http) await (await this.#http).dispatcher.close();
  }

  /** undefined when the store took the profile; otherwise why not and whether to try again. */
  async #try(url: URL, body: Uint8Array, deadline: number, signal?: AbortSignal): Promise<{ message: string; retryable: boolean; status?: number; retryAfterMs?: number } | undefined> {
    const timeoutMs = Math.max(1, Math.min(this.#options.attemptTimeoutMs ?? 20_000, deadline - Date.now()));
    const timeout = AbortSignal.timeout(timeoutMs);
    let response;
    const http = await this.#client();
    try {
      response = await http.fetch(url, {
        method: 'POST',
        headers: this.#headers(),
        body,
        dispatcher: http.dispatcher,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        redirect: 'error',
      });
    } catch (err) {
      if (signal?.aborted) throw new InterruptedError('push interrupted');
      // fetch's own "fetch failed" says nothing; the cause under it does
      const why = timeout.aborted ? `no answer within ${Math.round(timeoutMs / 100) / 10}s` : describeCause(err).replace(/^fetch failed: /, '');
      return { message: `could not reach Pyroscope at ${this.where}: ${why}`, retryable: true };
    }
    const { status } = response;
    if (status >= 200 && status < 300) {
      await response.body?.cancel().catch(() => undefined);
      return undefined;
    }
    const text = await errorText(response.body);
    const retryAfter = retryAfterMs(response.headers.get('retry-after'));
    return {
      message: `Pyroscope at ${this.where} answered HTTP ${status}${text ? `: ${text}` : ''}`,
      retryable: isRetryableStatus(status),
      status,
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    };
  }

  #headers(): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'user-agent': 'kubectl-squirrly' };
    const { auth, tenant } = this.#options;
    if (auth?.kind === 'bearer') headers['authorization'] = `Bearer ${auth.token}`;
    if (auth?.kind === 'basic') headers['authorization'] = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    if (tenant) headers['x-scope-orgid'] = tenant;
    return headers;
  }
}

/** `<base>/ingest?name=<service>{k=v,…}&format=pprof&from=S&until=S`: the API's own series syntax. */
export function ingestUrl(base: URL, profile: ProfileToPush): URL {
  const url = new URL(base.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/ingest`;
  url.search = '';
  url.hash = '';
  const service = profile.labels['service_name'];
  if (!service) throw new SquirrlyError('a profile to push needs a service_name label');
  const pairs = Object.entries(profile.labels)
    .filter(([name]) => LABEL_NAME.test(name))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${nameValue(value)}`);
  url.searchParams.set('name', `${nameValue(service)}{${pairs.join(',')}}`);
  url.searchParams.set('format', 'pprof');
  url.searchParams.set('from', String(Math.floor(profile.fromSeconds)));
  url.searchParams.set('until', String(Math.max(Math.floor(profile.fromSeconds), Math.ceil(profile.untilSeconds))));
  // the frames are the JVM's: the store shows them as Java
  url.searchParams.set('spyName', 'javaspy');
  return url;
}

/** A value as the name syntax can carry it: its delimiters replaced, spaces trimmed as the server would. */
function nameValue(value: string): string {
  return value.replace(NAME_SYNTAX, '_').trim();
}

interface Http { fetch: typeof import('undici').fetch; dispatcher: Dispatcher }

function dispatcherFor(undici: typeof import('../kube/client-node.ts'), proxy: URL | undefined): Dispatcher {
  if (proxy === undefined) return new undici.Agent();
  if (proxy.protocol === 'socks5:' || proxy.protocol === 'socks5h:') return new undici.Socks5ProxyAgent(proxy.href);
  return new undici.ProxyAgent(proxy.href);
}

/** The server for messages: scheme, host and path, never credentials or a query. */
export function describeServer(url: URL): string {
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

/** The first line of an error answer, bounded and quoted so nothing in it acts on the terminal. */
async function errorText(body: AsyncIterable<Uint8Array> | null): Promise<string> {
  if (body === null) return '';
  let bytes: Buffer;
  try {
    bytes = await readCapped(body, MAX_ERROR_BODY_BYTES, () => new Error('cut'));
  } catch {
    return '';
  }
  const text = bytes.toString('utf8');
  const line = jsonMessage(text) ?? text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  return line === '' ? '' : quoted(elided(line, 320), 330);
}

/** A long reason with its middle left out: the store puts the labels first and why last. */
function elided(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = Math.floor(maxChars / 3);
  return `${text.slice(0, head)}…${text.slice(text.length - (maxChars - head - 1))}`;
}

/** Pyroscope answers errors as Connect JSON (`{"code": …, "message": …}`): the message is the reason. */
function jsonMessage(text: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text);
    const message = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['message'] : undefined;
    return typeof message === 'string' && message.trim() !== '' ? message.trim().split('\n')[0] : undefined;
  } catch {
    return undefined;
  }
}
