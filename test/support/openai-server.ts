// A local OpenAI-compatible chat completions server for tests: real HTTP, real server-sent events,
// scripted answers, every request recorded.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Reply =
  /**
   * A streamed answer, one SSE event per piece. After `cutAfter` pieces the connection is dropped;
   * after `stallAfter` pieces the server goes silent but keeps the connection open.
   */
  | { kind: 'stream'; pieces: string[]; cutAfter?: number; stallAfter?: number }
  /** the same piece again and again, never a finish reason, until the client hangs up */
  | { kind: 'endless'; piece: string }
  | { kind: 'error'; status: number; message?: string; headers?: Record<string, string> }
  /** accept the request and never answer */
  | { kind: 'hang' };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** the raw body text, exactly as received */
  raw: string;
  body: { model?: string; stream?: boolean; messages?: Array<{ role: string; content: string }> } | undefined;
}

export interface OpenAIServer {
  /** base URL including `/v1`, what `--base-url` takes */
  baseUrl: string;
  requests: RecordedRequest[];
  /** replies used in order; when they run out, `fallback` answers */
  script: Reply[];
  fallback: Reply;
  close(): Promise<void>;
}

const CHUNK_ID = 'chatcmpl-test0001';
const CREATED = 1_700_000_000;

function chunk(model: string, delta: Record<string, unknown>, finishReason: string | null): string {
  const body = {
    id: CHUNK_ID,
    object: 'chat.completion.chunk',
    created: CREATED,
    model,
    system_fingerprint: 'fp_test',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

/** Lets the event loop run so every piece leaves in its own write. */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function stream(res: ServerResponse, model: string, reply: Extract<Reply, { kind: 'stream' }>): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write(chunk(model, { role: 'assistant', content: '', refusal: null }, null));
  for (const [i, piece] of reply.pieces.entries()) {
    if (reply.cutAfter !== undefined && i >= reply.cutAfter) {
      res.socket?.destroy();
      return;
    }
    if (reply.stallAfter !== undefined && i >= reply.stallAfter) return;
    res.write(chunk(model, { content: piece }, null));
    await tick();
  }
  res.write(chunk(model, {}, 'stop'));
  res.end('data: [DONE]\n\n');
}

async function endless(res: ServerResponse, model: string, piece: string): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write(chunk(model, { role: 'assistant', content: '', refusal: null }, null));
  while (!res.destroyed && !res.writableEnded) {
    if (!res.write(chunk(model, { content: piece }, null))) await new Promise((resolve) => res.once('drain', resolve));
    await tick();
  }
}

function error(res: ServerResponse, reply: Extract<Reply, { kind: 'error' }>): void {
  const body = { error: { message: reply.message ?? `error ${reply.status}`, type: 'invalid_request_error', param: null, code: null } };
  res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  res.end(JSON.stringify(body));
}

export async function startOpenAIServer(options: { script?: Reply[]; fallback?: Reply } = {}): Promise<OpenAIServer> {
  const requests: RecordedRequest[] = [];
  const state = {
    script: options.script ?? [],
    fallback: options.fallback ?? ({ kind: 'stream', pieces: ['ok'] } as Reply),
  };
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const raw = Buffer.concat(parts).toString('utf8');
      let body: RecordedRequest['body'];
      try {
        body = JSON.parse(raw) as RecordedRequest['body'];
      } catch {
        body = undefined;
      }
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw, body });
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        error(res, { kind: 'error', status: 404, message: `no route ${req.url}` });
        return;
      }
      const reply = state.script.shift() ?? state.fallback;
      if (reply.kind === 'hang') return;
      if (reply.kind === 'error') error(res, reply);
      else if (reply.kind === 'endless') void endless(res, body?.model ?? 'unknown', reply.piece);
      else void stream(res, body?.model ?? 'unknown', reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    get script() {
      return state.script;
    },
    set script(v: Reply[]) {
      state.script = v;
    },
    get fallback() {
      return state.fallback;
    },
    set fallback(v: Reply) {
      state.fallback = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
