import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SecretScrubber, withoutUserinfo } from '../../../src/text/secrets.ts';

const KEY = 'sk-proj-Zq8WZ3nXy7Tt5Vb2Lm0Pk9Rr4Ss1Uu6';

describe('secrets are blanked in text', () => {
  it('the API key and the credentials of a URL, wherever they appear', () => {
    const s = SecretScrubber.fromEnv({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: 'https://alice:hunter2hunter2@llm.example/v1' });
    assert.equal(s.scrub(`Authorization: Bearer ${KEY}`), 'Authorization: Bearer [redacted]');
    assert.equal(s.scrub('could not reach https://alice:hunter2hunter2@llm.example/v1'), 'could not reach https://[redacted]@llm.example/v1');
    assert.equal(s.scrub('the password was hunter2hunter2'), 'the password was [redacted]');
    // any URL's userinfo, even one nobody registered
    assert.equal(s.scrub('ftp://bob:pw@host/x and http://host/y'), 'ftp://[redacted]@host/x and http://host/y');
    // short values would blank ordinary words: not registered
    assert.equal(new SecretScrubber(['unused']).scrub('unused key'), 'unused key');
  });
  it('a key split across streamed chunks is caught, and text that cannot be a key is not held back', () => {
    const s = new SecretScrubber([KEY]);
    for (let cut = 1; cut < KEY.length; cut++) {
      const stream = s.stream();
      const out = [stream.push(`key: ${KEY.slice(0, cut)}`), stream.push(`${KEY.slice(cut)} end`), stream.flush()].join('');
      assert.equal(out, 'key: [redacted] end', `cut at ${cut}`);
    }
    const chunks = ['one char', ' at a time', ' s', 'k'];
    const stream = s.stream();
    assert.deepEqual(chunks.map((c) => stream.push(c)), ['one char', ' at a time', ' ', '']);
    assert.equal(stream.flush(), 'sk');
    // one character per chunk
    const slow = s.stream();
    const out = [...`x${KEY}y`].map((c) => slow.push(c)).join('') + slow.flush();
    assert.equal(out, 'x[redacted]y');
  });
  it('URLs are shown without userinfo', () => {
    assert.equal(withoutUserinfo('https://user:pass@host:8443/v1'), 'https://host:8443/v1');
    assert.equal(withoutUserinfo('http://127.0.0.1:11434/v1'), 'http://127.0.0.1:11434/v1');
    assert.equal(withoutUserinfo('not a url user:pass@x'), 'not a url user:pass@x');
  });
});
