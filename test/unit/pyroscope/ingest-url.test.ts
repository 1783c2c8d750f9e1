import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeServer, ingestUrl } from '../../../src/pyroscope/ingest-client.ts';
import { backoffMs, isRetryableStatus, retryAfterMs } from '../../../src/pyroscope/retry-policy.ts';

const profile = (labels: Record<string, string>) => ({ labels, fromSeconds: 1_700_000_000.7, untilSeconds: 1_700_000_030.2, pprof: new Uint8Array() });

describe('the ingest URL', () => {
  it('carries the labels in the series name, sorted, with the window in whole seconds', () => {
    const url = ingestUrl(new URL('https://profiles.example.com/prefix/'), profile({ service_name: 'ns/job', taskmanager: 'tm-1', namespace: 'ns' }));
    assert.equal(url.origin + url.pathname, 'https://profiles.example.com/prefix/ingest');
    assert.equal(url.searchParams.get('name'), 'ns/job{namespace=ns,service_name=ns/job,taskmanager=tm-1}');
    assert.equal(url.searchParams.get('format'), 'pprof');
    assert.equal(url.searchParams.get('from'), '1700000000');
    assert.equal(url.searchParams.get('until'), '1700000031');
  });

  it('replaces the name syntax in values, which it cannot escape, and drops label names it would refuse', () => {
    const url = ingestUrl(new URL('http://p:4040'), profile({ service_name: 'ns/job', taskmanager: 'a,b=c{d}', 'bad name': 'x' }));
    assert.equal(url.searchParams.get('name'), 'ns/job{service_name=ns/job,taskmanager=a_b_c_d_}');
  });

  it('shows the server without credentials or query', () => {
    assert.equal(describeServer(new URL('https://u:p@host:4040/base/?x=1')), 'https://host:4040/base');
  });
});

describe('the retry policy', () => {
  it('retries 5xx and 429, never another 4xx', () => {
    assert.deepEqual([500, 502, 503, 429, 400, 401, 404, 413, 422].map(isRetryableStatus), [true, true, true, true, false, false, false, false, false]);
  });

  it('backs off exponentially with jitter, capped', () => {
    assert.equal(backoffMs(1, 500, 8000, () => 0), 250);
    assert.equal(backoffMs(1, 500, 8000, () => 1), 500);
    assert.equal(backoffMs(3, 500, 8000, () => 1), 2000);
    assert.equal(backoffMs(10, 500, 8000, () => 1), 8000);
  });

  it('reads Retry-After as seconds or a date', () => {
    assert.equal(retryAfterMs('3'), 3000);
    assert.equal(retryAfterMs('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 5000);
    assert.equal(retryAfterMs('soon'), undefined);
    assert.equal(retryAfterMs(null), undefined);
  });
});
