// Analysis by any OpenAI-compatible chat endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, LM Studio), streamed.
import { describeBytes } from '../byte-cap.ts';
import { formatMs, LONGEST_TIMER_MS } from '../deadline.ts';
import { ExitCode, InterruptedError, SquirrlyError } from '../errors.ts';
import type { ProfilingMode } from '../flamegraph/types.ts';
import { buildRequest, DEFAULT_REQUEST_BUDGET, type BuiltRequest } from './budget.ts';
import { loadDiffPromptTemplate, loadPromptFile, loadPromptTemplate, loadSystemPrompt } from './prompts.ts';
import type { AnalysisInput, AnalysisProvider, AnalysisResult } from './provider.ts';
import { Redactor } from './redact.ts';
import { tokenCounter } from './tokenizer.ts';
import { SecretScrubber, withoutUserinfo } from '../text/secrets.ts';

export const DEFAULT_MODEL = 'gpt-4o-mini';
/** An analysis is a few KiB of Markdown; an answer 50 times that is a model that does not stop. */
export const DEFAULT_MAX_ANSWER_BYTES = 256 * 1024;
export const DEFAULT_MAX_ANSWER_MS = 10 * 60_000;
const DEFAULT_AZURE_API_VERSION = '2024-10-21';

export interface OpenAIProviderOptions {
  /** from the environment only; never logged */
  apiKey: string;
  model?: string;
  /** OpenAI-compatible base URL, e.g. `http://localhost:11434/v1`; default: OpenAI */
  baseUrl?: string;
  /** set to talk to Azure OpenAI; `model` is then the deployment name */
  azure?: { endpoint: string; apiVersion?: string };
  /** per attempt until the answer starts, then the longest silence allowed inside the stream */
  timeoutMs?: number;
  /** the longest answer kept; the stream stops there and the answer is marked partial (default 256 KiB) */
  maxAnswerBytes?: number;
  /** the longest the whole answer may take, however steadily it streams (default 10 min) */
  maxAnswerMs?: number;
  /** retries of 429/5xx/connection failures, with the SDK's exponential backoff (or the server's retry-after) */
  maxRetries?: number;
  promptFile?: string;
  redact?: boolean;
  budgetTokens?: number;
  /** called once the request is built and counted, before it is sent */
  onRequest?: (info: RequestInfo) => void;
}

export interface RequestInfo {
  tokens: number;
  budget: number;
  selfCoveragePercent: number;
  shrunk: boolean;
  /** user classes and packages replaced by placeholders, when `redact` is on */
  redacted?: { classes: number; packages: number };
}

export function isAzureEndpoint(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return ['.openai.azure.com', '.cognitiveservices.azure.com', '.services.ai.azure.com'].some((s) => host.endsWith(s));
  } catch {
    return false;
  }
}

type Sdk = typeof import('./openai-sdk.ts');

export class OpenAIProvider implements AnalysisProvider {
  readonly name = 'openai';
  readonly #opts: OpenAIProviderOptions;
  /** the key and the endpoint's credentials: blanked in the answer and in every error */
  readonly #secrets: SecretScrubber;

  constructor(options: OpenAIProviderOptions) {
    this.#opts = options;
    this.#secrets = new SecretScrubber([options.apiKey]).addUrls([options.baseUrl, options.azure?.endpoint]);
  }

  get model(): string {
    return this.#opts.model ?? DEFAULT_MODEL;
  }

  async analyze(input: AnalysisInput, onText: (chunk: string) => void, signal?: AbortSignal): Promise<AnalysisResult> {
    const { request, redactor } = await this.#prepare(input);
    this.#opts.onRequest?.({
      tokens: request.tokens,
      budget: request.budget,
      selfCoveragePercent: request.selfCoveragePercent,
      shrunk: request.shrunk,
      ...(redactor ? { redacted: redactor.counts } : {}),
    });
    const sdk: Sdk = await import('./openai-sdk.ts');
    const client = this.#client(sdk);
    const timeoutMs = this.#opts.timeoutMs ?? 60_000;
    const restorer = redactor?.streamRestorer();
    const maxBytes = this.#opts.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
    const maxMs = Math.min(this.#opts.maxAnswerMs ?? DEFAULT_MAX_ANSWER_MS, LONGEST_TIMER_MS);
    // An endpoint may echo the request (its Authorization header included): the key is blanked
    // before the text is shown or kept, even when it arrives split across chunks.
    const scrubbed = this.#secrets.stream();
    let text = '';
    let bytes = 0;
    // why the plugin itself stopped the stream: the answer is then kept and marked partial
    let stoppedBecause: string | undefined;
    const limit = new AbortController();
    const keep = (chunk: string): void => {
      if (chunk === '' || stoppedBecause !== undefined) return;
      const size = Buffer.byteLength(chunk, 'utf8');
      if (bytes + size > maxBytes) {
        stoppedBecause = `the answer passed ${describeBytes(maxBytes)}, the cap for one analysis`;
        limit.abort();
        return;
      }
      bytes += size;
      text += chunk;
      onText(chunk);
    };
    const emit = (raw: string): void => keep(scrubbed.push(raw));
    const flushScrubbed = (): void => keep(scrubbed.flush());
    // The SDK's timeout ends when the response headers arrive; this one guards the silence inside the stream.
    const idle = new AbortController();
    const requestSignal = AbortSignal.any([idle.signal, limit.signal, ...(signal ? [signal] : [])]);
    let idleTimer: NodeJS.Timeout | undefined;
    const totalTimer = setTimeout(() => {
      stoppedBecause = `the answer took longer than ${formatMs(maxMs)}`;
      limit.abort();
    }, maxMs);
    totalTimer.unref();
    let finished = false;
    let received = false;
    try {
      const stream = await client.chat.completions.create(
        { model: this.model, messages: request.messages, stream: true },
        { signal: requestSignal, timeout: timeoutMs },
      );
      const armIdle = (): void => {
        clearTimeout(idleTimer);
        idleTimer = setTimeout(() => idle.abort(), timeoutMs);
      };
      armIdle();
      for await (const chunk of stream) {
        armIdle();
        const choice = chunk.choices[0];
        const delta = choice?.delta?.content;
        if (delta) {
          received = true;
          emit(restorer ? restorer.push(delta) : delta);
        }
        if (choice?.finish_reason) finished = true;
        if (stoppedBecause !== undefined) break;
      }
    } catch (err) {
      if (signal?.aborted && !received) throw new InterruptedError('analysis interrupted');
      if (!received && stoppedBecause === undefined) throw this.#explain(sdk, err, idle.signal.aborted);
      // Part of the answer arrived: whatever broke the stream, the caller keeps that part
      // (complete if the finish reason had already come).
    } finally {
      clearTimeout(idleTimer);
      clearTimeout(totalTimer);
    }
    // The SDK may end the iteration quietly on abort.
    const interrupted = signal?.aborted === true;
    if (interrupted && !received) throw new InterruptedError('analysis interrupted');
    if (idle.signal.aborted && !received) throw this.#explain(sdk, undefined, true);
    if (restorer && stoppedBecause === undefined) emit(restorer.flush());
    flushScrubbed();
    if (!finished && !received && stoppedBecause === undefined) {
      throw new SquirrlyError('the analysis stream ended before any answer arrived', {
        hint: 'check that the server at --base-url speaks the OpenAI chat completions API with streaming',
        exitCode: ExitCode.analysisFailed,
      });
    }
    const partial = stoppedBecause !== undefined || interrupted || !finished;
    const partialReason = stoppedBecause ?? (interrupted ? 'interrupted' : idle.signal.aborted ? `the stream went silent for ${formatMs(timeoutMs)}` : 'the stream was cut');
    return {
      provider: this.name,
      model: this.model,
      markdown: text,
      partial,
      ...(partial ? { partialReason } : {}),
      ...(interrupted ? { interrupted } : {}),
      requestTokens: request.tokens,
      selfCoveragePercent: request.selfCoveragePercent,
    };
  }

  async #prepare(input: AnalysisInput): Promise<{ request: BuiltRequest; redactor: Redactor | undefined }> {
    const mode: ProfilingMode | 'UNKNOWN' = input.summaries[0]?.mode ?? 'UNKNOWN';
    const template = this.#opts.promptFile ? loadPromptFile(this.#opts.promptFile) : input.diff ? loadDiffPromptTemplate() : loadPromptTemplate(mode);
    const redactor = this.#opts.redact ? new Redactor(frameNames(input)) : undefined;
    const request = buildRequest({
      summaries: input.summaries,
      findings: input.findings,
      system: loadSystemPrompt(),
      template,
      count: await tokenCounter(),
      budget: this.#opts.budgetTokens ?? DEFAULT_REQUEST_BUDGET,
      ...(input.comparison ? { comparison: input.comparison } : {}),
      ...(input.jobMetrics ? { jobMetrics: input.jobMetrics } : {}),
      ...(input.diff ? { diff: input.diff.text } : {}),
      ...(redactor ? { transform: (t: string) => redactor.redact(t) } : {}),
    });
    return { request, redactor };
  }

  #client(sdk: Sdk): InstanceType<Sdk['OpenAI']> {
    const common = { apiKey: this.#opts.apiKey, maxRetries: this.#opts.maxRetries ?? 2, logLevel: 'off' as const };
    if (this.#opts.azure) {
      return new sdk.AzureOpenAI({
        ...common,
        endpoint: this.#opts.azure.endpoint,
        apiVersion: this.#opts.azure.apiVersion ?? DEFAULT_AZURE_API_VERSION,
        deployment: this.model,
      });
    }
    return new sdk.OpenAI({ ...common, ...(this.#opts.baseUrl ? { baseURL: this.#opts.baseUrl } : {}) });
  }

  /** One actionable line per failure; nothing from the server is echoed without removing the key. */
  #explain(sdk: Sdk, err: unknown, idleTimedOut: boolean): SquirrlyError {
    const endpoint = this.#opts.azure?.endpoint ?? this.#opts.baseUrl;
    const where = endpoint === undefined ? 'the OpenAI API' : withoutUserinfo(endpoint);
    const retries = this.#opts.maxRetries ?? 2;
    const fail = (message: string, hint: string): SquirrlyError =>
      new SquirrlyError(this.#sanitize(message), { hint: this.#sanitize(hint), exitCode: ExitCode.analysisFailed });
    const seconds = Math.round((this.#opts.timeoutMs ?? 60_000) / 100) / 10;
    if (idleTimedOut || err instanceof sdk.APIConnectionTimeoutError) {
      return fail(`the analysis provider did not answer within ${seconds}s`, 'try again, or use --provider builtin; a slow local model may need a smaller one');
    }
    if (err instanceof sdk.APIConnectionError) {
      return fail(`could not reach the analysis provider at ${where}`, 'check --base-url / OPENAI_BASE_URL and your network, or use --provider builtin');
    }
    if (err instanceof sdk.APIError) {
      const status = err.status;
      if (status === 401) return fail('the analysis provider rejected the API key (401)', 'check OPENAI_API_KEY (and --base-url for non-OpenAI servers)');
      if (status === 403) return fail('the analysis provider refused the request (403)', `check that the API key may use model ${this.model}`);
      if (status === 404) return fail(`the analysis provider does not know model ${this.model} (404)`, 'check --model and --base-url');
      if (status === 429) return fail(`the analysis provider kept rate-limiting the request (429) after ${retries} retries`, 'wait and run `kubectl squirrly analyze` on the saved files, or use --provider builtin');
      if (status !== undefined && status >= 500) return fail(`the analysis provider failed with HTTP ${status} after ${retries} retries`, 'try again later, or use --provider builtin');
      return fail(`the analysis provider answered HTTP ${status ?? '?'}: ${firstLine(err.message)}`, 'check --model and --base-url');
    }
    return fail(`analysis failed: ${firstLine(err instanceof Error ? err.message : String(err))}`, 'try again, or use --provider builtin');
  }

  #sanitize(message: string): string {
    return this.#secrets.scrub(message).replace(/\bsk-[\w-]{6,}/g, '[redacted]');
  }
}

function firstLine(s: string): string {
  const line = s.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function frameNames(input: AnalysisInput): string[] {
  const names: string[] = [];
  for (const s of input.summaries) {
    for (const f of [...s.topSelf, ...s.topTotal]) names.push(f.name);
    for (const p of s.hotPaths) names.push(...p.frames);
    for (const site of s.attribution?.sites ?? []) names.push(site.hotFrame, ...[site.caller, site.userFrame, site.function, site.blame, site.below].filter((x): x is string => x !== undefined), ...site.path);
    for (const fn of s.attribution?.functions ?? []) names.push(fn.function);
  }
  for (const t of input.comparison?.targets ?? []) for (const f of t.topSelf) names.push(f.name);
  names.push(...(input.diff?.frames ?? []));
  return names;
}
