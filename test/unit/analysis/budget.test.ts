import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { buildRequest, DEFAULT_REQUEST_BUDGET } from '../../../src/analysis/budget.ts';
import { loadPromptTemplate, loadSystemPrompt } from '../../../src/analysis/prompts.ts';
import { chatTokens, tokenCounter, type TokenCounter } from '../../../src/analysis/tokenizer.ts';
import { hugeSummaries, sampleFindings, smallSummary } from './sample-summaries.ts';

describe('request budget', () => {
  let count: TokenCounter;
  before(async () => {
    count = await tokenCounter();
  });

  it('counts with the real o200k_base tokenizer', () => {
    // Known o200k_base counts: "hello world" is 2 tokens; an empty string is 0.
    assert.equal(count('hello world'), 2);
    assert.equal(count(''), 0);
    assert.ok(count('org/apache/flink/streaming/runtime/tasks/StreamTask.invoke') > 5);
  });

  it('keeps a small summary whole and reports the exact token count', () => {
    const req = buildRequest({
      summaries: [smallSummary()],
      findings: sampleFindings,
      system: loadSystemPrompt(),
      template: loadPromptTemplate('ITIMER'),
      count,
    });
    assert.equal(req.shrunk, false);
    assert.equal(req.budget, DEFAULT_REQUEST_BUDGET);
    assert.equal(req.tokens, chatTokens(count, req.messages));
    const user = req.messages[1]?.content ?? '';
    assert.match(user, /31% com\/acme\/fraud\/model\/FeatureVector\.normalize/);
    assert.match(user, /Kryo serialization takes 22% of CPU/);
    assert.doesNotMatch(user, /\{\{summary\}\}/);
    // 310+220+150+90+40 of 1000 self samples are listed
    assert.equal(req.selfCoveragePercent, 81);
  });

  it('shrinks a huge summary deterministically until it fits', () => {
    const summaries = hugeSummaries(40, 400);
    const input = { summaries, findings: sampleFindings, system: loadSystemPrompt(), template: loadPromptTemplate('CPU'), count };
    const oneTarget = count(summaries[0]?.topSelf.map((f) => f.name).join('\n') ?? '');
    assert.ok(oneTarget * summaries.length > 10 * DEFAULT_REQUEST_BUDGET, 'the input is far over budget');
    const req = buildRequest(input);
    assert.ok(req.tokens <= DEFAULT_REQUEST_BUDGET, `${req.tokens} tokens`);
    assert.equal(req.tokens, chatTokens(count, req.messages));
    assert.equal(req.shrunk, true);
    assert.ok(req.detail.targets < 40);
    assert.ok(req.selfCoveragePercent > 0 && req.selfCoveragePercent < 100);
    assert.match(req.messages[1]?.content ?? '', /targets left out; the hottest are shown/);
    // the hottest target (largest totalSamples) is the one kept first
    assert.match(req.messages[1]?.content ?? '', /### tm-39 /);
    assert.deepEqual(buildRequest(input), req);
  });

  it('honours a smaller budget', () => {
    const req = buildRequest({
      summaries: hugeSummaries(3, 50),
      findings: [],
      system: loadSystemPrompt(),
      template: loadPromptTemplate('CPU'),
      count,
      budget: 1200,
    });
    assert.ok(req.tokens <= 1200, `${req.tokens} tokens`);
  });

  it('fails clearly when the prompt alone is over budget', () => {
    assert.throws(
      () =>
        buildRequest({
          summaries: [smallSummary()],
          findings: [],
          system: 'x',
          template: 'word '.repeat(3000),
          count,
          budget: 500,
        }),
      (err: Error & { hint?: string; exitCode?: number }) =>
        /tokens even at minimum detail; the budget is 500/.test(err.message) && err.exitCode === 3 && /--prompt-file/.test(err.hint ?? ''),
    );
  });
});
