// The openai provider with the real SDK against a local OpenAI-compatible server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OpenAIProvider, type OpenAIProviderOptions, type RequestInfo } from '../../src/analysis/openai.ts';
import type { AnalysisInput, AnalysisResult } from '../../src/analysis/provider.ts';
import { chatTokens, tokenCounter } from '../../src/analysis/tokenizer.ts';
import { InterruptedError, SquirrlyError } from '../../src/errors.ts';
import { startOpenAIServer, type OpenAIServer } from '../support/openai-server.ts';
import { builtinFindings } from '../../src/analysis/builtin.ts';
import { chained, idleTask, job, PKG, profile, SOURCE, vertex } from '../unit/analysis/flink-stacks.ts';
import { sampleFindings, smallSummary } from '../unit/analysis/sample-summaries.ts';

const KEY = 'sk-squirrly-test-9f8e7d6c5b4a3210';
const input: AnalysisInput = { summaries: [smallSummary()], findings: sampleFindings };
/** everything the provider produced: streamed text, results, error messages and hints */
const captured: string[] = [];

async function run(server: OpenAIServer, extra: Partial<OpenAIProviderOptions> = {}) {
  const chunks: string[] = [];
  const requests: RequestInfo[] = [];
  const provider = new OpenAIProvider({
    apiKey: KEY,
    baseUrl: server.baseUrl,
    maxRetries: 2,
    timeoutMs: 5000,
    onRequest: (info) => requests.push(info),
    ...extra,
  });
  try {
    const result: AnalysisResult = await provider.analyze(input, (c) => chunks.push(c));
    captured.push(...chunks, JSON.stringify(result), JSON.stringify(requests));
    return { result, chunks, requests };
  } catch (err) {
    captured.push(...chunks, String(err), err instanceof SquirrlyError ? (err.hint ?? '') : '', JSON.stringify(err));
    throw err;
  }
}

describe('openai provider against a local server', () => {
  let server: OpenAIServer;
  before(async () => {
    server = await startOpenAIServer();
  });
  after(async () => {
    await server.close();
  });

  it('streams the answer in chunks and sends the summary, not HTML, within budget', async () => {
    server.script = [{ kind: 'stream', pieces: ['## Verdict\n', 'FeatureVector.normalize takes ', '31% of CPU.'] }];
    const before = server.requests.length;
    const { result, chunks, requests } = await run(server);
    assert.deepEqual(chunks, ['## Verdict\n', 'FeatureVector.normalize takes ', '31% of CPU.']);
    assert.equal(result.markdown, chunks.join(''));
    assert.equal(result.partial, false);
    assert.equal(result.model, 'gpt-4o-mini');

    const req = server.requests[before];
    assert.equal(server.requests.length, before + 1);
    assert.equal(req?.url, '/v1/chat/completions');
    assert.equal(req?.headers.authorization, `Bearer ${KEY}`);
    assert.equal(req?.body?.stream, true);
    assert.equal(req?.body?.model, 'gpt-4o-mini');
    const messages = req?.body?.messages ?? [];
    assert.deepEqual(messages.map((m) => m.role), ['system', 'user']);
    const user = messages[1]?.content ?? '';
    assert.match(user, /31% com\/acme\/fraud\/model\/FeatureVector\.normalize/);
    assert.match(user, /Kryo serialization takes 22% of CPU/);
    assert.doesNotMatch(req?.raw ?? '', /<html|<script|function f\(/i);
    // the reported count is the real tokenizer's count of what was sent
    const tokens = chatTokens(await tokenCounter(), messages);
    assert.equal(result.requestTokens, tokens);
    assert.equal(requests[0]?.tokens, tokens);
    assert.ok(tokens <= 8000);
    assert.equal(requests[0]?.selfCoveragePercent, 81);
  });

  it('redacts user classes in the request and restores them in the streamed answer', async () => {
    // Placeholders are numbered by sorted class name: ScoringFunction=1 (pkg1), FeatureVector=2, Transaction=3 (pkg2).
    server.script = [{ kind: 'stream', pieces: ['Speed up app/pkg', '2/Class2.normalize (31%) and reuse app.pkg2.Cl', 'ass3 in Class1', '.'] }];
    const before = server.requests.length;
    const { result, chunks, requests } = await run(server, { redact: true });
    const raw = server.requests[before]?.raw ?? '';
    assert.doesNotMatch(raw, /acme|ScoringFunction|FeatureVector|Transaction/);
    assert.match(raw, /app\/pkg2\/Class2\.normalize/);
    assert.match(raw, /com\/esotericsoftware\/kryo\/Kryo\.writeClassAndObject/);
    assert.deepEqual(requests[0]?.redacted, { classes: 3, packages: 2 });
    const expected = 'Speed up com/acme/fraud/model/FeatureVector.normalize (31%) and reuse com.acme.fraud.model.Transaction in ScoringFunction.';
    assert.equal(chunks.join(''), expected);
    assert.ok(chunks.length > 1, 'still streamed in pieces');
    assert.equal(result.markdown, expected);
  });

  it('sends the attributed findings and the job metrics, redacted when asked', async () => {
    const stacks = [
      { frames: [...SOURCE, ...chained('StreamFilter'), `${PKG}/RegexPerRecord$ValidEmail.filter`, 'java/lang/String.matches', 'java/util/regex/Pattern.matches', 'java/util/regex/Pattern.compile'], samples: 600 },
      { frames: idleTask, samples: 400 },
    ];
    const summaries = [profile(stacks, 'ITIMER', { durationSeconds: 10 })];
    const jobMetrics = job([vertex('v1', 'Source: emails -> ValidEmail -> discard: Writer', [{ busyMsPerSecond: 900 }])]);
    const attributed: AnalysisInput = { summaries, jobMetrics, findings: builtinFindings({ summaries, jobMetrics }) };
    for (const redact of [false, true]) {
      server.script = [{ kind: 'stream', pieces: ['ok'] }];
      const before = server.requests.length;
      const provider = new OpenAIProvider({ apiKey: KEY, baseUrl: server.baseUrl, maxRetries: 0, timeoutMs: 5000, redact });
      await provider.analyze(attributed, () => undefined);
      const user = server.requests[before]?.body?.messages?.[1]?.content ?? '';
      assert.match(user, /Operator: ValidEmail \(vertex Source: emails -> ValidEmail -> discard: Writer\)/);
      assert.match(user, /### Flink job metrics over the profiling window/);
      assert.match(user, /Attributed hot spots/);
      if (redact) {
        assert.doesNotMatch(user, /squirrly|RegexPerRecord/);
        assert.match(user, /User function: app\.pkg1\.Class1\.filter/);
      } else {
        assert.match(user, /User function: squirrly\.e2e\.diagnosis\.RegexPerRecord\$ValidEmail\.filter\. Hot frame: java\.util\.regex\.Pattern\.matches/);
      }
    }
  });

  it('a rejected key is a clear error without the key, and is not retried', async () => {
    server.script = [{ kind: 'error', status: 401, message: `Incorrect API key provided: ${KEY}.` }];
    const before = server.requests.length;
    await assert.rejects(run(server), (err: unknown) => {
      assert.ok(err instanceof SquirrlyError);
      assert.equal(err.message, 'the analysis provider rejected the API key (401)');
      assert.equal(err.exitCode, 3);
      assert.match(err.hint ?? '', /OPENAI_API_KEY/);
      return true;
    });
    assert.equal(server.requests.length, before + 1);
  });

  it('retries 429 and then succeeds', async () => {
    const limited = { kind: 'error', status: 429, message: 'Rate limit reached', headers: { 'retry-after-ms': '1' } } as const;
    server.script = [limited, limited, { kind: 'stream', pieces: ['after retries'] }];
    const before = server.requests.length;
    const { result } = await run(server);
    assert.equal(result.markdown, 'after retries');
    assert.equal(server.requests.length, before + 3);
  });

  it('gives up on 500 after the retries with a clear error', async () => {
    server.script = [1, 2, 3].map(() => ({ kind: 'error', status: 500, message: 'boom', headers: { 'retry-after-ms': '1' } }) as const);
    const before = server.requests.length;
    await assert.rejects(run(server), /the analysis provider failed with HTTP 500 after 2 retries/);
    assert.equal(server.requests.length, before + 3);
  });

  it('times out when the server does not answer', async () => {
    server.script = [{ kind: 'hang' }];
    await assert.rejects(run(server, { timeoutMs: 300, maxRetries: 0 }), (err: unknown) => {
      assert.ok(err instanceof SquirrlyError);
      assert.equal(err.message, 'the analysis provider did not answer within 0.3s');
      assert.equal(err.exitCode, 3);
      return true;
    });
  });

  it('keeps the text so far when the stream is cut mid-answer', async () => {
    server.script = [{ kind: 'stream', pieces: ['first part, ', 'second part, ', 'never sent'], cutAfter: 2 }];
    const { result, chunks } = await run(server);
    assert.equal(result.partial, true);
    assert.equal(result.markdown, 'first part, second part, ');
    assert.deepEqual(chunks, ['first part, ', 'second part, ']);
  });

  it('keeps the text so far when the stream goes silent past the timeout', async () => {
    server.script = [{ kind: 'stream', pieces: ['only this', ' and never this'], stallAfter: 1 }];
    const { result } = await run(server, { timeoutMs: 300 });
    assert.equal(result.partial, true);
    assert.equal(result.markdown, 'only this');
  });

  it('stops at once when interrupted, keeping what arrived as a partial answer', async () => {
    server.script = [{ kind: 'stream', pieces: ['one', 'two'], stallAfter: 1 }];
    const abort = new AbortController();
    const provider = new OpenAIProvider({ apiKey: KEY, baseUrl: server.baseUrl, timeoutMs: 60_000 });
    const result = await provider.analyze(input, () => abort.abort(), abort.signal);
    assert.deepEqual([result.markdown, result.partial, result.interrupted, result.partialReason], ['one', true, true, 'interrupted']);
  });

  it('an interrupt before any answer is an InterruptedError', async () => {
    server.script = [{ kind: 'hang' }];
    const abort = new AbortController();
    const provider = new OpenAIProvider({ apiKey: KEY, baseUrl: server.baseUrl, timeoutMs: 60_000 });
    const pending = provider.analyze(input, () => undefined, abort.signal);
    while (server.requests.length === 0 || server.requests.at(-1)?.body === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    abort.abort();
    await assert.rejects(pending, (err: unknown) => err instanceof InterruptedError && err.exitCode === 130);
  });

  it('an endless answer stops at the byte cap and is kept, marked partial', async () => {
    server.script = [{ kind: 'endless', piece: 'more and more ' }];
    const { result, chunks } = await run(server, { maxAnswerBytes: 4096 });
    assert.equal(result.partial, true);
    assert.equal(result.partialReason, 'the answer passed 4 KiB, the cap for one analysis');
    assert.ok(Buffer.byteLength(result.markdown) <= 4096);
    assert.ok(result.markdown.startsWith('more and more more and more '));
    assert.equal(chunks.join(''), result.markdown);
  });

  it('an answer that streams steadily past the total time is cut there, marked partial', async () => {
    server.script = [{ kind: 'endless', piece: 'x' }];
    const { result } = await run(server, { maxAnswerMs: 300, maxAnswerBytes: 1024 ** 3 });
    assert.equal(result.partial, true);
    assert.equal(result.partialReason, 'the answer took longer than 0.3s');
    assert.match(result.markdown, /^x+$/);
  });

  it('a missing prompt file fails before anything is sent', async () => {
    const before = server.requests.length;
    await assert.rejects(run(server, { promptFile: 'no-such-dir/prompt.md' }), (err: unknown) => {
      assert.ok(err instanceof SquirrlyError);
      assert.equal(err.message, 'prompt file no-such-dir/prompt.md not found');
      assert.equal(err.exitCode, 2);
      return true;
    });
    assert.equal(server.requests.length, before);
  });

  it('an unreachable server is a clear error', async () => {
    const gone = await startOpenAIServer();
    await gone.close();
    await assert.rejects(run(gone, { maxRetries: 0 }), new RegExp(`could not reach the analysis provider at ${gone.baseUrl.replaceAll('.', '\\.')}`));
  });

  it('never put the key into anything it produced', () => {
    assert.ok(captured.length > 10);
    for (const text of captured) assert.ok(!text.includes(KEY), `key leaked into: ${text.slice(0, 120)}`);
  });
});
