import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectProvider } from '../../../src/analysis/select-provider.ts';
import { SquirrlyError, UsageError } from '../../../src/errors.ts';

const KEY = 'sk-test-select-0123456789';

describe('selectProvider', () => {
  it('defaults to openai with a key and builtin without', () => {
    assert.equal(selectProvider({ env: { OPENAI_API_KEY: KEY } }).provider, 'openai');
    const none = selectProvider({ env: {} });
    assert.equal(none.provider, 'builtin');
    assert.equal(none.source, 'default');
    assert.equal(none.fallback, undefined);
  });

  it('flag beats API_PROVIDER beats the default', () => {
    assert.deepEqual(
      [
        selectProvider({ provider: 'none', env: { API_PROVIDER: 'openai', OPENAI_API_KEY: KEY } }),
        selectProvider({ env: { API_PROVIDER: 'builtin', OPENAI_API_KEY: KEY } }),
        selectProvider({ provider: 'builtin', env: { API_PROVIDER: 'nonsense' } }),
      ].map((s) => [s.provider, s.source]),
      [['none', 'flag'], ['builtin', 'env'], ['builtin', 'flag']],
    );
  });

  it('--provider openai without a key falls back to builtin and fails the run', () => {
    const s = selectProvider({ provider: 'openai', env: {} });
    assert.equal(s.provider, 'builtin');
    assert.ok(s.fallback?.reason instanceof SquirrlyError);
    assert.equal(s.fallback?.failsRun, true);
    assert.equal(s.fallback?.reason.exitCode, 3);
    assert.match(s.fallback?.reason.hint ?? '', /OPENAI_API_KEY/);
  });

  it('API_PROVIDER=openai without a key falls back quietly, like the old Job', () => {
    const s = selectProvider({ env: { API_PROVIDER: 'openai' } });
    assert.equal(s.provider, 'builtin');
    assert.equal(s.fallback?.failsRun, false);
  });

  it('rejects an unknown API_PROVIDER', () => {
    assert.throws(() => selectProvider({ env: { API_PROVIDER: 'Anthropic' } }), UsageError);
  });

  it('passes model, base URL, prompt file and redact; flags beat env', () => {
    const s = selectProvider({
      env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: 'http://127.0.0.1:1/v1', ANALYSIS_PROMPT_FILE: 'env.md' },
      model: 'llama3',
      baseUrl: 'http://127.0.0.1:2/v1',
      promptFile: 'flag.md',
      redact: true,
    });
    assert.deepEqual(s.openai, { apiKey: KEY, model: 'llama3', baseUrl: 'http://127.0.0.1:2/v1', redact: true, promptFile: 'flag.md' });
    assert.equal(selectProvider({ env: { OPENAI_API_KEY: KEY, ANALYSIS_PROMPT_FILE: 'env.md' } }).promptFile, 'env.md');
    assert.equal(selectProvider({ env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' } }).openai?.baseUrl, 'http://127.0.0.1:1/v1');
  });

  it('a local OpenAI-compatible server needs no key', () => {
    const s = selectProvider({ provider: 'openai', env: {}, baseUrl: 'http://127.0.0.1:11434/v1' });
    assert.equal(s.provider, 'openai');
    assert.equal(s.fallback, undefined);
  });

  it('uses Azure OpenAI for an Azure endpoint or AZURE_OPENAI_ENDPOINT', () => {
    const byUrl = selectProvider({ env: { OPENAI_API_KEY: KEY }, baseUrl: 'https://res.openai.azure.com/' });
    assert.deepEqual(byUrl.openai?.azure, { endpoint: 'https://res.openai.azure.com/' });
    const byEnv = selectProvider({
      env: { AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com/', AZURE_OPENAI_API_KEY: KEY, OPENAI_API_VERSION: '2024-10-21' },
    });
    assert.equal(byEnv.provider, 'openai');
    assert.deepEqual(byEnv.openai?.azure, { endpoint: 'https://res.openai.azure.com/', apiVersion: '2024-10-21' });
  });
});
